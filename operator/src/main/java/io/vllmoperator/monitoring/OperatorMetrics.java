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
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.status.Conditions;
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
 *
 * <p>The rollout markers come from the {@link RolloutEventCounter} the reconciler records into: the
 * same object must reach both ({@link #rolloutEvents()}). Only VllmDeployments in the cache get
 * series, each with all four markers from 0, so the first marker is an increase Prometheus sees.
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

  /** A counter: exposed as vllm_operator_rollout_events_total. */
  public static final String ROLLOUT_EVENTS = "vllm_operator_rollout_events";

  public static final String ROLLOUT_STUCK = "vllm_operator_deployment_rollout_stuck";

  /**
   * The reasons of a Progressing=False condition for which the rollout cannot go on by itself:
   * waiting for GPUs (onInsufficientGpus: Wait) and a failed target that is not rolled back
   * (autoRollback false, or no good revision to go back to).
   */
  public static final List<String> STUCK_REASONS = List.of("InsufficientGpus", "RolloutFailed");

  static final String PROGRESS_DEADLINE_EXCEEDED_REASON = "ProgressDeadlineExceeded";
  static final String ROLLOUT_FAILED_REASON = "RolloutFailed";

  static final String NAMESPACE_LABEL = "deployment_namespace";
  static final String DEPLOYMENT_LABEL = "deployment";

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMetrics.class);

  private final Supplier<? extends Collection<VllmDeployment>> deployments;
  private final RolloutEventCounter rolloutEvents;

  /**
   * @param deployments the cached VllmDeployments, read on every scrape
   * @param rolloutEvents the counter the reconciler records the rollout markers into
   */
  public OperatorMetrics(
      Supplier<? extends Collection<VllmDeployment>> deployments,
      RolloutEventCounter rolloutEvents) {
    this.deployments = deployments;
    this.rolloutEvents = rolloutEvents;
  }

  /**
   * Registers a collector that reads {@code deployments} and {@code rolloutEvents} on every scrape.
   */
  public static OperatorMetrics register(
      PrometheusRegistry registry,
      Supplier<? extends Collection<VllmDeployment>> deployments,
      RolloutEventCounter rolloutEvents) {
    OperatorMetrics metrics = new OperatorMetrics(deployments, rolloutEvents);
    registry.register(metrics);
    return metrics;
  }

  /** The counter behind vllm_operator_rollout_events_total; the reconciler records into it. */
  public RolloutEventCounter rolloutEvents() {
    return rolloutEvents;
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
    return snapshot(current, rolloutEvents);
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(
        REPLICAS,
        PHASE,
        PROGRESS_DEADLINE_EXCEEDED,
        ROLLOUT_STUCK,
        REVISION,
        ROLLBACKS,
        ROLLOUT_EVENTS);
  }

  /** Pure: the series for these deployments, with the markers counted so far. */
  public static MetricSnapshots snapshot(
      Collection<VllmDeployment> deployments, RolloutEventCounter rolloutEvents) {
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
            .help(
                "1 while the rollout is stopped because it did not complete within"
                    + " spec.rollout.progressDeadline and was not rolled back");
    var stuck =
        GaugeSnapshot.builder()
            .name(ROLLOUT_STUCK)
            .help(
                "1 while the rollout cannot go on by itself: condition Progressing=False with this"
                    + " reason (InsufficientGpus, RolloutFailed)");
    var revision =
        InfoSnapshot.builder()
            .name(REVISION)
            .help("The pod template revision currently rolled out (status.rollout.servedRevision)");
    var rollbacks =
        CounterSnapshot.builder()
            .name(ROLLBACKS)
            .help(
                "Automatic rollbacks of the VllmDeployment so far (status.rollout.rollbackCount)");
    var events =
        CounterSnapshot.builder()
            .name(ROLLOUT_EVENTS)
            .help(
                "Rollout markers recorded as Events by this operator process (started, succeeded,"
                    + " failed, rolled_back); in memory, from 0 at every start");

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

      Optional<String> stuckReason = stuckReason(status);
      for (String reason : STUCK_REASONS) {
        stuck.dataPoint(
            gauge(
                namespace,
                name,
                "reason",
                reason,
                stuckReason.filter(reason::equals).isPresent() ? 1 : 0));
      }

      RolloutStatus rollout =
          Optional.ofNullable(status.getRollout()).orElseGet(RolloutStatus::new);
      String currentRevision = rollout.getServedRevision();
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
              .value(Math.max(0, zeroIfNull(rollout.getRollbackCount())))
              .build());

      for (RolloutEventCounter.Kind kind : RolloutEventCounter.Kind.values()) {
        events.dataPoint(
            CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(
                    Labels.of(
                        DEPLOYMENT_LABEL, name, NAMESPACE_LABEL, namespace, "event", kind.label()))
                .value(rolloutEvents.count(namespace, name, kind))
                .build());
      }
    }
    return MetricSnapshots.of(
        replicas.build(),
        phase.build(),
        deadline.build(),
        stuck.build(),
        revision.build(),
        rollbacks.build(),
        events.build());
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot gauge(
      String namespace, String name, String key, String value, double sample) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder()
        .labels(Labels.of(DEPLOYMENT_LABEL, name, NAMESPACE_LABEL, namespace, key, value))
        .value(sample)
        .build();
  }

  /**
   * Progressing says ProgressDeadlineExceeded, or RolloutFailed with the deadline as the failure's
   * reason (autoRollback false, or nothing to roll back to). A rollback on the deadline is not
   * counted: the rollout is over, VllmRolledBack reports it.
   */
  private static boolean progressDeadlineExceeded(VllmDeploymentStatus status) {
    Optional<String> progressing = progressingFalseReason(status);
    if (progressing.filter(PROGRESS_DEADLINE_EXCEEDED_REASON::equals).isPresent()) {
      return true;
    }
    return progressing.filter(ROLLOUT_FAILED_REASON::equals).isPresent()
        && failureReason(status).filter(PROGRESS_DEADLINE_EXCEEDED_REASON::equals).isPresent();
  }

  private static Optional<String> stuckReason(VllmDeploymentStatus status) {
    return progressingFalseReason(status).filter(STUCK_REASONS::contains);
  }

  private static Optional<String> progressingFalseReason(VllmDeploymentStatus status) {
    return Conditions.find(status.getConditions(), Conditions.PROGRESSING)
        .filter(c -> "False".equals(c.getStatus()))
        .map(Condition::getReason);
  }

  /** status.rollout.failedReason, else the Degraded condition's reason. */
  private static Optional<String> failureReason(VllmDeploymentStatus status) {
    return Optional.ofNullable(status.getRollout())
        .map(RolloutStatus::getFailedReason)
        .or(
            () ->
                Conditions.find(status.getConditions(), Conditions.DEGRADED)
                    .filter(c -> "True".equals(c.getStatus()))
                    .map(Condition::getReason));
  }

  private static int replicasOf(VllmDeployment vllm) {
    return zeroIfNull(vllm.getSpec().getReplicas());
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }
}
