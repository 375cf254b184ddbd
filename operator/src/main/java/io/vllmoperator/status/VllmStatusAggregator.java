package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.desired.Names;
import io.vllmoperator.desired.VllmPodTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Builds the whole status afresh from what is observed; never patches pieces of the old one. */
public final class VllmStatusAggregator {
  /** Deployment controller reasons (pkg/controller/deployment/util). */
  static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";

  public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

  public static final String PROMETHEUS_OPERATOR_NOT_INSTALLED = "PrometheusOperatorNotInstalled";
  public static final String MONITORING_CREATED = "AllCreated";
  public static final String MONITORING_DISABLED = "Disabled";

  private final Instant now;
  private final PreviousLogs previousLogs;

  /** Without logs: crashes are classified by their termination message (the offline render). */
  public VllmStatusAggregator(Instant now) {
    this(now, PreviousLogs.NONE);
  }

  /**
   * @param previousLogs crashed containers' previous logs, whose root cause is often far above the
   *     termination message's last lines
   */
  public VllmStatusAggregator(Instant now, PreviousLogs previousLogs) {
    this.now = now;
    this.previousLogs = previousLogs;
  }

  /**
   * @param crds the prometheus-operator CRDs found on the cluster, for MonitoringReady
   */
  public VllmDeploymentStatus aggregate(
      VllmDeployment vllm,
      Optional<Deployment> deployment,
      Collection<Pod> pods,
      PrometheusOperatorCrds crds) {
    VllmDeploymentStatus previous =
        vllm.getStatus() == null ? new VllmDeploymentStatus() : vllm.getStatus();
    Observed observed = Observed.of(vllm, deployment);
    Optional<PodDiagnosis.Finding> trouble =
        PodDiagnosis.of(pods, vllm.getSpec().getGpu().getResource(), previousLogs);
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
    Phase phase = observed.phase();
    status.setPhase(phase);

    List<Condition> conditions = new ArrayList<>();
    conditions.add(available(observed, generation, before));
    conditions.add(progressing(observed, phase, generation, before));
    conditions.add(degraded(observed, phase, trouble, generation, before));
    conditions.add(monitoringReady(vllm, crds, generation, before));
    status.setConditions(conditions);
    status.setRollout(rollout(observed, phase, previous.getRollout()));
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

  private Condition progressing(Observed o, Phase phase, Long generation, List<Condition> before) {
    return switch (phase) {
      case PENDING ->
          Conditions.of(
              Conditions.PROGRESSING,
              true,
              "Creating",
              "creating the Deployment",
              generation,
              before,
              now);
      case PROGRESSING ->
          Conditions.of(
              Conditions.PROGRESSING,
              true,
              "RollingOut",
              o.updated + "/" + o.desired + " replicas updated, " + o.ready + " ready",
              generation,
              before,
              now);
      case FAILED ->
          Conditions.of(
              Conditions.PROGRESSING,
              false,
              PROGRESS_DEADLINE_EXCEEDED,
              o.deploymentMessage(),
              generation,
              before,
              now);
      case SCALED_TO_ZERO ->
          Conditions.of(
              Conditions.PROGRESSING,
              false,
              "RolloutComplete",
              "scaled to zero; pods will run revision " + o.targetRevision,
              generation,
              before,
              now);
      default ->
          Conditions.of(
              Conditions.PROGRESSING,
              false,
              "RolloutComplete",
              "all replicas run revision " + o.targetRevision,
              generation,
              before,
              now);
    };
  }

  private Condition degraded(
      Observed o,
      Phase phase,
      Optional<PodDiagnosis.Finding> trouble,
      Long generation,
      List<Condition> before) {
    if (trouble.isPresent() && phase != Phase.FAILED) {
      return Conditions.of(
          Conditions.DEGRADED,
          true,
          trouble.get().reason(),
          trouble.get().message(),
          generation,
          before,
          now);
    }
    return switch (phase) {
      case FAILED ->
          Conditions.of(
              Conditions.DEGRADED,
              true,
              PROGRESS_DEADLINE_EXCEEDED,
              o.deploymentMessage(),
              generation,
              before,
              now);
      case DEGRADED ->
          Conditions.of(
              Conditions.DEGRADED,
              true,
              "ReplicasUnavailable",
              o.ready + "/" + o.desired + " replicas ready",
              generation,
              before,
              now);
      default ->
          Conditions.of(Conditions.DEGRADED, false, "AsExpected", "", generation, before, now);
    };
  }

  /**
   * True (AllCreated) when every monitoring object the spec asks for exists; False
   * (PrometheusOperatorNotInstalled) while a wanted ServiceMonitor or PrometheusRule waits for its
   * CRD; False (Disabled) when spec.monitoring turns everything off.
   */
  private Condition monitoringReady(
      VllmDeployment vllm, PrometheusOperatorCrds crds, Long generation, List<Condition> before) {
    MonitoringSettings monitoring = MonitoringSettings.of(vllm);
    if (!monitoring.anything()) {
      return Conditions.of(
          Conditions.MONITORING_READY,
          false,
          MONITORING_DISABLED,
          "spec.monitoring turns off scraping, alerts, dashboards and log shipping",
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
    if (monitoring.dashboards()) {
      created.add("ConfigMap " + Names.dashboards(vllm));
    }
    if (monitoring.logShipping()) {
      created.add("ConfigMap " + Names.logConfig(vllm));
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

  private static RolloutStatus rollout(Observed o, Phase phase, RolloutStatus previous) {
    RolloutStatus rollout = new RolloutStatus();
    rollout.setTargetRevision(o.targetRevision);
    boolean complete =
        phase == Phase.READY || phase == Phase.DEGRADED || phase == Phase.SCALED_TO_ZERO;
    String current = previous == null ? null : previous.getServedRevision();
    rollout.setServedRevision(complete ? o.targetRevision : current);
    String lastGood = previous == null ? null : previous.getLastGoodRevision();
    rollout.setLastGoodRevision(phase == Phase.READY ? o.targetRevision : lastGood);
    rollout.setFailedRevision(
        phase == Phase.FAILED
            ? o.targetRevision
            : previous == null ? null : previous.getFailedRevision());
    return rollout;
  }

  /** What the Deployment controller reports, reduced to what the phase depends on. */
  private record Observed(
      boolean exists,
      int desired,
      int replicas,
      int ready,
      int updated,
      boolean generationObserved,
      Optional<DeploymentCondition> progressing,
      String targetRevision,
      int maxUnavailable) {

    static Observed of(VllmDeployment vllm, Optional<Deployment> deployment) {
      int desired = vllm.getSpec().getReplicas();
      var rollout = vllm.getSpec().getRollout();
      int maxUnavailable =
          rollout == null || rollout.getMaxUnavailable() == null ? 0 : rollout.getMaxUnavailable();
      if (deployment.isEmpty()) {
        return new Observed(false, desired, 0, 0, 0, false, Optional.empty(), null, maxUnavailable);
      }
      Deployment d = deployment.get();
      DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
      Optional<DeploymentCondition> progressing =
          s.getConditions() == null
              ? Optional.empty()
              : s.getConditions().stream()
                  .filter(c -> "Progressing".equals(c.getType()))
                  .findFirst();
      boolean generationObserved =
          s.getObservedGeneration() != null
              && s.getObservedGeneration() >= d.getMetadata().getGeneration();
      var annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
      String revision =
          annotations == null ? null : annotations.get(VllmPodTemplate.REVISION_ANNOTATION);
      return new Observed(
          true,
          desired,
          zeroIfNull(s.getReplicas()),
          zeroIfNull(s.getReadyReplicas()),
          zeroIfNull(s.getUpdatedReplicas()),
          generationObserved,
          progressing,
          revision,
          maxUnavailable);
    }

    /**
     * The Deployment controller's rule, but a model server with no ready pod is never available.
     */
    int minimumAvailable() {
      return Math.max(1, desired - maxUnavailable);
    }

    Phase phase() {
      if (!exists) {
        return Phase.PENDING;
      }
      if (progressing.map(c -> PROGRESS_DEADLINE_EXCEEDED.equals(c.getReason())).orElse(false)) {
        return Phase.FAILED;
      }
      boolean rolledOut =
          generationObserved
              && updated >= desired
              && replicas <= desired
              && (desired == 0
                  || progressing.map(c -> NEW_RS_AVAILABLE.equals(c.getReason())).orElse(false));
      if (!rolledOut) {
        return Phase.PROGRESSING;
      }
      if (desired == 0) {
        return Phase.SCALED_TO_ZERO;
      }
      return ready >= desired ? Phase.READY : Phase.DEGRADED;
    }

    String deploymentMessage() {
      return progressing.map(DeploymentCondition::getMessage).orElse("");
    }

    private static int zeroIfNull(Integer value) {
      return value == null ? 0 : value;
    }
  }
}
