package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.desired.Names;
import io.vllmoperator.rollout.DeploymentObservation;
import io.vllmoperator.rollout.PodObservation;
import io.vllmoperator.rollout.RolloutDecision;
import io.vllmoperator.rollout.RolloutObservation;
import io.vllmoperator.rollout.RolloutSettings;
import io.vllmoperator.rollout.RolloutState;
import io.vllmoperator.rollout.RolloutStateMachine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Builds the whole status afresh from what is observed; never patches pieces of the old one. */
public final class VllmStatusAggregator {
  public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
  public static final String NO_ROLLBACK = "NoRollback";
  public static final String SPEC_CHANGED = "SpecChanged";

  public static final String PROMETHEUS_OPERATOR_NOT_INSTALLED = "PrometheusOperatorNotInstalled";
  public static final String MONITORING_CREATED = "AllCreated";
  public static final String MONITORING_DISABLED = "Disabled";

  private final Instant now;
  private final PreviousLogs previousLogs;
  private final Optional<PodDiagnosis.Finding> cacheClaim;

  /** Without logs: crashes are classified by their termination message (the offline render). */
  public VllmStatusAggregator(Instant now) {
    this(now, PreviousLogs.NONE);
  }

  /**
   * @param previousLogs crashed containers' previous logs, whose root cause is often far above the
   *     termination message's last lines
   */
  public VllmStatusAggregator(Instant now, PreviousLogs previousLogs) {
    this(now, previousLogs, Optional.empty());
  }

  /**
   * @param cacheClaim why the model cache claim is unbound ({@link CacheClaimDiagnosis})
   */
  public VllmStatusAggregator(
      Instant now, PreviousLogs previousLogs, Optional<PodDiagnosis.Finding> cacheClaim) {
    this.now = now;
    this.previousLogs = previousLogs;
    this.cacheClaim = cacheClaim;
  }

  /**
   * For the offline paths and tests: decides the rollout from {@code deployment} and {@code pods}
   * alone, taking the status' last good revision as recorded.
   *
   * @param crds the prometheus-operator CRDs found on the cluster, for MonitoringReady
   */
  public VllmDeploymentStatus aggregate(
      VllmDeployment vllm,
      Optional<Deployment> deployment,
      Collection<Pod> pods,
      PrometheusOperatorCrds crds) {
    Optional<String> lastGood =
        Optional.ofNullable(vllm.getStatus())
            .map(VllmDeploymentStatus::getRollout)
            .map(r -> r.getLastGoodRevision());
    List<PodObservation> observedPods =
        PodObservation.of(List.copyOf(pods), vllm.getSpec().getGpu().getResource(), previousLogs);
    RolloutObservation observation =
        new RolloutObservation(
            DeploymentObservation.of(deployment),
            observedPods,
            lastGood.map(Set::of).orElse(Set.of()),
            lastGood,
            now);
    RolloutDecision decision =
        RolloutStateMachine.decide(
            RolloutSettings.of(vllm, RolloutSettings.DEFAULT_IMAGE_PULL_GRACE),
            vllm.getStatus() == null ? null : vllm.getStatus().getRollout(),
            observation);
    return aggregate(vllm, decision, deployment, observedPods, crds);
  }

