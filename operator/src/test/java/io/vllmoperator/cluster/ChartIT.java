package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.config.OperatorConfig;
import io.vllmoperator.desired.Durations;
import io.vllmoperator.status.Conditions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Helm chart: lint, template, install, and the operator working under the chart's RBAC. */
class ChartIT {
  private static final String CHART = "charts/vllm-operator";
  private static final String RELEASE_NS = "vllm-operator";
  private static final String RELEASE = "vllm-operator";
  private static final String WORKLOAD_NS = "chart-tier";

  private static LocalCluster cluster;
  private static KubernetesClient admin;

  @BeforeAll
  static void install() {
    cluster = LocalCluster.get();
    admin = cluster.newClient();
    var installed =
        cluster.helm(
            "upgrade", "--install", RELEASE, chart(), "-n", RELEASE_NS, "--create-namespace");
    assertThat(installed.exitCode()).as(installed.output()).isZero();
    ClusterFixtures.installCrd(admin);
    ClusterFixtures.ensureNamespace(admin, WORKLOAD_NS);
  }

  @AfterAll
  static void uninstall() {
    admin.resources(VllmDeployment.class).inNamespace(WORKLOAD_NS).delete();
    cluster.helm("uninstall", RELEASE, "-n", RELEASE_NS);
    admin.close();
  }

  @Test
  void lintsStrictly() {
    var lint = cluster.helm("lint", "--strict", chart());
    assertThat(lint.exitCode()).as(lint.output()).isZero();
  }

