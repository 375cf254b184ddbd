package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vllmoperator.TestManifests;
import io.vllmoperator.chart.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator's own alerts (alerts/operator-alerts.yaml), as the chart ships them, checked and
 * unit-tested by the real promtool: each alert fires on a sustained breach and not on a spike,
 * below its threshold, or for another operator (alerts/tests/generate_operator_tests.py).
 */
class OperatorAlertsTest {
  private static final Path ALERTS = TestManifests.repoRoot().resolve("alerts");
  private static final Path FILE = OperatorAlertRules.FILE;
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final YAMLMapper YAML = new YAMLMapper();

  static final List<String> ALERT_NAMES =
      List.of(
          "VllmOperatorDown",
          "VllmOperatorNoLeader",
          "VllmOperatorReconcileErrors",
          "VllmOperatorSlowReconciles",
          "VllmOperatorReconcileBacklog",
          "VllmOperatorKubernetesApiErrors",
          "VllmOperatorLeaderFlapping");

  @Test
  void promtoolAcceptsTheFileAndTheRuleTheChartRenders() throws IOException {
    Path promtool = Tools.promtool();
    var raw =
        Tools.run(TIMEOUT, ALERTS, List.of(promtool.toString(), "check", "rules", FILE.toString()));
    assertThat(raw.exitCode()).as(raw.output()).isZero();
    assertThat(raw.output()).contains("SUCCESS: 7 rules found");

    Path rendered = renderForTheUnitTests();
    var check =
        Tools.run(
            TIMEOUT, ALERTS, List.of(promtool.toString(), "check", "rules", rendered.toString()));
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 7 rules found");
  }

  @Test
  void promtoolUnitTestsPassOnTheRuleTheChartRenders() throws IOException {
    renderForTheUnitTests();

    var result =
        Tools.run(
            TIMEOUT,
            ALERTS.resolve("tests"),
            List.of(Tools.promtool().toString(), "test", "rules", "operator-alerts-test.yaml"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  /** Each alert has a test where it fires and tests where it must not. */
  @Test
  void theUnitTestsCoverEveryAlertFiringAndSilent() throws IOException {
    JsonNode tests = YAML.readTree(ALERTS.resolve("tests/operator-alerts-test.yaml").toFile());
    Set<String> fires = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (JsonNode group : tests.path("tests")) {
      for (JsonNode check : group.path("alert_rule_test")) {
        String name = check.path("alertname").asText();
        (check.path("exp_alerts").isEmpty() ? silent : fires).add(name);
      }
    }

    assertThat(alertNames()).containsExactlyInAnyOrderElementsOf(ALERT_NAMES);
    assertThat(fires).containsExactlyInAnyOrderElementsOf(ALERT_NAMES);
    assertThat(silent).containsExactlyInAnyOrderElementsOf(ALERT_NAMES);
  }

  @Test
  void everyAlertHasSeverityTextRunbookAndAForOfTwoToTenMinutes() throws IOException {
    Pattern header =
        Pattern.compile("\\*\\*Severity:\\*\\* ([a-z]+)[^·]*· \\*\\*for:\\*\\* ([0-9]+[smh])");
    for (JsonNode rule : alertRules()) {
      String name = rule.path("alert").asText();
      assertThat(rule.at("/labels/severity").asText()).as(name).isIn("critical", "warning");
      assertThat(rule.at("/annotations/summary").asText()).as(name).isNotBlank();
      assertThat(rule.at("/annotations/description").asText()).as(name).contains("{{ $value");
      assertThat(rule.at("/annotations/runbook_url").asText()).as(name).isEqualTo("${runbook_url}");
      Duration forDuration = Duration.parse("PT" + rule.path("for").asText().toUpperCase());
      assertThat(forDuration).as(name).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(10));

      Path runbook = ALERTS.resolve("runbooks").resolve(name + ".md");
      assertThat(runbook).as("runbook of " + name).isRegularFile();
      Matcher m = header.matcher(Files.readString(runbook));
      assertThat(m.find()).as("%s.md has a Severity/for header", name).isTrue();
      assertThat(m.group(1)).as(name).isEqualTo(rule.at("/labels/severity").asText());
      assertThat(m.group(2)).as(name).isEqualTo(rule.path("for").asText());
      assertThat(Files.readString(ALERTS.resolve("runbooks/README.md")))
          .as("the runbook index lists " + name)
          .contains("[" + name + "](" + name + ".md)");
    }
  }

  /** Every selector is scoped to this release's operator, so no rule reads another's series. */
  @Test
  void everySelectorNamesTheReleaseNamespaceAndJob() throws IOException {
    for (JsonNode rule : alertRules()) {
      String expr = rule.path("expr").asText();
      Matcher m = OperatorAlertRules.SELECTOR.matcher(expr);
      int selectors = 0;
      while (m.find()) {
        selectors++;
        assertThat(m.group(2))
            .as("%s: %s", rule.path("alert").asText(), m.group(0))
            .contains("namespace=\"${namespace}\"", "job=\"${job}\"");
      }
      assertThat(selectors).as(rule.path("alert").asText()).isPositive();
      // Nothing else in the expression may be a metric name without matchers.
      String rest =
          OperatorAlertRules.SELECTOR.matcher(expr).replaceAll(" ").replaceAll("\\[[^]]*]", " ");
      Matcher words = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(rest);
      while (words.find()) {
        assertThat(words.group())
            .as("%s: a bare name in %s", rule.path("alert").asText(), rest)
            .isIn(PROMQL_WORDS);
      }
    }
  }

  /** Functions, operators and grouping labels the expressions use besides their selectors. */
  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "sum",
          "count",
          "max",
          "by",
          "on",
          "or",
          "unless",
          "absent",
          "rate",
          "changes",
          "histogram_quantile",
          "namespace",
          "job",
          "pod",
          "le",
          "m",
          "h");

  private static List<String> alertNames() {
    return alertRules().stream().map(r -> r.path("alert").asText()).toList();
  }

  private static List<JsonNode> alertRules() {
    return OperatorAlertRules.alerts();
  }

  /**
   * alerts/tests/rendered/operator-alerts.yaml: the spec of the PrometheusRule of {@code helm
   * template} with the default values (release and namespace vllm-operator), which the promtool
   * unit tests are written for.
   */
  private static Path renderForTheUnitTests() throws IOException {
    var rules =
        Helm.ofKind(
            Helm.documents(Helm.render(List.of("--api-versions", Helm.MONITORING_API))),
            "PrometheusRule");
    assertThat(rules).hasSize(1);
    Path rendered = ALERTS.resolve("tests/rendered/operator-alerts.yaml");
    Files.createDirectories(rendered.getParent());
    YAML.writeValue(rendered.toFile(), rules.get(0).path("spec"));
    return rendered;
  }
}
