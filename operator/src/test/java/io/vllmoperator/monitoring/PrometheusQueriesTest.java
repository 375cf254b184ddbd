package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The metrics tier: a real Prometheus scrapes fake vLLM, DCGM exporter, operator and
 * kube-state-metrics endpoints serving the V1-format fixtures (counters growing per scrape), then
 * every panel and annotation query of every dashboard, as rendered for the fixture VllmDeployment
 * (llm/llama-8b), must return data, and every alert expression must evaluate without error.
 */
class PrometheusQueriesTest {
  /** Grafana's built-ins: $__rate_interval at least 4 scrape intervals (1s here). */
  private static final Map<String, String> GRAFANA_BUILTINS =
      Map.of("__rate_interval", "1m", "__interval", "15s", "__range", "1h");

  private static final String DCGM_HONOR = "dcgm-honor-labels";
  private static final String DCGM_EXPORTED = "dcgm-exported-labels";

  private static FakeExporters exporters;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void scrapeTheFixtures() throws IOException {
    Tools.require("prometheus", "prometheus");
    exporters =
        FakeExporters.start(
            Map.of(
                "/vllm", "vllm-v1-metrics.prom",
                "/dcgm", "dcgm-metrics.prom",
                "/dcgm-exported", "dcgm-metrics.prom",
                "/operator", "operator-metrics.prom",
                "/kube-state-metrics", "kube-state-metrics.prom"));
    prometheus = PrometheusServer.start(config(exporters.hostPort()), Duration.ofSeconds(60));
    // Rates need two samples inside their window, so wait for several scrapes of every target.
    prometheus.await(
        "five healthy targets",
        Duration.ofSeconds(60),
        () -> prometheus.vectorNotEmpty("count(up == 1) == 5", v -> true));
    prometheus.await(
        "request rates",
        Duration.ofSeconds(60),
        () ->
            prometheus.vectorNotEmpty(
                "min(count_over_time(up[1m])) >= 5 and on() sum(rate(vllm:request_success_total[1m])) > 0",
                v -> true));
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporters != null) {
      exporters.close();
    }
  }

  /**
   * What prometheus-operator does for the ServiceMonitor of Service llama-8b (job = Service name,
   * target labels namespace/service/pod/endpoint/container); DCGM scraped both with honor_labels
   * true and false (then its pod/namespace become exported_pod/exported_namespace).
   */
  private static String config(String target) {
    return """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: llama-8b
            metrics_path: /vllm
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
        """
        .formatted(target, DCGM_HONOR, DCGM_EXPORTED);
  }

  static Stream<Arguments> dashboardQueries() {
    VllmDeployment fixture = PromtoolTest.fixtureCr();
    List<Arguments> queries = new ArrayList<>();
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      JsonNode dashboard = DashboardConfigs.dashboard(fixture, file);
      Map<String, String> variables = variables(dashboard);
      for (JsonNode panel : DashboardLintTest.panels(dashboard)) {
        for (JsonNode target : panel.path("targets")) {
          String name =
              file + " / " + panel.path("title").asText() + " / " + target.path("refId").asText();
          queries.add(
              Arguments.of(Named.of(name, substitute(target.path("expr").asText(), variables))));
        }
      }
      for (JsonNode annotation : dashboard.path("annotations").path("list")) {
        if (annotation.has("expr")) {
          String name = file + " / annotation " + annotation.path("name").asText();
          queries.add(
              Arguments.of(
                  Named.of(name, substitute(annotation.path("expr").asText(), variables))));
        }
      }
    }
    return queries.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dashboardQueries")
  void everyDashboardQueryReturnsData(String promql) {
    assertReturnsNumbers(promql);
    // GPU panels must work with either DCGM exporter labelling on its own.
    if (promql.contains("DCGM_")) {
      assertReturnsNumbers(onlyDcgmJob(promql, DCGM_HONOR));
      assertReturnsNumbers(onlyDcgmJob(promql, DCGM_EXPORTED));
    }
  }

  static Stream<Arguments> alertExpressions() {
    return AlertRules.spec(PromtoolTest.fixtureCr()).getGroups().get(0).getRules().stream()
        .map(r -> Arguments.of(Named.of(r.getAlert(), r.getExpr().getStrVal())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("alertExpressions")
  void everyAlertExpressionEvaluates(String promql) {
    JsonNode data = prometheus.query(promql);

    assertThat(data.path("resultType").asText()).isEqualTo("vector");
  }

  private static void assertReturnsNumbers(String promql) {
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
