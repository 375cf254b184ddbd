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
  private final RolloutEventCounter events = new RolloutEventCounter();

  @Test
  void seriesAreComputedFromTheCachedDeploymentsOnEveryScrape() {
    OperatorMetrics.register(registry.getPrometheusRegistry(), () -> cache, events);
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
            "vllm_operator_deployment_rollout_stuck{deployment=\"llama-8b\",deployment_namespace=\"llm\",reason=\"InsufficientGpus\"} 0.0",
            "vllm_operator_deployment_rollout_stuck{deployment=\"llama-8b\",deployment_namespace=\"llm\",reason=\"RolloutFailed\"} 0.0",
            "vllm_operator_rollout_events_total{deployment=\"llama-8b\",deployment_namespace=\"llm\",event=\"started\"} 0.0",
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
  void rollbacksAreTheRollbackCountOfTheStatus() {
    VllmDeployment rolledBack = ready("llama-8b", 2, "abc");
    rolledBack.getStatus().setPhase(Phase.ROLLED_BACK);
    rolledBack.getStatus().getRollout().setRollbackCount(3);

    assertThat(scrape(List.of(rolledBack)))
        .contains(
            "vllm_operator_rollbacks_total{deployment=\"llama-8b\",deployment_namespace=\"llm\"} 3.0",
            "phase=\"RolledBack\"} 1.0");
  }

  @Test
  void rolloutMarkersComeFromTheCounterTheReconcilerRecordsInto() {
    OperatorMetrics metrics =
        OperatorMetrics.register(registry.getPrometheusRegistry(), () -> cache, events);
    cache.add(ready("llama-8b", 2, "abc"));
    cache.add(ready("qwen", 1, "def"));

    assertThat(metrics.rolloutEvents()).isSameAs(events);
    // Every marker of every cached deployment is there from 0, so the first one is an increase.
    String before = registry.scrape();
    for (RolloutEventCounter.Kind kind : RolloutEventCounter.Kind.values()) {
      assertThat(before)
          .contains(
              "vllm_operator_rollout_events_total{deployment=\"qwen\",deployment_namespace=\"llm\",event=\""
                  + kind.label()
                  + "\"} 0.0");
    }

    events.record("llm", "llama-8b", RolloutEventCounter.Kind.STARTED);
    events.record("llm", "llama-8b", RolloutEventCounter.Kind.FAILED);
    events.record("llm", "llama-8b", RolloutEventCounter.Kind.ROLLED_BACK);
    events.record("llm", "llama-8b", RolloutEventCounter.Kind.STARTED);

    assertThat(registry.scrape())
        .contains(
            "vllm_operator_rollout_events_total{deployment=\"llama-8b\",deployment_namespace=\"llm\",event=\"started\"} 2.0",
            "vllm_operator_rollout_events_total{deployment=\"llama-8b\",deployment_namespace=\"llm\",event=\"succeeded\"} 0.0",
            "vllm_operator_rollout_events_total{deployment=\"llama-8b\",deployment_namespace=\"llm\",event=\"failed\"} 1.0",
            "vllm_operator_rollout_events_total{deployment=\"llama-8b\",deployment_namespace=\"llm\",event=\"rolled_back\"} 1.0",
            "vllm_operator_rollout_events_total{deployment=\"qwen\",deployment_namespace=\"llm\",event=\"started\"} 0.0");
  }

  @Test
  void markersAreExportedOnlyForDeploymentsStillInTheCache() {
    OperatorMetrics.register(registry.getPrometheusRegistry(), () -> cache, events);
    cache.add(ready("llama-8b", 2, "abc"));
    events.record("llm", "llama-8b", RolloutEventCounter.Kind.STARTED);
    // Counted for a deployment the cache does not (or no longer) hold.
    events.record("llm", "deleted", RolloutEventCounter.Kind.ROLLED_BACK);
    events.record("other", "llama-8b", RolloutEventCounter.Kind.STARTED);

    String text = registry.scrape();

    assertThat(text)
        .contains("event=\"started\"} 1.0")
        .doesNotContain("deployment=\"deleted\"")
        .doesNotContain("deployment_namespace=\"other\"");
    cache.clear();
    assertThat(registry.scrape()).doesNotContain("vllm_operator_rollout_events_total{");
  }

  @Test
  void aRolloutWaitingForGpusIsStuckWithThatReason() {
    VllmDeployment waiting = progressing("llama-8b", "False", "InsufficientGpus");

    String text = scrape(List.of(waiting));

    assertThat(text)
        .contains(
            "vllm_operator_deployment_rollout_stuck{deployment=\"llama-8b\",deployment_namespace=\"llm\",reason=\"InsufficientGpus\"} 1.0",
            "vllm_operator_deployment_rollout_stuck{deployment=\"llama-8b\",deployment_namespace=\"llm\",reason=\"RolloutFailed\"} 0.0",
            "vllm_operator_deployment_progress_deadline_exceeded{deployment=\"llama-8b\",deployment_namespace=\"llm\"} 0.0");
  }

  @Test
  void aFailedRolloutThatIsNotRolledBackIsStuckAndSaysWhetherItWasTheDeadline() {
    VllmDeployment halted = progressing("halted", "False", "RolloutFailed");
    halted.getStatus().setPhase(Phase.DEGRADED);
    halted.getStatus().getRollout().setFailedReason("CudaOutOfMemory");
    VllmDeployment late = progressing("late", "False", "RolloutFailed");
    late.getStatus().setPhase(Phase.FAILED);
    late.getStatus().getRollout().setFailedReason("ProgressDeadlineExceeded");

    String text = scrape(List.of(halted, late));

    assertThat(text)
        .contains(
            "vllm_operator_deployment_rollout_stuck{deployment=\"halted\",deployment_namespace=\"llm\",reason=\"RolloutFailed\"} 1.0",
            "vllm_operator_deployment_progress_deadline_exceeded{deployment=\"halted\",deployment_namespace=\"llm\"} 0.0",
            "vllm_operator_deployment_rollout_stuck{deployment=\"late\",deployment_namespace=\"llm\",reason=\"RolloutFailed\"} 1.0",
            "vllm_operator_deployment_progress_deadline_exceeded{deployment=\"late\",deployment_namespace=\"llm\"} 1.0");
  }

  @Test
  void rollingOutPausedOrRolledBackIsNotStuck() {
    VllmDeployment rolling = progressing("rolling", "True", "RollingOut");
    VllmDeployment paused = progressing("paused", "False", "Paused");
    VllmDeployment replacing = progressing("replacing", "True", "ReplacingOneAtATime");
    // Rolled back because of the deadline: the rollout is over, VllmRolledBack reports it.
    VllmDeployment rolledBack = progressing("rolled-back", "False", "RolledBack");
    rolledBack.getStatus().setPhase(Phase.ROLLED_BACK);
    rolledBack.getStatus().getRollout().setFailedReason("ProgressDeadlineExceeded");
    rolledBack.getStatus().getRollout().setRollbackCount(1);

    String text = scrape(List.of(rolling, paused, replacing, rolledBack));

    assertThat(text)
        .doesNotContainPattern("vllm_operator_deployment_rollout_stuck\\{[^}]*} 1\\.0")
        .doesNotContainPattern(
            "vllm_operator_deployment_progress_deadline_exceeded\\{[^}]*} 1\\.0");
    assertThat(count(text, "vllm_operator_deployment_rollout_stuck{"))
        .isEqualTo(4 * OperatorMetrics.STUCK_REASONS.size());
  }

  @Test
  void aBrokenCacheGivesNoSeriesInsteadOfAFailedScrape() {
    OperatorMetrics.register(
        registry.getPrometheusRegistry(),
        () -> {
          throw new IllegalStateException("informer not started");
        },
        events);

    assertThat(registry.scrape()).doesNotContain("vllm_operator_deployment_replicas{");
  }

  @Test
  void namesAndLabelsAreExactlyThoseTheDashboardFixtureAndAlertsUse() throws Exception {
    String fixture =
        Files.readString(
            TestManifests.repoRoot()
                .resolve("operator/src/test/resources/monitoring/operator-metrics.prom"));
    VllmDeployment rolledBack = ready("llama-8b", 2, "7d4b9c6f5");

    assertThat(shapes(fixture)).hasSize(7);
    assertThat(shapes(scrape(List.of(rolledBack)))).isEqualTo(shapes(fixture));
  }

  private String scrape(List<VllmDeployment> deployments) {
    OperatorMetrics.register(registry.getPrometheusRegistry(), () -> deployments, events);
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

  private static VllmDeployment progressing(String name, String status, String reason) {
    VllmDeployment vllm = ready(name, 2, "abc");
    vllm.getStatus().setPhase(Phase.PROGRESSING);
    vllm.getStatus().getRollout().setTargetRevision("def");
    vllm.getStatus()
        .setConditions(
            List.of(
                new ConditionBuilder()
                    .withType("Progressing")
                    .withStatus(status)
                    .withReason(reason)
                    .build()));
    return vllm;
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