  @Test
  void rbacGrantsNoSecretsAndNoClaimDeletion() throws IOException {
    var template = cluster.helm("template", RELEASE, chart(), "-n", RELEASE_NS);
    assertThat(template.exitCode()).as(template.output()).isZero();

    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode doc : documents(template.output())) {
      if ("ClusterRole".equals(doc.path("kind").asText())
          && RELEASE.equals(doc.at("/metadata/name").asText())) {
        doc.path("rules").forEach(rules::add);
      }
    }
    assertThat(rules).isNotEmpty();
    assertThat(rules)
        .noneSatisfy(r -> assertThat(r.path("resources").toString()).contains("secrets"));
    assertThat(rules)
        .filteredOn(r -> r.path("resources").toString().contains("persistentvolumeclaims"))
        .singleElement()
        .satisfies(r -> assertThat(r.path("verbs").toString()).doesNotContain("delete"));
    assertThat(rules)
        .filteredOn(r -> r.path("resources").toString().contains("pods/log"))
        .singleElement()
        .satisfies(r -> assertThat(r.path("verbs").toString()).isEqualTo("[\"get\"]"));
  }

  @Test
  void theResyncIntervalIsAValuePassedAsTheOperatorsFlag() throws IOException {
    assertThat(operatorArgs()).containsSubsequence("--resync-interval", "5m");
    assertThat(Duration.ofSeconds(Durations.seconds("5m")))
        .as("the chart's default is the operator's")
        .isEqualTo(OperatorConfig.DEFAULT_RESYNC);
    assertThat(operatorArgs("--set", "resyncInterval=1h30m"))
        .containsSubsequence("--resync-interval", "1h30m");

    var malformed =
        cluster.helm("template", RELEASE, chart(), "--set-string", "resyncInterval=5min");
    assertThat(malformed.exitCode()).isNotZero();
    assertThat(malformed.output()).contains("resyncInterval").contains("does not match pattern");
    var zero = cluster.helm("template", RELEASE, chart(), "--set-string", "resyncInterval=0s");
    assertThat(zero.exitCode()).isNotZero();
    assertThat(zero.output()).contains("resyncInterval must be longer than zero");
  }

  private static List<String> operatorArgs(String... set) throws IOException {
    List<String> command = new ArrayList<>(List.of("template", RELEASE, chart()));
    command.addAll(List.of(set));
    var template = cluster.helm(command.toArray(String[]::new));
    assertThat(template.exitCode()).as(template.output()).isZero();
    JsonNode deployment =
        documents(template.output()).stream()
            .filter(d -> "Deployment".equals(d.path("kind").asText()))
            .findFirst()
            .orElseThrow();
    List<String> args = new ArrayList<>();
    deployment.at("/spec/template/spec/containers/0/args").forEach(a -> args.add(a.asText()));
    return args;
  }

  @Test
  void sharedDashboardsAreTheRepositorysFilesForTheGrafanaSidecar() throws IOException {
    var template =
        cluster.helm(
            "template", RELEASE, chart(), "-n", RELEASE_NS, "--set", "dashboards.enabled=true");
    assertThat(template.exitCode()).as(template.output()).isZero();

    List<JsonNode> dashboards =
        documents(template.output()).stream()
            .filter(d -> "ConfigMap".equals(d.path("kind").asText()))
            .filter(d -> "1".equals(d.at("/metadata/labels/grafana_dashboard").asText()))
            .toList();
    assertThat(dashboards).hasSize(3);
    for (JsonNode configMap : dashboards) {
      var entry = configMap.path("data").fields().next();
      assertThat(entry.getValue().asText())
          .isEqualTo(
              java.nio.file.Files.readString(
                  TestManifests.repoRoot().resolve("dashboards").resolve(entry.getKey())));
    }
    var off = cluster.helm("template", RELEASE, chart(), "-n", RELEASE_NS);
    assertThat(off.output()).doesNotContain("grafana_dashboard");
  }

  @Test
  void theOperatorRunsAnExampleToReadyUnderTheChartsServiceAccount() throws IOException {
    try (KubernetesClient asOperator = cluster.newClientAs(RELEASE_NS, RELEASE);
        InProcessOperator operator = InProcessOperator.start(asOperator)) {
      assertThatThrownBy(() -> asOperator.secrets().inNamespace(WORKLOAD_NS).list())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("forbidden");
      assertThat(allowed(asOperator, "get", "pods", "log"))
          .as("reads a crashed container's previous log")
          .isTrue();
      assertThat(allowed(asOperator, "get", "secrets", "")).isFalse();

      VllmDeployment vllm =
          TestManifests.readExample(
                  TestManifests.repoRoot().resolve("examples/gated-model-with-secrets.yaml"))
              .get(0);
      vllm.getMetadata().setNamespace(WORKLOAD_NS);
      vllm.getMetadata().setGeneration(null);
      admin.resource(vllm).create();

      await("Ready under the chart's RBAC")
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                var current =
                    admin
                        .resources(VllmDeployment.class)
                        .inNamespace(WORKLOAD_NS)
                        .withName(vllm.getMetadata().getName())
                        .get();
                return current.getStatus() != null && current.getStatus().getPhase() == Phase.READY;
              });
      assertThat(
              admin.v1().events().inNamespace(WORKLOAD_NS).list().getItems().stream()
                  .filter(e -> "vllm-operator".equals(e.getSource().getComponent())))
          .as("events recorded with the chart's permissions")
          .isNotEmpty();
    }
  }

  @Test
  void anUnbindableCacheClaimIsExplainedUnderTheChartsRbac() {
    try (KubernetesClient asOperator = cluster.newClientAs(RELEASE_NS, RELEASE);
        InProcessOperator operator = InProcessOperator.start(asOperator)) {
      assertThat(allowed(asOperator, "list", "events", ""))
          .as("reads the Events of a Pending cache claim")
          .isTrue();
      VllmDeployment vllm =
          TestManifests.vllm(
              "unbindable",
              "model: {name: Qwen/Qwen2.5-1.5B-Instruct, cache: {size: 10Gi, storageClassName:"
                  + " no-such-class}}");
      vllm.getMetadata().setNamespace(WORKLOAD_NS);
      vllm.getMetadata().setGeneration(null);
      vllm.setStatus(null);
      admin.resource(vllm).create();
      try {
        await("Degraded=ModelCacheUnbound naming the missing StorageClass")
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .until(
                () ->
                    Conditions.find(
                            admin
                                .resources(VllmDeployment.class)
                                .inNamespace(WORKLOAD_NS)
                                .withName("unbindable")
                                .get()
                                .getStatus()
                                .getConditions(),
                            Conditions.DEGRADED)
                        .filter(c -> "ModelCacheUnbound".equals(c.getReason()))
                        .filter(
                            c ->
                                c.getMessage()
                                    .contains(
                                        "PersistentVolumeClaim unbindable-cache is not bound:"
                                            + " StorageClass \"no-such-class\" does not exist"))
                        .isPresent());
      } finally {
        admin.resource(vllm).delete();
        // The cache claim outlives its VllmDeployment by design.
        admin
            .persistentVolumeClaims()
            .inNamespace(WORKLOAD_NS)
            .withName("unbindable-cache")
            .delete();
      }
    }
  }

  /** The API server's own answer for the client's identity (SelfSubjectAccessReview). */
  private static boolean allowed(
      KubernetesClient client, String verb, String resource, String subresource) {
    var review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withNamespace(WORKLOAD_NS)
            .withVerb(verb)
            .withResource(resource)
            .withSubresource(subresource)
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

  private static String chart() {
    return TestManifests.repoRoot().resolve(CHART).toString();
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
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
}
