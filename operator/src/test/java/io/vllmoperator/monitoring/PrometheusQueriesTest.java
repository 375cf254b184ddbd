package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The metrics tier: for EACH supported vLLM version a real Prometheus scrapes a fake vLLM endpoint
 * serving that version's fixture (vllm-&lt;version&gt;-metrics.prom), plus the DCGM exporter,
 * operator and kube-state-metrics fixtures (counters growing per scrape). Then, on each version,
 * every panel and annotation query of every dashboard, as rendered for the fixture VllmDeployment
 * (llm/llama-8b), must return data, every alert expression must evaluate, and every alert with a
 * threshold must fire once its threshold is tiny, so no alert reads a series that version lacks.
 *
 * <p>The rollout alerts and the rollouts dashboard are also checked against the operator's own
 * metrics code: a second operator endpoint serves {@link OperatorMetrics} for VllmDeployments in
 * every rollout state ({@link RolloutStates}), and each alert must fire (or not) and each panel and
 * annotation must show data (or not) as that state requires.
 */
class PrometheusQueriesTest {
  /** Oldest and newest supported vLLM; each has its fixture vllm-&lt;version&gt;-metrics.prom. */
  static final List<String> VLLM_VERSIONS = List.of("0.11.0", "0.33.0");

  /** Grafana's built-ins: $__rate_interval at least 4 scrape intervals (1s here). */
  private static final Map<String, String> GRAFANA_BUILTINS =
      Map.of("__rate_interval", "1m", "__interval", "15s", "__range", "1h");

  private static final String DCGM_HONOR = "dcgm-honor-labels";
  private static final String DCGM_EXPORTED = "dcgm-exported-labels";

  /**
   * Dashboard queries that are legitimately empty on one vLLM version, by version and query name
   * (the test requires them to BE empty there, so a series appearing is noticed too).
   */
  private static final Map<String, Set<String>> EMPTY_ON =
      Map.of(
          // vLLM 0.11 has no finish reason "error" (FINISH_REASON_STRINGS = stop, length, abort):
          // the engine line of the error-ratio graph is absent, not a fake 0. The HTTP 5xx line
          // (B) and the error-ratio stat still have data there.
          "0.11.0", Set.of("vllm-serving.json / Error ratio [timeseries] / A"));

  private static final RolloutStates ROLLOUT_STATES = new RolloutStates();

  private static FakeExporters exporters;
  private static final Map<String, PrometheusServer> PROMETHEUS = new TreeMap<>();

  @BeforeAll
  static void scrapeTheFixtures() throws IOException {
    Tools.require("prometheus", "prometheus");
    Map<String, String> fixtures =
        new TreeMap<>(
            Map.of(
                "/dcgm", "dcgm-metrics.prom",
                "/dcgm-exported", "dcgm-metrics.prom",
                "/operator", "operator-metrics.prom",
                "/kube-state-metrics", "kube-state-metrics.prom"));
    for (String version : VLLM_VERSIONS) {
      fixtures.put(vllmPath(version), vllmFixture(version));
    }
    exporters =
        FakeExporters.start(fixtures).serve(RolloutStates.PATH, ROLLOUT_STATES.exposition());
    for (String version : VLLM_VERSIONS) {
      PROMETHEUS.put(
          version,
          PrometheusServer.start(
              config(exporters.hostPort(), vllmPath(version)), Duration.ofSeconds(60)));
    }
    for (var entry : PROMETHEUS.entrySet()) {
      PrometheusServer prometheus = entry.getValue();
      // Rates need two samples inside their window, so wait for several scrapes of every target.
      prometheus.await(
          "six healthy targets (vLLM " + entry.getKey() + ")",
          Duration.ofSeconds(60),
          () -> prometheus.vectorNotEmpty("count(up == 1) == 6", v -> true));
      prometheus.await(
          "request rates (vLLM " + entry.getKey() + ")",
          Duration.ofSeconds(60),
          () ->
              prometheus.vectorNotEmpty(
                  "min(count_over_time(up[1m])) >= 5 and on() sum(rate(vllm:request_success_total[1m])) > 0",
                  v -> true));
    }
  }

  static String vllmFixture(String version) {
    return "vllm-" + version + "-metrics.prom";
  }

  private static String vllmPath(String version) {
    return "/vllm-" + version;
  }

  @AfterAll
  static void stop() {
    PROMETHEUS.values().forEach(PrometheusServer::close);
    PROMETHEUS.clear();
    if (exporters != null) {
      exporters.close();
    }
  }

