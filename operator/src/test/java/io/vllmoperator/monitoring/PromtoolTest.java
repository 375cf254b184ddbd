package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.dependent.PrometheusRuleDependentResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java-rendered alert rules, checked and unit-tested by the real promtool. */
class PromtoolTest {
  private static final Path ALERTS = TestManifests.repoRoot().resolve("alerts");
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper YAML = new YAMLMapper();

  /** The CR the promtool tests in alerts/tests/ are written for. */
  static VllmDeployment fixtureCr() {
    return TestManifests.vllm(
        "llama-8b",
        "model: {name: meta-llama/Llama-3.1-8B-Instruct}\n"
            + "monitoring: {alerts: {runbookBaseUrl: https://runbooks.example.com/vllm}}");
  }

  static List<Path> examples() {
    return TestManifests.examples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void promtoolAcceptsThePrometheusRuleOfEveryExample(Path example, @TempDir Path dir)
      throws IOException {
    Path promtool = Tools.promtool();
    for (VllmDeployment vllm : TestManifests.readExample(example)) {
      checkRules(promtool, vllm, dir);
    }
  }

  /**
   * Values a spec could carry into the rules, each of which broke the Go templates or the PromQL
   * before they were escaped. Set on the object directly: the CRD may refuse some of them too, and
   * the renderer must hold on its own.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "qwen {{ .Broken",
        "{{ $value }}",
        "a}}b{{",
        "x{",
        "say \"hi\" \\ {{ printf \"%s\" \"boom\" }}",
        "{{/* comment",
      })
  void hostileValuesCannotBreakTheRules(String hostile, @TempDir Path dir) throws IOException {
    VllmDeployment vllm =
        TestManifests.readExample(TestManifests.repoRoot().resolve("examples/minimal.yaml")).get(0);
    vllm.getSpec().getModel().setServedName(hostile);
    var alerts = vllm.getSpec().getMonitoring().getAlerts();
    alerts.setRunbookBaseUrl("https://runbooks.example.com/" + hostile);
    alerts.setLabels(java.util.Map.of("team", hostile));

    checkRules(Tools.promtool(), vllm, dir);

    // What Go's template engine prints for the escape is the value itself.
    String unescape = "{{ \"{\" }}";
    List<JsonNode> alertRules = new java.util.ArrayList<>();
    AlertRules.ruleFile(vllm).path("groups").forEach(g -> g.path("rules").forEach(alertRules::add));
    assertThat(alertRules)
        .filteredOn(r -> r.has("alert"))
        .hasSize(13)
        .allSatisfy(
            r -> {
              assertThat(r.path("labels").path("team").asText().replace(unescape, "{"))
                  .isEqualTo(hostile);
              assertThat(r.path("annotations").path("runbook_url").asText().replace(unescape, "{"))
                  .startsWith("https://runbooks.example.com/" + hostile + "/");
            })
        .anySatisfy(
            r ->
                assertThat(
                        r.path("annotations").path("description").asText().replace(unescape, "{"))
                    .contains("(model " + hostile + ")"));
  }

  private static void checkRules(Path promtool, VllmDeployment vllm, Path dir) throws IOException {
    // The spec of the PrometheusRule the operator applies, as a plain rule file.
    var rule = PrometheusRuleDependentResource.build(vllm);
    JsonNode groups = Serialization.jsonMapper().valueToTree(rule.getSpec());
    Path file = dir.resolve("rules.yaml");
    YAML.writeValue(file.toFile(), groups);

    var result =
        Tools.run(TIMEOUT, dir, List.of(promtool.toString(), "check", "rules", file.toString()));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 13 rules found");
  }

  @Test
  void promtoolUnitTestsPassOnTheJavaRenderedRules() throws IOException {
    Path promtool = Tools.promtool();
    Path rendered = ALERTS.resolve("tests/rendered/vllm-alerts.yaml");
    Files.createDirectories(rendered.getParent());
    Files.deleteIfExists(rendered);
    YAML.writeValue(rendered.toFile(), AlertRules.ruleFile(fixtureCr()));

    var result =
        Tools.run(
            TIMEOUT,
            ALERTS.resolve("tests"),
            List.of(promtool.toString(), "test", "rules", "vllm-alerts-test.yaml"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
    // ... and the unit tests cover every alert of the template.
    JsonNode tests = YAML.readTree(ALERTS.resolve("tests/vllm-alerts-test.yaml").toFile());
    var tested = new java.util.TreeSet<String>();
    tests
        .path("tests")
        .forEach(
            t -> t.path("alert_rule_test").forEach(a -> tested.add(a.path("alertname").asText())));
    assertThat(tested).containsExactlyInAnyOrderElementsOf(AlertRulesTest.ALERT_NAMES);
  }

  @Test
  void javaRendererAndTheReferenceSedRendererAgree(@TempDir Path dir) throws IOException {
    Path copy = dir.resolve("alerts");
    Files.createDirectories(copy.resolve("tests"));
    Files.copy(ALERTS.resolve("vllm-alerts.yaml"), copy.resolve("vllm-alerts.yaml"));
    Files.copy(ALERTS.resolve("tests/render-local.sh"), copy.resolve("tests/render-local.sh"));

    var result = Tools.run(TIMEOUT, copy, List.of("sh", "tests/render-local.sh", "--render-only"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    JsonNode bySed = YAML.readTree(copy.resolve("tests/rendered/vllm-alerts.yaml").toFile());
    JsonNode byJava = YAML.valueToTree(AlertRules.ruleFile(fixtureCr()));
    assertThat(byJava).isEqualTo(bySed);
  }
}
