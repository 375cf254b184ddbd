package io.vllmoperator.monitoring;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  private static final Pattern SERIES =
      Pattern.compile("(?m)^(vllm_operator_[a-z_]+)\\{([^}]*)} ([0-9.eE+-]+)$");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<VllmDeployment> cache = new CopyOnWriteArrayList<>();

  @Test
  void seriesAreComputedFromTheCachedDeploymentsOnEveryScrape() {
    OperatorMetrics.register(registry.getPrometheusRegistry(), () -> cache);
    cache.add(ready("llama-8b", 2, "7d4b9c6f5"));
    cache.add(vllm("qwen", "model: {name: m}\nreplicas: 3"));

    String first = registry.scrape();

    assertThat(first)
        .contains(
            "vllm_operator_deployment_replicas{deployment=\"llama-8b\",deployment_namespace=\"llm\",state=\"desired\"} 2.0",
            "vllm_operator_deployment_replicas{deployment=\"llama-8b\",deployment_namespace=\"llm\",state=\"ready\"} 2.0",
            "vllm_operator_deployment_replicas{deployment=\"llama-8b\",deployment_namespace=\"llm\",state=\"updated\"} 2.0",
            "vllm_operator_deployment_phase{deployment=\"llama-8b\",deployment_namespace=\"llm\",phase=\"Ready\"} 1.0",
            "vllm_operator_deployment_phase{deployment=\"llama-8b\",deployment_namespace=\"llm\",phase=\"Progressing\"} 0.0",
            "vllm_operator_deployment_progress_deadline_exceeded{deployment=\"llama-8b\",deployment_namespace=\"llm\"} 0.0",
            "vllm_operator_deployment_revision_info{deployment=\"llama-8b\",deployment_namespace=\"llm\",revision=\"7d4b9c6f5\"} 1",
            "vllm_operator_rollbacks_total{deployment=\"llama-8b\",deployment_namespace=\"llm\"} 0.0",
            // Not reconciled yet: Pending, nothing ready, no revision rolled out.
            "vllm_operator_deployment_replicas{deployment=\"qwen\",deployment_namespace=\"llm\",state=\"desired\"} 3.0",
            "vllm_operator_deployment_replicas{deployment=\"qwen\",deployment_namespace=\"llm\",state=\"ready\"} 0.0",
            "vllm_operator_deployment_phase{deployment=\"qwen\",deployment_namespace=\"llm\",phase=\"Pending\"} 1.0");
    assertThat(first).doesNotContain("revision_info{deployment=\"qwen\"");
    assertThat(count(first, "phase=\"")).isEqualTo(2 * Phase.values().length);

    cache.remove(0);
    String second = registry.scrape();

    assertThat(second).doesNotContain("deployment=\"llama-8b\"").contains("deployment=\"qwen\"");
  }

  @Test
  void aRolloutPastItsDeadlineIsFlagged() {
    VllmDeployment failed = ready("llama-8b", 2, "abc");
    failed.getStatus().setPhase(Phase.FAILED);
    failed
        .getStatus()
        .setConditions(
            List.of(
                new ConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .build()));

    String text = scrape(List.of(failed));

    assertThat(text)
        .contains(
            "vllm_operator_deployment_progress_deadline_exceeded{deployment=\"llama-8b\",deployment_namespace=\"llm\"} 1.0",
            "phase=\"Failed\"} 1.0");
  }

  @Test
  void aBrokenCacheGivesNoSeriesInsteadOfAFailedScrape() {
    OperatorMetrics.register(
        registry.getPrometheusRegistry(),
        () -> {
          throw new IllegalStateException("informer not started");
        });

    assertThat(registry.scrape()).doesNotContain("vllm_operator_deployment_replicas{");
  }

  @Test
  void namesAndLabelsAreExactlyThoseTheDashboardFixtureAndAlertsUse() throws Exception {
    String fixture =
        Files.readString(
            TestManifests.repoRoot()
                .resolve("operator/src/test/resources/monitoring/operator-metrics.prom"));
    VllmDeployment rolledBack = ready("llama-8b", 2, "7d4b9c6f5");

    assertThat(shapes(fixture)).hasSize(5);
    assertThat(shapes(scrape(List.of(rolledBack)))).isEqualTo(shapes(fixture));
  }

  private String scrape(List<VllmDeployment> deployments) {
    OperatorMetrics.register(registry.getPrometheusRegistry(), () -> deployments);
    return registry.scrape();
  }

  /** metric name + sorted label names of every vllm_operator_* series. */
  private static Set<String> shapes(String exposition) {
    Set<String> shapes = new TreeSet<>();
    Matcher m = SERIES.matcher(exposition);
    while (m.find()) {
      List<String> labels = new ArrayList<>();
      for (String pair : m.group(2).split(",")) {
        labels.add(pair.substring(0, pair.indexOf('=')));
      }
      labels.sort(String::compareTo);
      shapes.add(m.group(1) + labels);
    }
    return shapes;
  }

  private static int count(String text, String needle) {
    return text.split(Pattern.quote(needle), -1).length - 1;
  }

  private static VllmDeployment ready(String name, int replicas, String revision) {
    VllmDeployment vllm = vllm(name, "model: {name: m}\nreplicas: " + replicas);
    VllmDeploymentStatus status = new VllmDeploymentStatus();
    status.setPhase(Phase.READY);
    status.setReadyReplicas(replicas);
    status.setUpdatedReplicas(replicas);
    RolloutStatus rollout = new RolloutStatus();
    rollout.setServedRevision(revision);
    status.setRollout(rollout);
    vllm.setStatus(status);
    return vllm;
  }
}