  /**
   * What prometheus-operator does for the ServiceMonitor of Service llama-8b (job = Service name,
   * target labels namespace/service/pod/endpoint/container); DCGM scraped both with honor_labels
   * true and false (then its pod/namespace become exported_pod/exported_namespace).
   */
  private static String config(String target, String vllmPath) {
    return """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: llama-8b
            metrics_path: %4$s
            static_configs:
              - targets: ['%1$s']
                labels: {namespace: llm, service: llama-8b, pod: llama-8b-7d4b9c6f5-abcde, endpoint: http, container: vllm}
          - job_name: %2$s
            honor_labels: true
            metrics_path: /dcgm
            static_configs:
              - targets: ['%1$s']
          - job_name: %3$s
            honor_labels: false
            metrics_path: /dcgm-exported
            static_configs:
              - targets: ['%1$s']
                labels: {namespace: gpu-operator, pod: nvidia-dcgm-exporter-x7k2p, container: nvidia-dcgm-exporter}
          - job_name: vllm-operator
            honor_labels: false
            metrics_path: /operator
            static_configs:
              - targets: ['%1$s']
                labels: {namespace: vllm-operator, service: vllm-operator, pod: vllm-operator-6c9f8d7b5-xk2lp, endpoint: metrics, container: operator}
          - job_name: kube-state-metrics
            honor_labels: true
            metrics_path: /kube-state-metrics
            static_configs:
              - targets: ['%1$s']
          - job_name: vllm-operator-rollouts
            honor_labels: false
            metrics_path: %5$s
            static_configs:
              - targets: ['%1$s']
                labels: {namespace: vllm-operator, service: vllm-operator, pod: vllm-operator-6c9f8d7b5-r8t4v, endpoint: metrics, container: operator}
        """
        .formatted(target, DCGM_HONOR, DCGM_EXPORTED, vllmPath, RolloutStates.PATH);
  }

  /** Every dashboard query by name ("file / panel title [panel type] / refId"). */
  static Map<String, String> dashboardQueriesByName() {
    return dashboardQueriesByName(PromtoolTest.fixtureCr());
  }

