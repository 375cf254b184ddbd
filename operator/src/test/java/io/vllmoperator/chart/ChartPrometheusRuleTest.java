package io.vllmoperator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart's PrometheusRule for the operator is alerts/operator-alerts.yaml with the placeholders
 * its header documents filled in, and nothing else changed: the file stays the single source.
 */
class ChartPrometheusRuleTest {
  static final Path RULE_FILE = TestManifests.repoRoot().resolve("alerts/operator-alerts.yaml");
  private static final String DEFAULT_RUNBOOKS =
      "https://github.com/vllm-operator/vllm-operator/blob/main/alerts/runbooks/";

  @Test
  void withDefaultValuesTheRuleIsTheFileForTheReleaseNamespaceAndJob() throws IOException {
    JsonNode rule = prometheusRule(List.of("--api-versions", Helm.MONITORING_API));

    assertThat(rule.path("spec"))
        .isEqualTo(expected("vllm-operator", "vllm-operator", a -> DEFAULT_RUNBOOKS + a + ".md"));
    assertThat(rule.at("/metadata/name").asText()).isEqualTo("vllm-operator");
    assertThat(rule.at("/metadata/namespace").asText()).isEqualTo(Helm.NAMESPACE);
  }

  @Test
  void theJobFollowsNameOverrideAndRunbooksAPublishedBase() throws IOException {
    JsonNode rule =
        prometheusRule(
            List.of(
                "--api-versions",
                Helm.MONITORING_API,
                "--namespace",
                "platform",
                "--set",
                "nameOverride=llm-operator",
                "--set",
                "metrics.prometheusRule.runbookBaseUrl=https://runbooks.example.com/vllm/",
                "--set",
                "metrics.prometheusRule.labels.release=kube-prometheus-stack"));

    assertThat(rule.path("spec"))
        .isEqualTo(
            expected("platform", "llm-operator", a -> "https://runbooks.example.com/vllm/" + a));
    assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    // The job the rules select is the one the ServiceMonitor produces: the Service's name label.
    var docs = Helm.documents(render("platform", "nameOverride=llm-operator"));
    JsonNode monitor = Helm.ofKind(docs, "ServiceMonitor").get(0);
    JsonNode service = Helm.ofKind(docs, "Service").get(0);
    assertThat(service.at("/metadata/labels").path(monitor.at("/spec/jobLabel").asText()).asText())
        .isEqualTo("llm-operator");
  }

  private static String render(String namespace, String set) {
    return Helm.render(
        List.of("--api-versions", Helm.MONITORING_API, "--namespace", namespace, "--set", set));
  }

  private static JsonNode prometheusRule(List<String> args) {
    var rules = Helm.ofKind(Helm.documents(Helm.render(args)), "PrometheusRule");
    assertThat(rules).hasSize(1);
    return rules.get(0);
  }

  /** The rule file with ${namespace}, ${job} and each alert's ${runbook_url} filled in. */
  static JsonNode expected(String namespace, String job, UnaryOperator<String> runbook)
      throws IOException {
    JsonNode file = new YAMLMapper().readTree(RULE_FILE.toFile());
    Map<String, String> values = Map.of("${namespace}", namespace, "${job}", job);
    JsonNode filled = fill(file, values);
    for (JsonNode group : filled.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          assertThat(rule.at("/annotations/runbook_url").asText()).isEqualTo("${runbook_url}");
          ((ObjectNode) rule.path("annotations"))
              .put("runbook_url", runbook.apply(rule.path("alert").asText()));
        }
      }
    }
    assertThat(filled.toString()).doesNotContain("${namespace}").doesNotContain("${job}");
    return filled;
  }

  /** A copy of {@code node} with the placeholders replaced in every string value. */
  private static JsonNode fill(JsonNode node, Map<String, String> values) {
    if (node.isTextual()) {
      String text = node.asText();
      for (var e : values.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
      return TextNode.valueOf(text);
    }
    JsonNode copy = node.deepCopy();
    if (copy instanceof ObjectNode object) {
      node.fields().forEachRemaining(e -> object.set(e.getKey(), fill(e.getValue(), values)));
    } else if (copy instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, fill(node.get(i), values));
      }
    }
    return copy;
  }
}
