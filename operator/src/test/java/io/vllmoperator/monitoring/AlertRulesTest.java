package io.vllmoperator.monitoring;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AlertRulesTest {
  /** DESIGN.md §4: fixed; runbooks and tests refer to them. */
  static final List<String> ALERT_NAMES =
      List.of(
          "VllmTargetDown",
          "VllmMetricsMissing",
          "VllmHighTimeToFirstToken",
          "VllmHighInterTokenLatency",
          "VllmHighEndToEndLatency",
          "VllmKvCacheSaturated",
          "VllmRequestQueueBacklog",
          "VllmHighErrorRate",
          "VllmFrequentPreemptions",
          "VllmRolloutStuck",
          "VllmRolledBack",
          "VllmGpuXidErrors",
          "VllmGpuHighTemperature");

  private static final VllmDeployment DEFAULTS = vllm("llama-8b", "model: {name: m}");

  @Test
  void everyAlertIsRenderedWithSeveritySummaryDescriptionRunbookAndABoundedFor() {
    List<Rule> rules = rules(DEFAULTS);

    assertThat(rules).extracting(Rule::getAlert).containsExactlyElementsOf(ALERT_NAMES);
    for (Rule rule : rules) {
      assertThat(rule.getLabels().get("severity"))
          .as(rule.getAlert())
          .isIn("critical", "warning", "info");
      assertThat(rule.getAnnotations())
          .as(rule.getAlert())
          .containsKeys("summary", "description", "runbook_url");
      Duration forDuration = Duration.parse("PT" + rule.getFor().toUpperCase());
      assertThat(forDuration)
          .as(rule.getAlert())
          .isBetween(Duration.ofMinutes(2), Duration.ofMinutes(10));
    }
  }

  @Test
  void noPlaceholderIsLeftAnywhere() {
    String rendered = AlertRules.ruleFile(DEFAULTS).toString();

    assertThat(rendered).doesNotContain("${");
  }

  @Test
  void runbooksDefaultToThisRepositoryAndFollowACustomBase() {
    var custom =
        vllm("a", "model: {name: m}\nmonitoring: {alerts: {runbookBaseUrl: 'https://wiki/run/'}}");

    assertThat(rules(DEFAULTS))
        .allSatisfy(
            r ->
                assertThat(r.getAnnotations().get("runbook_url"))
                    .isEqualTo(AlertRules.DEFAULT_RUNBOOK_BASE_URL + "/" + r.getAlert() + ".md"));
    assertThat(rules(custom))
        .allSatisfy(
            r ->
                assertThat(r.getAnnotations().get("runbook_url"))
                    .isEqualTo("https://wiki/run/" + r.getAlert()));
  }

  @Test
  void theDefaultRunbookOfEveryAlertExistsInThisRepository() {
    var runbooks = TestManifests.repoRoot().resolve("alerts/runbooks");

    assertThat(ALERT_NAMES)
        .allSatisfy(a -> assertThat(runbooks.resolve(a + ".md")).isRegularFile());
  }

  /** The header of each runbook states its alert's severity and for, so the two do not drift. */
  @Test
  void everyRunbookStatesTheSeverityAndForOfItsAlert() throws Exception {
    var runbooks = TestManifests.repoRoot().resolve("alerts/runbooks");
    Pattern header =
        Pattern.compile("\\*\\*Severity:\\*\\* ([a-z]+)[^·]*· \\*\\*for:\\*\\* ([0-9]+[smh])");

    for (Rule rule : rules(DEFAULTS)) {
      Matcher m = header.matcher(Files.readString(runbooks.resolve(rule.getAlert() + ".md")));
      assertThat(m.find()).as("%s.md has a Severity/for header", rule.getAlert()).isTrue();
      assertThat(m.group(1)).as(rule.getAlert()).isEqualTo(rule.getLabels().get("severity"));
      assertThat(m.group(2)).as(rule.getAlert()).isEqualTo(rule.getFor());
    }
  }

  @Test
  void thresholdsAreWrittenAsPlainDecimals() {
    var tuned =
        vllm(
            "a",
            "model: {name: m}\n"
                + "monitoring: {alerts: {thresholds: {ttftP95Seconds: 1.5, interTokenP95Seconds:"
                + " 0.0000001, e2eP95Seconds: 120, kvCacheUsage: 1, queueDepth: 50, errorRatio:"
                + " 0.005}}}");

    Map<String, Rule> rules = byName(rules(tuned));

    assertThat(expr(rules, "VllmHighTimeToFirstToken")).contains(") > 1.5\n");
    assertThat(expr(rules, "VllmHighInterTokenLatency")).contains(") > 0.0000001\n");
    assertThat(expr(rules, "VllmHighEndToEndLatency")).contains(") > 120\n");
    assertThat(expr(rules, "VllmKvCacheSaturated")).contains(") > 1\n");
    assertThat(expr(rules, "VllmRequestQueueBacklog")).contains(") > 50\n");
    assertThat(expr(rules, "VllmHighErrorRate")).contains(") > 0.005\n");
    assertThat(rules.get("VllmHighTimeToFirstToken").getAnnotations().get("description"))
        .contains("threshold of 1.5s");
    assertThat(AlertRules.ruleFile(tuned).toString()).doesNotContainPattern("[0-9]E[-+]?[0-9]");
  }

  @Test
  void defaultThresholdsMatchTheCrdDefaults() {
    var admitted = DEFAULTS.getSpec().getMonitoring().getAlerts().getThresholds();

    assertThat(Thresholds.of(DEFAULTS)).isEqualTo(Thresholds.DEFAULTS);
    assertThat(admitted.getTtftP95Seconds()).isEqualTo(2.0);
    assertThat(admitted.getErrorRatio()).isEqualTo(0.05);
    var bare = new VllmDeployment();
    bare.setMetadata(DEFAULTS.getMetadata());
    bare.setSpec(new io.vllmoperator.api.v1alpha1.VllmDeploymentSpec());
    assertThat(Thresholds.of(bare)).isEqualTo(Thresholds.DEFAULTS);
    assertThat(Thresholds.DEFAULTS.byPlaceholder())
        .containsExactly(
            Map.entry("ttftP95Seconds", plain(admitted.getTtftP95Seconds())),
            Map.entry("interTokenP95Seconds", plain(admitted.getInterTokenP95Seconds())),
            Map.entry("e2eP95Seconds", plain(admitted.getE2eP95Seconds())),
            Map.entry("kvCacheUsage", plain(admitted.getKvCacheUsage())),
            Map.entry("queueDepth", plain(admitted.getQueueDepth())),
            Map.entry("errorRatio", plain(admitted.getErrorRatio())));
  }

  @Test
  void vllmSeriesAreSelectedByThisDeploymentsNamespaceAndJobOnly() {
    var other = vllm("qwen", "model: {name: m, servedName: qwen-chat}");
    Pattern vllmSelector = Pattern.compile("vllm:[a-z_:]+\\{([^}]*)}");

    for (Rule rule : rules(other)) {
      Matcher m = vllmSelector.matcher(rule.getExpr().getStrVal());
      while (m.find()) {
        assertThat(m.group(1))
            .as(rule.getAlert() + ": " + m.group())
            .startsWith("namespace=\"llm\", job=\"qwen\"")
            .doesNotContain("model_name");
      }
    }
    assertThat(AlertRules.ruleFile(other).toString())
        .doesNotContain("llama-8b")
        .contains("vllm-operator.llm.qwen");
  }

  @Test
  void alertLabelsAreAddedButNeverReplaceTheSeverity() {
    var routed =
        vllm(
            "a",
            "model: {name: m}\n"
                + "monitoring: {alerts: {labels: {team: ml-platform, severity: none}}}");

    assertThat(rules(routed))
        .allSatisfy(
            r -> {
              assertThat(r.getLabels()).containsEntry("team", "ml-platform");
              assertThat(r.getLabels().get("severity")).isNotEqualTo("none");
            });
  }

  @Test
  void ruleOverridesChangeTheForAndSeverityOfTheNamedAlertsOnly() {
    var overridden =
        vllm(
            "llama-8b",
            """
            model: {name: m}
            monitoring:
              alerts:
                labels: {severity: none}
                rules:
                  VllmKvCacheSaturated: {for: 1m, severity: critical}
                  VllmTargetDown: {for: 59m30s}
                  VllmHighErrorRate: {severity: warning}
            """);
    Map<String, Rule> changed = byName(rules(overridden));
    Map<String, Rule> defaults = byName(rules(DEFAULTS));

    assertThat(changed.get("VllmKvCacheSaturated").getFor()).isEqualTo("1m");
    assertThat(changed.get("VllmKvCacheSaturated").getLabels())
        .containsEntry("severity", "critical");
    assertThat(changed.get("VllmKvCacheSaturated").getAnnotations().get("description"))
        .contains(", for 1 minute. New requests")
        .doesNotContain("10 minutes");
    assertThat(changed.get("VllmTargetDown").getFor()).isEqualTo("59m30s");
    assertThat(changed.get("VllmTargetDown").getLabels()).containsEntry("severity", "critical");
    assertThat(changed.get("VllmTargetDown").getAnnotations().get("description"))
        .contains("for 59 minutes 30 seconds, although it served before");
    assertThat(changed.get("VllmHighErrorRate").getFor()).isEqualTo("5m");
    assertThat(changed.get("VllmHighErrorRate").getLabels()).containsEntry("severity", "warning");
    // Everything else is the same rule as without overrides.
    for (String alert : ALERT_NAMES) {
      Rule rule = changed.get(alert);
      Rule plain = defaults.get(alert);
      assertThat(rule.getExpr()).as(alert).isEqualTo(plain.getExpr());
      assertThat(rule.getAnnotations().get("summary"))
          .as(alert)
          .isEqualTo(plain.getAnnotations().get("summary"));
      if (!Set.of("VllmKvCacheSaturated", "VllmTargetDown", "VllmHighErrorRate").contains(alert)) {
        assertThat(rule.getFor()).as(alert).isEqualTo(plain.getFor());
        assertThat(rule.getLabels().get("severity"))
            .as(alert)
            .isEqualTo(plain.getLabels().get("severity"));
        assertThat(rule.getAnnotations()).as(alert).isEqualTo(plain.getAnnotations());
      }
    }
  }

  @Test
  void everyDescriptionStatesTheForOfItsAlertInWords() {
    for (Rule rule : rules(DEFAULTS)) {
      String description = rule.getAnnotations().get("description");
      if (description.contains(" for ") && description.contains("minutes")) {
        assertThat(description)
            .as(rule.getAlert())
            .contains("for " + AlertRuleOverrides.inWords(rule.getFor()));
      }
    }
    assertThat(AlertRuleOverrides.inWords("10m")).isEqualTo("10 minutes");
    assertThat(AlertRuleOverrides.inWords("1m")).isEqualTo("1 minute");
    assertThat(AlertRuleOverrides.inWords("1h30m")).isEqualTo("1 hour 30 minutes");
    assertThat(AlertRuleOverrides.inWords("90s")).isEqualTo("90 seconds");
    assertThatThrownBy(() -> AlertRuleOverrides.inWords("1.5h"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theKeysTheCrdAcceptsAreTheAlertsOfTheTemplate() {
    assertThat(io.vllmoperator.api.v1alpha1.spec.AlertsSpec.ALERT_NAMES)
        .containsExactlyElementsOf(ALERT_NAMES);
    assertThat(io.vllmoperator.api.v1alpha1.spec.AlertsSpec.ALERT_NAMES_CEL)
        .isEqualTo(
            ALERT_NAMES.stream()
                .map(a -> "'" + a + "'")
                .collect(java.util.stream.Collectors.joining(", ", "[", "]")));
  }

  @Test
  void anOverrideOfAnAlertThatDoesNotExistIsNotIgnored() {
    var handBuilt = vllm("llama-8b", "model: {name: m}");
    var override = new io.vllmoperator.api.v1alpha1.spec.AlertRuleOverride();
    override.setFor("5m");
    handBuilt.getSpec().getMonitoring().getAlerts().setRules(Map.of("VllmTargetDwn", override));

    assertThatThrownBy(() -> AlertRules.ruleFile(handBuilt))
        .hasMessageContaining("spec.monitoring.alerts.rules")
        .hasMessageContaining("VllmTargetDwn");
  }

  @Test
  void valuesAreInsertedLiterallyAndNeverExpandedAgain() {
    // No whitespace: the CRD refuses it in a served name.
    var odd = vllm("a", "model: {name: m, servedName: 'x-${name}-\"quoted\"'}");

    String description =
        byName(rules(odd)).get("VllmTargetDown").getAnnotations().get("description");

    // The "{" is printed by a Go template action, so Prometheus shows the value as it was.
    assertThat(description).contains("(model x-${{ \"{\" }}name}-\"quoted\")");
  }

  @Test
  void valuesInExpressionsStayInsideTheirPromqlString() {
    assertThat(AlertRules.ValueContext.of(".groups[0].rules[1].expr").escape("a\"b\\c"))
        .isEqualTo("a\\\"b\\\\c");
    assertThat(AlertRules.ValueContext.of(".groups[0].rules[1].annotations.summary").escape("{{x"))
        .isEqualTo("{{ \"{\" }}{{ \"{\" }}x");
    assertThat(AlertRules.ValueContext.of(".groups[0].name").escape("{a")).isEqualTo("{a");
  }

  @Test
  void anUnknownOrMalformedPlaceholderInTheTemplateFailsLoudly() {
    Map<String, String> values = Map.of("name", "llama");

    assertThat(AlertRules.replace("job=\"${name}\"", values, "expr")).isEqualTo("job=\"llama\"");
    assertThatThrownBy(() -> AlertRules.replace("${nmae}", values, "groups[0].rules[1].expr"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("${nmae}")
        .hasMessageContaining("groups[0].rules[1].expr");
    assertThatThrownBy(() -> AlertRules.replace("x ${ name}", values, "summary"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("summary");
  }

  @Test
  void theTemplateInTheJarIsTheOneInAlerts() throws Exception {
    var source =
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
            .readTree(
                Files.readString(TestManifests.repoRoot().resolve("alerts/vllm-alerts.yaml")));

    assertThat((JsonNode) MonitoringAssets.get().alertTemplate()).isEqualTo(source);
  }

  @Test
  void thePrometheusRuleSpecCarriesTheSameRules() {
    ObjectNode file = AlertRules.ruleFile(DEFAULTS);
    var spec = AlertRules.spec(DEFAULTS);

    assertThat(spec.getGroups()).hasSize(1);
    assertThat(spec.getGroups().get(0).getName()).isEqualTo("vllm-operator.llm.llama-8b");
    List<String> exprs = new ArrayList<>();
    file.path("groups").get(0).path("rules").forEach(r -> exprs.add(r.path("expr").asText()));
    assertThat(spec.getGroups().get(0).getRules())
        .extracting(r -> r.getExpr().getStrVal())
        .containsExactlyElementsOf(exprs);
  }

  static List<Rule> rules(VllmDeployment vllm) {
    return AlertRules.spec(vllm).getGroups().get(0).getRules();
  }

  private static Map<String, Rule> byName(List<Rule> rules) {
    Map<String, Rule> map = new java.util.LinkedHashMap<>();
    rules.forEach(r -> map.put(r.getAlert(), r));
    return map;
  }

  private static String expr(Map<String, Rule> rules, String alert) {
    return rules.get(alert).getExpr().getStrVal();
  }

  private static String plain(Double value) {
    return Thresholds.plain(java.math.BigDecimal.valueOf(value));
  }
}