  /** Every dashboard query as rendered for {@code fixture}, by name. */
  static Map<String, String> dashboardQueriesByName(VllmDeployment fixture) {
    Map<String, String> queries = new LinkedHashMap<>();
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      JsonNode dashboard = DashboardConfigs.dashboard(fixture, file);
      Map<String, String> variables = variables(dashboard);
      for (JsonNode panel : DashboardLintTest.panels(dashboard)) {
        for (JsonNode target : panel.path("targets")) {
          String name =
              "%s / %s [%s] / %s"
                  .formatted(
                      file,
                      panel.path("title").asText(),
                      panel.path("type").asText(),
                      target.path("refId").asText());
          assertThat(queries.put(name, substitute(target.path("expr").asText(), variables)))
              .as("query name %s is unique", name)
              .isNull();
        }
      }
      for (JsonNode annotation : dashboard.path("annotations").path("list")) {
        if (annotation.has("expr")) {
          String name = file + " / annotation " + annotation.path("name").asText();
          queries.put(name, substitute(annotation.path("expr").asText(), variables));
        }
      }
    }
    return queries;
  }

  static Stream<Arguments> dashboardQueries() {
    Map<String, String> queries = dashboardQueriesByName();
    List<Arguments> arguments = new ArrayList<>();
    for (String version : VLLM_VERSIONS) {
      queries.forEach(
          (name, promql) ->
              arguments.add(
                  Arguments.of(
                      Named.of("vLLM " + version, version), Named.of(name, name), promql)));
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("dashboardQueries")
  void everyDashboardQueryReturnsData(String version, String name, String promql) {
    PrometheusServer prometheus = PROMETHEUS.get(version);
    if (EMPTY_ON.getOrDefault(version, Set.of()).contains(name)) {
      assertThat(prometheus.query(promql).path("result"))
          .as("documented as empty on vLLM %s: %s", version, promql)
          .isEmpty();
      return;
    }
    assertReturnsNumbers(prometheus, promql);
    // GPU panels must work with either DCGM exporter labelling on its own.
    if (promql.contains("DCGM_")) {
      assertReturnsNumbers(prometheus, onlyDcgmJob(promql, DCGM_HONOR));
      assertReturnsNumbers(prometheus, onlyDcgmJob(promql, DCGM_EXPORTED));
    }
  }

  @Test
  void everyDocumentedEmptyQueryExists() {
    Set<String> names = dashboardQueriesByName().keySet();
    EMPTY_ON.values().forEach(empty -> assertThat(names).containsAll(empty));
  }

  static Stream<RolloutStates.State> rolloutStates() {
    return ROLLOUT_STATES.states().stream();
  }

  /**
   * VllmRolloutStuck fires with the reason of a rollout that cannot go on (GPUs, a failed revision
   * not rolled back) and its value is the updated replicas; VllmRolledBack fires for a rolled back
   * deployment and one whose rollback count just grew, with the rollback count as value. Neither
   * fires for a paused rollout.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("rolloutStates")
  void theRolloutAlertsFireOnTheOperatorsOwnSeries(RolloutStates.State state) {
    PrometheusServer prometheus = PROMETHEUS.get(VLLM_VERSIONS.get(0));
    Map<String, String> rules = new TreeMap<>();
    AlertRules.spec(state.vllm())
        .getGroups()
        .get(0)
        .getRules()
        .forEach(r -> rules.put(r.getAlert(), r.getExpr().getStrVal()));
    Instant at = Instant.now().minusSeconds(2);

    JsonNode stuck = prometheus.query(rules.get("VllmRolloutStuck"), at).path("result");
    if (state.stuckReason().isPresent()) {
      assertThat(stuck).as("VllmRolloutStuck for %s", state).hasSize(1);
      assertThat(stuck.get(0).path("metric").path("reason").asText())
          .isEqualTo(state.stuckReason().get());
      assertThat(stuck.get(0).path("value").get(1).asDouble())
          .as("updated replicas")
          .isEqualTo(state.vllm().getStatus().getUpdatedReplicas().doubleValue());
    } else {
      assertThat(stuck).as("VllmRolloutStuck for %s", state).isEmpty();
    }

    JsonNode rolledBack = prometheus.query(rules.get("VllmRolledBack"), at).path("result");
    if (state.rolledBack()) {
      double count =
          single(
              prometheus,
              "max(vllm_operator_rollbacks_total{deployment_namespace=\"llm\", deployment=\"%s\"})"
                  .formatted(state.name()),
              at);
      assertThat(rolledBack).as("VllmRolledBack for %s", state).hasSize(1);
      assertThat(count).as("rollback count of %s", state).isPositive();
      assertThat(rolledBack.get(0).path("value").get(1).asDouble()).isEqualTo(count);
    } else {
      assertThat(rolledBack).as("VllmRolledBack for %s", state).isEmpty();
    }
  }

  /**
   * Every query of the rollouts dashboard that reads only operator series shows data for every
   * rollout state: the phase stat shows the state's phase, the blocked stat its reason; each marker
   * annotation shows exactly when that marker was recorded.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("rolloutStates")
  void theRolloutsDashboardShowsEveryRolloutState(RolloutStates.State state) {
    PrometheusServer prometheus = PROMETHEUS.get(VLLM_VERSIONS.get(0));
    Pattern otherSeries = Pattern.compile("\\bup\\{|kube_|operator_sdk_|vllm:");
    Pattern event = Pattern.compile("event=\"([a-z_]+)\"");
    Map<String, String> queries = new TreeMap<>(dashboardQueriesByName(state.vllm()));
    queries.keySet().removeIf(name -> !name.startsWith("vllm-rollouts.json / "));
    queries.values().removeIf(q -> !q.contains("vllm_operator_") || otherSeries.matcher(q).find());
    assertThat(queries).hasSizeGreaterThanOrEqualTo(10);

    Set<RolloutEventCounter.Kind> annotated = new TreeSet<>();
    queries.forEach(
        (name, promql) -> {
          Matcher marker = event.matcher(promql);
          if (name.contains(" / annotation ") && marker.find()) {
            RolloutEventCounter.Kind kind = kind(marker.group(1));
            annotated.add(kind);
            JsonNode result = prometheus.query(promql).path("result");
            if (state.markers().contains(kind)) {
              assertThat(result).as("%s for %s", name, state).isNotEmpty();
            } else {
              assertThat(result).as("%s for %s", name, state).isEmpty();
            }
          } else {
            assertReturnsNumbers(prometheus, promql);
          }
        });
    assertThat(annotated).containsExactlyInAnyOrder(RolloutEventCounter.Kind.values());

    JsonNode phase =
        prometheus.query(queries.get("vllm-rollouts.json / Phase [stat] / A")).path("result");
    assertThat(phase).hasSize(1);
    assertThat(phase.get(0).path("metric").path("phase").asText())
        .isEqualTo(state.vllm().getStatus().getPhase().value());
    Map<String, Double> blocked = new TreeMap<>();
    for (JsonNode sample :
        prometheus
            .query(queries.get("vllm-rollouts.json / Rollout blocked [stat] / A"))
            .path("result")) {
      blocked.put(
          sample.path("metric").path("reason").asText(), sample.path("value").get(1).asDouble());
    }
    assertThat(blocked).containsOnlyKeys(OperatorMetrics.STUCK_REASONS);
    blocked.forEach(
        (reason, value) ->
            assertThat(value)
                .as("%s blocked by %s", state, reason)
                .isEqualTo(state.stuckReason().filter(reason::equals).isPresent() ? 1.0 : 0.0));
  }

  private static RolloutEventCounter.Kind kind(String label) {
    return Stream.of(RolloutEventCounter.Kind.values())
        .filter(k -> k.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no marker " + label));
  }

  static Stream<Arguments> alertExpressions() {
    return alertExpressions(PromtoolTest.fixtureCr());
  }

  private static Stream<Arguments> alertExpressions(VllmDeployment cr) {
    List<Arguments> arguments = new ArrayList<>();
    for (String version : VLLM_VERSIONS) {
      for (var rule : AlertRules.spec(cr).getGroups().get(0).getRules()) {
        arguments.add(
            Arguments.of(
                Named.of("vLLM " + version, version),
                Named.of(rule.getAlert(), rule.getAlert()),
                rule.getExpr().getStrVal()));
      }
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("alertExpressions")
  void everyAlertExpressionEvaluates(String version, String alert, String promql) {
    JsonNode data = PROMETHEUS.get(version).query(promql);

    assertThat(data.path("resultType").asText()).isEqualTo("vector");
  }

  /**
   * The fixture CR with every alert threshold at 0.0001 (the CRD wants them above 0), far below
   * every fixture value: each threshold alert must then fire on every version.
   */
  static VllmDeployment tinyThresholdCr() {
    return TestManifests.vllm(
        "llama-8b",
        "model: {name: meta-llama/Llama-3.1-8B-Instruct}\n"
            + "monitoring: {alerts: {thresholds: {ttftP95Seconds: 0.0001, interTokenP95Seconds: 0.0001,"
            + " e2eP95Seconds: 0.0001, kvCacheUsage: 0.0001, queueDepth: 0.0001, errorRatio: 0.0001}}}");
  }

  /**
   * Alerts with a threshold placeholder. The others have no condition that holds on the healthy
   * fixtures (all targets up with all their series, ~0.7 preemptions/s against a fixed 1/s, a Ready
   * deployment, XID 0, GPUs below 85 °C); they are only evaluated, above.
   */
  static Stream<Arguments> thresholdAlertExpressions() {
    Set<String> withThreshold = new TreeSet<>();
    for (JsonNode rule :
        MonitoringAssets.get().alertTemplate().path("groups").get(0).path("rules")) {
      if (Thresholds.DEFAULTS.byPlaceholder().keySet().stream()
          .anyMatch(t -> rule.path("expr").asText().contains("${" + t + "}"))) {
        withThreshold.add(rule.path("alert").asText());
      }
    }
    assertThat(withThreshold)
        .containsExactlyInAnyOrder(
            "VllmHighTimeToFirstToken",
            "VllmHighInterTokenLatency",
            "VllmHighEndToEndLatency",
            "VllmKvCacheSaturated",
            "VllmRequestQueueBacklog",
            "VllmHighErrorRate");
    return alertExpressions(tinyThresholdCr())
        .filter(a -> withThreshold.contains(((Named<?>) a.get()[1]).getPayload()));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("thresholdAlertExpressions")
  void everyThresholdAlertFiresWithTinyThresholds(String version, String alert, String promql) {
    assertReturnsNumbers(PROMETHEUS.get(version), promql);
  }

  /**
   * VllmHighErrorRate and the dashboards' error ratio take the worse of the HTTP 5xx ratio (every
   * version) and the finished_reason="error" ratio (0.33; absent on 0.11). In the 0.33 fixture the
   * engine ratio is the larger one (errors in streamed responses are no 5xx), in the 0.11 fixture
   * only the HTTP one exists; neither branch may hide the other.
   */
  @ParameterizedTest(name = "vLLM {0}")
  @MethodSource("versions")
  void errorRatioIsTheWorseOfTheSignalsTheVersionHas(String version) {
    PrometheusServer prometheus = PROMETHEUS.get(version);
    Instant at = Instant.now().minusSeconds(2);
    String alert =
        AlertRules.spec(tinyThresholdCr()).getGroups().get(0).getRules().stream()
            .filter(r -> r.getAlert().equals("VllmHighErrorRate"))
            .findFirst()
            .orElseThrow()
            .getExpr()
            .getStrVal();
    String bySource = "max by (namespace, job, source) (";
    assertThat(alert).contains("max by (namespace, job) (");
    Map<String, Double> sources = new TreeMap<>();
    for (JsonNode sample :
        prometheus.query(alert.replace("max by (namespace, job) (", bySource), at).path("result")) {
      sources.put(
          sample.path("metric").path("source").asText(),
          Double.parseDouble(sample.path("value").get(1).asText()));
    }
    Map<String, String> queries = dashboardQueriesByName();
    double stat = single(prometheus, queries.get("vllm-serving.json / Error ratio [stat] / A"), at);
    double http =
        single(prometheus, queries.get("vllm-serving.json / Error ratio [timeseries] / B"), at);
    double alertValue = single(prometheus, alert, at);

    if (version.equals("0.11.0")) {
      assertThat(sources).containsOnlyKeys("http");
    } else {
      assertThat(sources).containsOnlyKeys("engine", "http");
      double engine =
          single(prometheus, queries.get("vllm-serving.json / Error ratio [timeseries] / A"), at);
      assertThat(sources.get("engine")).isCloseTo(engine, offset(1e-9));
      assertThat(engine).as("0.33 fixture: engine ratio above the HTTP one").isGreaterThan(http);
    }
    assertThat(sources.get("http")).isCloseTo(http, offset(1e-9));
    double worse = sources.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertThat(worse).isPositive();
    assertThat(alertValue).isCloseTo(worse, offset(1e-9));
    assertThat(stat).isCloseTo(worse, offset(1e-9));
  }

  static Stream<String> versions() {
    return VLLM_VERSIONS.stream();
  }

  private static double single(PrometheusServer prometheus, String promql, Instant at) {
    JsonNode result = prometheus.query(promql, at).path("result");
    assertThat(result).as("one sample for %s", promql).hasSize(1);
    return Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  private static void assertReturnsNumbers(PrometheusServer prometheus, String promql) {
    JsonNode data = prometheus.query(promql);
    List<Double> values = new ArrayList<>();
    for (JsonNode sample : data.path("result")) {
      values.add(Double.parseDouble(sample.path("value").get(1).asText()));
    }
    assertThat(values).as("no data for\n%s", promql).isNotEmpty();
    assertThat(values).as("only NaN/Inf for\n%s", promql).anyMatch(Double::isFinite);
  }

  /** Variable values as the per-deployment dashboard selects them, plus Grafana's built-ins. */
  private static Map<String, String> variables(JsonNode dashboard) {
    Map<String, String> values = new LinkedHashMap<>(GRAFANA_BUILTINS);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      JsonNode current = variable.path("current").path("value");
      if (current.isTextual()) {
        values.put(variable.path("name").asText(), current.asText());
      }
    }
    return values;
  }

  /** Replaces $name and ${name}; longest names first so $namespace never becomes $name+space. */
  static String substitute(String expr, Map<String, String> variables) {
    String result = expr;
    List<String> names = new ArrayList<>(variables.keySet());
    names.sort(Comparator.comparingInt(String::length).reversed());
    for (String name : names) {
      result =
          result
              .replace("${" + name + "}", variables.get(name))
              .replace("$" + name, variables.get(name));
    }
    Matcher left = Pattern.compile("\\$\\{?[A-Za-z_]").matcher(result);
    assertThat(left.find()).as("unreplaced Grafana variable in %s", result).isFalse();
    return result;
  }

  /** Restricts every DCGM metric of the query to one scrape job. */
  private static String onlyDcgmJob(String promql, String job) {
    assertThat(promql)
        .as("DCGM selectors with matchers are not rewritten")
        .doesNotContainPattern("DCGM_[A-Z0-9_]+\\{");
    return promql.replaceAll("(DCGM_[A-Z0-9_]+)", "$1{job=\"" + job + "\"}");
  }
}
