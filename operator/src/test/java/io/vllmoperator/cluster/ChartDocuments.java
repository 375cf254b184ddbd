package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What the chart tiers share: the chart's path, `helm template` output, RBAC answers. */
final class ChartDocuments {
  private ChartDocuments() {}

  static String chart() {
    return TestManifests.repoRoot().resolve("charts/vllm-operator").toString();
  }

  /** The documents of multi-document YAML, empty ones left out. */
  static List<JsonNode> documents(String yaml) throws IOException {
    try (var it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(yaml)) {
      List<JsonNode> docs = new ArrayList<>();
      while (it.hasNext()) {
        JsonNode doc = (JsonNode) it.next();
        if (doc != null && !doc.isNull()) {
          docs.add(doc);
        }
      }
      return docs;
    }
  }

  static List<JsonNode> kind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  /** The one document of {@code kind}; fails unless there is exactly one. */
  static JsonNode only(List<JsonNode> docs, String kind) {
    List<JsonNode> matching = kind(docs, kind);
    assertThat(matching).as(kind).hasSize(1);
    return matching.get(0);
  }

  /**
   * The API server's own answer for the client's identity (SelfSubjectAccessReview). {@code
   * resource} may name a subresource (pods/log); {@code name} may be empty (any object).
   */
  static boolean allowed(
      KubernetesClient client, String namespace, String verb, String resource, String name) {
    String[] parts = resource.split("/", 2);
    var review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withNamespace(namespace)
            .withVerb(verb)
            .withGroup(group(parts[0]))
            .withResource(parts[0])
            .withSubresource(parts.length > 1 ? parts[1] : "")
            .withName(name)
            .endResourceAttributes()
            .endSpec()
            .build();
    return client
        .authorization()
        .v1()
        .selfSubjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }

  static boolean allowed(KubernetesClient client, String namespace, String verb, String resource) {
    return allowed(client, namespace, verb, resource, "");
  }

  private static String group(String resource) {
    return switch (resource) {
      case "leases" -> "coordination.k8s.io";
      case "servicemonitors", "prometheusrules", "alertmanagerconfigs" -> "monitoring.coreos.com";
      default -> "";
    };
  }
}