  /**
   * Maps the rollout decision and what is observed to phase and conditions; decides nothing.
   *
   * @param pods the pods as the decision observed them, with their diagnosis
   */
  public VllmDeploymentStatus aggregate(
      VllmDeployment vllm,
      RolloutDecision decision,
      Optional<Deployment> deployment,
      List<PodObservation> pods,
      PrometheusOperatorCrds crds) {
    VllmDeploymentStatus previous =
        vllm.getStatus() == null ? new VllmDeploymentStatus() : vllm.getStatus();
    Observed observed = Observed.of(vllm, deployment);
    // A pod that serves now is not in trouble, whatever its past restarts say.
    Optional<PodDiagnosis.Finding> notServing =
        PodDiagnosis.mostSevere(
            pods.stream()
                .filter(p -> !p.ready())
                .sorted(Comparator.comparing(PodObservation::name))
                .map(PodObservation::finding)
                .flatMap(Optional::stream)
                .toList());
    Optional<PodDiagnosis.Finding> foreign = deployment.flatMap(ForeignTemplateFields::of);
    Optional<PodDiagnosis.Finding> trouble =
        PodDiagnosis.mostSevere(cacheClaim, notServing, foreign);
    Long generation = vllm.getMetadata().getGeneration();
    List<Condition> before = previous.getConditions();

    VllmDeploymentStatus status = new VllmDeploymentStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(observed.replicas);
    status.setReadyReplicas(observed.ready);
    status.setUpdatedReplicas(observed.updated);
    status.setReady(observed.ready + "/" + observed.desired);
    status.setSelector(Labels.selectorString(vllm));
    status.setEndpoint(Names.endpoint(vllm));
    RolloutState state = decision.state();
    status.setPhase(state.phase());

    List<Condition> conditions = new ArrayList<>();
    conditions.add(available(observed, generation, before));
    conditions.add(
        Conditions.of(
            Conditions.PROGRESSING,
            state.progressing(),
            state.reason(),
            ForeignTemplateFields.qualify(decision.message(), foreign),
            generation,
            before,
            now));
    conditions.add(degraded(decision, trouble, generation, before));
    conditions.add(rolledBack(decision, previous, generation, before));
    conditions.add(monitoringReady(vllm, crds, generation, before));
    status.setConditions(conditions);
    status.setRollout(decision.rollout());
    return status;
  }

  private Condition available(Observed o, Long generation, List<Condition> before) {
    if (o.desired == 0) {
      return Conditions.of(
          Conditions.AVAILABLE,
          false,
          "ScaledToZero",
          "spec.replicas is 0",
          generation,
          before,
          now);
    }
    int needed = o.minimumAvailable();
    boolean serving = o.ready >= needed;
    String reason =
        serving ? "ReplicasReady" : o.ready == 0 ? "NoReplicaReady" : "TooFewReplicasReady";
    return Conditions.of(
        Conditions.AVAILABLE,
        serving,
        reason,
        o.ready
            + "/"
            + o.desired
            + " replicas ready"
            + (serving || o.ready == 0
                ? ""
                : ", at least " + needed + " needed (spec.replicas - spec.rollout.maxUnavailable)"),
        generation,
        before,
        now);
  }

  /** The rollout's root cause first; else the most telling pod that does not serve. */
  private Condition degraded(
      RolloutDecision decision,
      Optional<PodDiagnosis.Finding> trouble,
      Long generation,
      List<Condition> before) {
    if (decision.failure().isPresent()) {
      RolloutDecision.Failure failure = decision.failure().get();
      return Conditions.of(
          Conditions.DEGRADED, true, failure.reason(), failure.message(), generation, before, now);
    }
    if (trouble.isPresent()) {
      return Conditions.of(
          Conditions.DEGRADED,
          true,
          trouble.get().reason(),
          trouble.get().message(),
          generation,
          before,
          now);
    }
    return Conditions.of(Conditions.DEGRADED, false, "AsExpected", "", generation, before, now);
  }

