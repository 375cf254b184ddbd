package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JOSDK's reconcile timer, as the operator registers it, for 50 VllmDeployments. */
class ReconcileTimerPerControllerTest {
  private static final int DEPLOYMENTS = 50;

  @Test
  void theReconcileTimerIsOnePerController() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new ReconcileTimerPerController());
    Metrics metrics =
        MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build();
    for (int i = 0; i < DEPLOYMENTS; i++) {
      reconcile(metrics, "m-" + i);
    }
    String scrape = registry.scrape();

    assertThat(lines(scrape, "operator_sdk_controllers_execution_reconcile_seconds_count"))
        .as(scrape)
        .isEqualTo(1);
    assertThat(scrape)
        .contains(
            "operator_sdk_controllers_execution_reconcile_seconds_count{controller=\"vllmdeployment\"")
        .containsPattern(
            "operator_sdk_controllers_execution_reconcile_seconds_count\\{[^}]*} " + DEPLOYMENTS);
    long buckets = lines(scrape, "operator_sdk_controllers_execution_reconcile_seconds_bucket");
    assertThat(buckets).isBetween(10L, 100L);
    assertThat(lines(scrape, "operator_sdk_controllers_execution_reconcile_success_total"))
        .isEqualTo(1);
  }

  @Test
  void otherMetersKeepTheirResourceTags() {
    var filter = new ReconcileTimerPerController();
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(filter);
    registry
        .counter("something.else", "resource.name", "m-1", "resource.namespace", "ns")
        .increment();
    assertThat(registry.scrape())
        .contains("resource_name=\"m-1\"")
        .contains("resource_namespace=\"ns\"");
  }

  private static void reconcile(Metrics metrics, String name) throws Exception {
    Map<String, Object> metadata = Map.of();
    metrics.timeControllerExecution(
        new Metrics.ControllerExecution<String>() {
          @Override
          public String name() {
            return "reconcile";
          }

          @Override
          public String controllerName() {
            return "vllmdeployment";
          }

          @Override
          public String successTypeName(String result) {
            return "success";
          }

          @Override
          public ResourceID resourceID() {
            return new ResourceID(name, "llm");
          }

          @Override
          public Map<String, Object> metadata() {
            return metadata;
          }

          @Override
          public String execute() {
            return "done";
          }
        });
  }

  private static long lines(String scrape, String metric) {
    return scrape.lines().filter(l -> l.startsWith(metric + "{")).count();
  }
}
