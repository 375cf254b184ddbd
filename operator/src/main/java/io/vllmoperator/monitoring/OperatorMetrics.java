package io.vllmoperator.monitoring;

import io.fabric8.kubernetes.api.model.Condition;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.status.Conditions;
import io.vllmoperator.status.VllmStatusAggregator;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-deployment series of the operator's /metrics that the alerts and dashboards read. They
 * are computed at scrape time from the VllmDeployments the operator has cached, so a deleted
 * VllmDeployment leaves no stale series behind.
 *
 * <p>Every series carries {@code deployment_namespace} and {@code deployment} (not {@code
 * namespace}: the scrape of the operator pod sets that to the operator's namespace).
 */
public final class OperatorMetrics implements MultiCollector {
  public static final String REPLICAS = "vllm_operator_deployment_replicas";
  public static final String PHASE = "vllm_operator_deployment_phase";
  public static final String PROGRESS_DEADLINE_EXCEEDED =
      "vllm_operator_deployment_progress_deadline_exceeded";

  /** An info metric: exposed as vllm_operator_deployment_revision_info. */
  public static final String REVISION = "vllm_operator_deployment_revision";

  /** A counter: exposed as vllm_operator_rollbacks_total. */
  public static final String ROLLBACKS = "vllm_operator_rollbacks";

  static final String NAMESPACE_LABEL = "deployment_namespace";
  static final String DEPLOYMENT_LABEL = "deployment";

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMetrics.class);

  private final Supplier<? extends Collection<VllmDeployment>> deployments;

  public OperatorMetrics(Supplier<? extends Collection<VllmDeployment>> deployments) {
    this.deployments = deployments;
  }

  /** Registers a collector that reads {@code deployments} on every scrape. */
  public static OperatorMetrics register(
      PrometheusRegistry registry, Supplier<? extends Collection<VllmDeployment>> deployments) {
    OperatorMetrics metrics = new OperatorMetrics(deployments);
    registry.register(metrics);
    return metrics;
  }

  @Override
  public MetricSnapshots collect() {
    Collection<VllmDeployment> current;
    try {
      current = deployments.get();
    } catch (RuntimeException e) {
      // Before the informer has started (or while it restarts) there is nothing to report.
      LOG.debug("VllmDeployment cache not available for metrics", e);
      current = List.of();
    }
    return snapshot(current);
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(REPLICAS, PHASE, PROGRESS_DEADLINE_EXCEEDED, REVISION, ROLLBACKS);
  }

  /** Pure: the series for these deployments. */
  public static MetricSnapshots snapshot(Collection<VllmDeployment> deployments) {
    List<VllmDeployment> sorted =
        deployments.stream()
            .sorted(
                Comparator.comparing((VllmDeployment d) -> d.getMetadata().getNamespace())
                    .thenComparing(d -> d.getMetadata().getName()))
            .toList();
    var replicas =
        GaugeSnapshot.builder()
            .name(REPLICAS)
            .help("Replicas of the VllmDeployment by state (desired, ready, updated)");
    var phase =
        GaugeSnapshot.builder()
            .name(PHASE)
            .help("1 for the current status.phase of the VllmDeployment, 0 for the others");
    var deadline =
        GaugeSnapshot.builder()
            .name(PROGRESS_DEADLINE_EXCEEDED)
            .help("1 when the rollout did not complete within spec.rollout.progressDeadline");
    var revision =
        InfoSnapshot.builder()
            .name(REVISION)
            .help("The pod template revision currently rolled out (status.rollout.servedRevision)");
    var rollbacks =
        CounterSnapshot.builder()
            .name(ROLLBACKS)
            .help(
                "Automatic rollbacks performed by the operator (stays 0 until automatic rollback is implemented)");

    for (VllmDeployment vllm : sorted) {
      String namespace = vllm.getMetadata().getNamespace();
      String name = vllm.getMetadata().getName();
      VllmDeploymentStatus status =
          Optional.ofNullable(vllm.getStatus()).orElseGet(VllmDeploymentStatus::new);

      replicas.dataPoint(gauge(namespace, name, "state", "desired", replicasOf(vllm)));
      replicas.dataPoint(
          gauge(namespace, name, "state", "ready", zeroIfNull(status.getReadyReplicas())));
      replicas.dataPoint(
          gauge(namespace, name, "state", "updated", zeroIfNull(status.getUpdatedReplicas())));

      Phase current = Optional.ofNullable(status.getPhase()).orElse(Phase.PENDING);
      for (Phase p : Phase.values()) {
        phase.dataPoint(gauge(namespace, name, "phase", p.value(), p == current ? 1 : 0));
      }

      deadline.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of(DEPLOYMENT_LABEL, name, NAMESPACE_LABEL, namespace))
              .value(progressDeadlineExceeded(status) ? 1 : 0)
              .build());

      String currentRevision =
          status.getRollout() == null ? null : status.getRollout().getServedRevision();
      if (currentRevision != null) {
        revision.dataPoint(
            new InfoSnapshot.InfoDataPointSnapshot(
                Labels.of(
                    DEPLOYMENT_LABEL,
                    name,
                    NAMESPACE_LABEL,
                    namespace,
                    "revision",
                    currentRevision)));
      }

      rollbacks.dataPoint(
          CounterSnapshot.CounterDataPointSnapshot.builder()
              .labels(Labels.of(DEPLOYMENT_LABEL, name, NAMESPACE_LABEL, namespace))
              .value(0)
              .build());
    }
    return MetricSnapshots.of(
        replicas.build(), phase.build(), deadline.build(), revision.build(), rollbacks.build());
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot gauge(
      String namespace, String name, String key, String value, double sample) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder()
        .labels(Labels.of(DEPLOYMENT_LABEL, name, NAMESPACE_LABEL, namespace, key, value))
        .value(sample)
        .build();
  }

  private static boolean progressDeadlineExceeded(VllmDeploymentStatus status) {
    return Conditions.find(status.getConditions(), Conditions.PROGRESSING)
        .map(Condition::getReason)
        .filter(VllmStatusAggregator.PROGRESS_DEADLINE_EXCEEDED::equals)
        .isPresent();
  }

  private static int replicasOf(VllmDeployment vllm) {
    return zeroIfNull(vllm.getSpec().getReplicas());
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }
}
