package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.AlertmanagerConfig;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.AlertRuleOverride;
import io.vllmoperator.api.v1alpha1.spec.AlertSeverity;
import io.vllmoperator.dependent.AlertmanagerConfigDependentResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AlertmanagerConfig of spec.monitoring.alertRouting, turned into the Alertmanager
 * configuration prometheus-operator would generate from it, checked with amtool against the labels
 * the alerts really carry: every `exp_labels` of alerts/tests/vllm-alerts-test.yaml, which promtool
 * proves for the same fixture deployment (llm/llama-8b) in PromtoolTest, plus the rule labels the
 * PrometheusRule adds once routing is on (read from that PrometheusRule, not assumed).
 */
class AlertRoutingTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration TIMEOUT = Duration.ofMinutes(1);
  private static final Path ALERT_TESTS =
      TestManifests.repoRoot().resolve("alerts/tests/vllm-alerts-test.yaml");
  private static final String PREFIX = "llm/llama-8b/";
  private static final org.yaml.snakeyaml.LoaderOptions ALIASES =
      new org.yaml.snakeyaml.LoaderOptions();

  static {
    ALIASES.setMaxAliasesForCollections(10_000);
  }

  @TempDir static Path dir;
  private static Path config;
  private static AlertmanagerConfig amcfg;

  static VllmDeployment routedCr() {
    return TestManifests.vllm(
        "llama-8b",
        "model: {name: meta-llama/Llama-3.1-8B-Instruct}\n"
            + "monitoring:\n"
            + "  alerts: {runbookBaseUrl: https://runbooks.example.com/vllm}\n"
            + "  alertRouting:\n"
            + "    enabled: true\n"
            + "    critical: [{pagerduty: {routingKeySecret: {name: receivers, key: pd}}}]\n"
            + "    warning:\n"
            + "      - webhook: {urlSecret: {name: receivers, key: ticket}}\n"
            + "      - slack: {apiURLSecret: {name: receivers, key: slack}, channel: '#llm'}\n");
  }

  @BeforeAll
  static void generate() throws IOException {
    amcfg = AlertmanagerConfigDependentResource.build(routedCr());
    config = dir.resolve("alertmanager.yaml");
    YAML.writeValue(config.toFile(), PrometheusOperatorAlertmanagerConfig.generate(amcfg));
  }

  @Test
  void amtoolAcceptsTheGeneratedConfig() {
    var result = amtool(List.of("check-config", config.toString()));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertOfThisDeploymentGoesToTheReceiverOfItsSeverity() throws IOException {
    Map<String, Set<Map<String, String>>> alerts = firedAlerts();
    assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(AlertRulesTest.ALERT_NAMES);

    alerts.forEach(
        (alert, labelSets) ->
            labelSets.forEach(labels -> assertRoutedTo(labels, PREFIX + labels.get("severity"))));
  }

  @Test
  void alertsOfAnotherDeploymentOrNamespaceAreNotMatched() throws IOException {
    for (Set<Map<String, String>> labelSets : firedAlerts().values()) {
      for (Map<String, String> labels : labelSets) {
        assertRoutedTo(otherDeployment(labels), PrometheusOperatorAlertmanagerConfig.ROOT_RECEIVER);
        Map<String, String> otherNamespace = new TreeMap<>(labels);
        otherNamespace.put("namespace", "other");
        assertRoutedTo(otherNamespace, PrometheusOperatorAlertmanagerConfig.ROOT_RECEIVER);
      }
    }
  }

  @Test
  void aWarningWithoutWarningReceiversIsDropped() throws IOException {
    VllmDeployment criticalOnly = routedCr();
    criticalOnly.getSpec().getMonitoring().getAlertRouting().setWarning(null);
    Path criticalOnlyConfig = dir.resolve("critical-only.yaml");
    YAML.writeValue(
        criticalOnlyConfig.toFile(),
        PrometheusOperatorAlertmanagerConfig.generate(
            AlertmanagerConfigDependentResource.build(criticalOnly)));

    var warning =
        routesTest(
            criticalOnlyConfig,
            PREFIX + "none",
            Map.of(
                "alertname",
                "VllmHighInterTokenLatency",
                "namespace",
                "llm",
                "deployment",
                "llama-8b",
                "severity",
                "warning"));
    var critical =
        routesTest(
            criticalOnlyConfig,
            PREFIX + "critical",
            Map.of(
                "alertname",
                "VllmTargetDown",
                "namespace",
                "llm",
                "deployment",
                "llama-8b",
                "severity",
                "critical"));

    assertThat(warning.exitCode()).as(warning.output()).isZero();
    assertThat(critical.exitCode()).as(critical.output()).isZero();
  }

  /**
   * A severity changed by spec.monitoring.alerts.rules is the label on the rule, and the route
   * matches that label: the alert goes to the receiver of its new severity.
   */
  @Test
  void aSeverityOverrideRoutesTheAlertToTheReceiverOfItsNewSeverity() throws IOException {
    VllmDeployment overridden = routedCr();
    var rules = new java.util.LinkedHashMap<String, AlertRuleOverride>();
    rules.put("VllmKvCacheSaturated", override(AlertSeverity.CRITICAL));
    rules.put("VllmHighErrorRate", override(AlertSeverity.WARNING));
    overridden.getSpec().getMonitoring().getAlerts().setRules(rules);
    Path overriddenConfig = dir.resolve("overridden.yaml");
    YAML.writeValue(
        overriddenConfig.toFile(),
        PrometheusOperatorAlertmanagerConfig.generate(
            AlertmanagerConfigDependentResource.build(overridden)));

    Map<String, String> severities = new TreeMap<>();
    for (Rule rule : AlertRulesTest.rules(overridden)) {
      severities.put(rule.getAlert(), rule.getLabels().get("severity"));
    }
    assertThat(severities)
        .containsEntry("VllmKvCacheSaturated", "critical")
        .containsEntry("VllmHighErrorRate", "warning");
    for (var alert : List.of("VllmKvCacheSaturated", "VllmHighErrorRate")) {
      Map<String, String> labels = new TreeMap<>();
      labels.put("alertname", alert);
      labels.put("namespace", "llm");
      labels.put("job", "llama-8b");
      labels.put("deployment", "llama-8b");
      labels.put("severity", severities.get(alert));
      var routed = routesTest(overriddenConfig, PREFIX + severities.get(alert), labels);
      assertThat(routed.exitCode()).as(alert + " " + routed.output()).isZero();
    }
  }

  private static AlertRuleOverride override(AlertSeverity severity) {
    AlertRuleOverride override = new AlertRuleOverride();
    override.setSeverity(severity);
    return override;
  }

  /**
   * amtool cannot evaluate inhibition, so the generated rule's matchers are applied here, as
   * Alertmanager applies them (every matcher holds; regexes anchored), to the real alert labels.
   */
  @Test
  void theWholeDeploymentDownInhibitsOnlyItsLatencyAlerts() throws IOException {
    JsonNode rules = YAML.valueToTree(PrometheusOperatorAlertmanagerConfig.generate(amcfg));
    assertThat(rules.path("inhibit_rules")).hasSize(1);
    JsonNode rule = rules.path("inhibit_rules").get(0);
    assertThat(YAML.convertValue(rule.path("source_matchers"), List.class))
        .containsExactly(
            "alertname=\"VllmTargetDown\"",
            "deployment=\"llama-8b\"",
            "pod=\"\"",
            "namespace=\"llm\"");
    assertThat(YAML.convertValue(rule.path("target_matchers"), List.class))
        .containsExactly(
            "alertname=~\"VllmHighTimeToFirstToken|VllmHighInterTokenLatency|VllmHighEndToEndLatency\"",
            "deployment=\"llama-8b\"",
            "namespace=\"llm\"");
    assertThat(YAML.convertValue(rule.path("equal"), List.class))
        .containsExactly("namespace", "deployment");

    Map<String, Set<Map<String, String>>> alerts = firedAlerts();
    Set<Map<String, String>> targetDown = alerts.get("VllmTargetDown");
    assertThat(targetDown)
        .as("the whole-deployment branch (no pod) is the source, a single pod down is not")
        .anySatisfy(l -> assertThat(matchesAll(rule.path("source_matchers"), l)).isTrue())
        .anySatisfy(l -> assertThat(matchesAll(rule.path("source_matchers"), l)).isFalse());
    alerts.forEach(
        (alert, labelSets) ->
            labelSets.forEach(
                labels ->
                    assertThat(matchesAll(rule.path("target_matchers"), labels))
                        .as(alert + " " + labels)
                        .isEqualTo(AlertRouting.LATENCY_ALERTS.contains(alert))));
  }

  private static void assertRoutedTo(Map<String, String> labels, String receiver) {
    var result = routesTest(config, receiver, labels);
    assertThat(result.exitCode()).as(labels + " -> " + result.output()).isZero();
  }

  private static Tools.Result routesTest(Path file, String receiver, Map<String, String> labels) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "config",
                "routes",
                "test",
                "--config.file=" + file,
                "--verify.receivers=" + receiver));
    labels.forEach((k, v) -> args.add(k + "=" + v));
    return amtool(args);
  }

  private static Tools.Result amtool(List<String> args) {
    Path amtool = Tools.require("amtool", "prometheus-alertmanager");
    List<String> command = new ArrayList<>(List.of(amtool.toString()));
    command.addAll(args);
    return Tools.run(TIMEOUT, dir, command);
  }

  /**
   * Label sets per alert name, as promtool expects them to fire, plus `alertname` and the labels
   * routing adds to the rules of {@link #routedCr()} (which promtool's fixture does not enable).
   */
  static Map<String, Set<Map<String, String>>> firedAlerts() throws IOException {
    Map<String, Map<String, String>> addedByRouting = new LinkedHashMap<>();
    for (Rule rule : AlertRulesTest.rules(routedCr())) {
      Map<String, String> added = new TreeMap<>(rule.getLabels());
      added
          .keySet()
          .removeAll(
              AlertRulesTest.rules(PromtoolTest.fixtureCr()).stream()
                  .filter(r -> r.getAlert().equals(rule.getAlert()))
                  .findFirst()
                  .orElseThrow()
                  .getLabels()
                  .keySet());
      addedByRouting.put(rule.getAlert(), added);
    }
    assertThat(addedByRouting)
        .allSatisfy(
            (alert, added) ->
                assertThat(added).as(alert).containsExactly(Map.entry("deployment", "llama-8b")));
    Map<String, Set<Map<String, String>>> byAlert = new LinkedHashMap<>();
    // SnakeYAML resolves the file's anchors and aliases (Jackson's tree model does not).
    JsonNode file =
        YAML.valueToTree(new org.yaml.snakeyaml.Yaml(ALIASES).load(Files.readString(ALERT_TESTS)));
    for (JsonNode test : file.path("tests")) {
      for (JsonNode ruleTest : test.path("alert_rule_test")) {
        String alert = ruleTest.path("alertname").asText();
        for (JsonNode expected : ruleTest.path("exp_alerts")) {
          Map<String, String> labels = new TreeMap<>();
          expected
              .path("exp_labels")
              .fields()
              .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
          labels.put("alertname", alert);
          labels.putAll(addedByRouting.get(alert));
          byAlert.computeIfAbsent(alert, k -> new LinkedHashSet<>()).add(labels);
        }
      }
    }
    return byAlert;
  }

  /** The same alert from a deployment named llama-8b-canary in the same namespace. */
  private static Map<String, String> otherDeployment(Map<String, String> labels) {
    Map<String, String> other = new TreeMap<>(labels);
    other.replaceAll(
        (k, v) ->
            Set.of("job", "service", "deployment", "pod").contains(k)
                ? v.replaceFirst("^llama-8b", "llama-8b-canary")
                : v);
    return other;
  }

  private static boolean matchesAll(JsonNode matchers, Map<String, String> labels) {
    for (JsonNode m : matchers) {
      var parsed = Pattern.compile("^([a-zA-Z_]+)(=~|=)\"(.*)\"$").matcher(m.asText());
      assertThat(parsed.matches()).as(m.asText()).isTrue();
      String value = labels.getOrDefault(parsed.group(1), "");
      boolean holds =
          parsed.group(2).equals("=")
              ? value.equals(parsed.group(3))
              : Pattern.matches(parsed.group(3), value);
      if (!holds) {
        return false;
      }
    }
    return true;
  }
}