  /**
   * True from the rollback's start until the spec names another revision (or a retry); then False,
   * reason SpecChanged, until the next rollback.
   */
  private Condition rolledBack(
      RolloutDecision decision,
      VllmDeploymentStatus previous,
      Long generation,
      List<Condition> before) {
    RolloutState state = decision.state();
    if ((state == RolloutState.ROLLING_BACK || state == RolloutState.ROLLED_BACK)
        && decision.failure().isPresent()) {
      return Conditions.of(
          Conditions.ROLLED_BACK,
          true,
          decision.failure().get().reason(),
          decision.message(),
          generation,
          before,
          now);
    }
    Optional<Condition> was = Conditions.find(before, Conditions.ROLLED_BACK);
    boolean afterRollback =
        was.map(c -> "True".equals(c.getStatus()) || SPEC_CHANGED.equals(c.getReason()))
            .orElse(false);
    if (afterRollback) {
      String failed =
          previous.getRollout() == null ? null : previous.getRollout().getFailedRevision();
      String message =
          "True".equals(was.get().getStatus()) && failed != null
              ? "the spec now asks for revision "
                  + decision.rollout().getTargetRevision()
                  + "; failed revision "
                  + failed
                  + " is no longer rolled back"
              : was.get().getMessage();
      return Conditions.of(
          Conditions.ROLLED_BACK, false, SPEC_CHANGED, message, generation, before, now);
    }
    return Conditions.of(Conditions.ROLLED_BACK, false, NO_ROLLBACK, "", generation, before, now);
  }

  /**
   * True (AllCreated) when every monitoring object the spec asks for exists; False
   * (PrometheusOperatorNotInstalled) while a wanted ServiceMonitor, PrometheusRule or
   * AlertmanagerConfig waits for its CRD; False (Disabled) when spec.monitoring turns everything
   * off.
   */
  private Condition monitoringReady(
      VllmDeployment vllm, PrometheusOperatorCrds crds, Long generation, List<Condition> before) {
    MonitoringSettings monitoring = MonitoringSettings.of(vllm);
    if (!monitoring.anything()) {
      return Conditions.of(
          Conditions.MONITORING_READY,
          false,
          MONITORING_DISABLED,
          "spec.monitoring turns off scraping, alerts and dashboards",
          generation,
          before,
          now);
    }
    List<String> created = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    if (monitoring.serviceMonitor()) {
      (crds.serviceMonitors() ? created : waiting).add("ServiceMonitor");
    }
    if (monitoring.alerts()) {
      (crds.prometheusRules() ? created : waiting).add("PrometheusRule");
    }
    if (monitoring.alertRouting()) {
      (crds.alertmanagerConfigs() ? created : waiting).add("AlertmanagerConfig");
    }
    if (monitoring.dashboards()) {
      created.add("ConfigMap " + Names.dashboards(vllm));
    }
    if (!waiting.isEmpty()) {
      return Conditions.of(
          Conditions.MONITORING_READY,
          false,
          PROMETHEUS_OPERATOR_NOT_INSTALLED,
          "the monitoring.coreos.com CRDs of prometheus-operator are not installed: "
              + String.join(" and ", waiting)
              + " will be created once they are"
              + (created.isEmpty() ? "" : "; created: " + String.join(", ", created)),
          generation,
          before,
          now);
    }
    return Conditions.of(
        Conditions.MONITORING_READY,
        true,
        MONITORING_CREATED,
        "created: " + String.join(", ", created),
        generation,
        before,
        now);
  }

  /** What the Deployment controller reports: the replica counts. */
  private record Observed(int desired, int replicas, int ready, int updated, int maxUnavailable) {

    static Observed of(VllmDeployment vllm, Optional<Deployment> deployment) {
      int desired = vllm.getSpec().getReplicas();
      var rollout = vllm.getSpec().getRollout();
      int maxUnavailable =
          rollout == null || rollout.getMaxUnavailable() == null ? 0 : rollout.getMaxUnavailable();
      DeploymentStatus s = deployment.map(Deployment::getStatus).orElseGet(DeploymentStatus::new);
      return new Observed(
          desired,
          zeroIfNull(s.getReplicas()),
          zeroIfNull(s.getReadyReplicas()),
          zeroIfNull(s.getUpdatedReplicas()),
          maxUnavailable);
    }

    /**
     * The Deployment controller's rule, but a model server with no ready pod is never available.
     */
    int minimumAvailable() {
      return Math.max(1, desired - maxUnavailable);
    }

    private static int zeroIfNull(Integer value) {
      return value == null ? 0 : value;
    }
  }
}
