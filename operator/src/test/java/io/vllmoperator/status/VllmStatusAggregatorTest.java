package io.vllmoperator.status;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.dependent.DeploymentDependentResource;
import io.vllmoperator.reconciler.VllmDeploymentReconciler;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VllmStatusAggregatorTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-23T10:05:00Z");

  private final VllmDeployment vllm = vllm("llama", "model: {name: m}\nreplicas: 2");

  @Test
  void noDeploymentYetIsPending() {
    var status =
        new VllmStatusAggregator(T0)
            .aggregate(
                vllm, Optional.empty(), java.util.List.of(), PrometheusOperatorCrds.INSTALLED);

    assertThat(status.getPhase()).isEqualTo(Phase.PENDING);
    assertThat(status.getReady()).isEqualTo("0/2");
    assertThat(status.getEndpoint()).isEqualTo("http://llama.llm.svc:8000/v1");
    assertThat(status.getSelector())
        .isEqualTo("app.kubernetes.io/name=vllm,app.kubernetes.io/instance=llama");
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void podsStillLoadingAreProgressing() {
    var status = aggregate(T0, deployment(2, 0, 2, "ReplicaSetUpdated"));

    assertThat(status.getPhase()).isEqualTo(Phase.PROGRESSING);
    assertCondition(status, Conditions.PROGRESSING, "True", "RollingOut");
    assertCondition(status, Conditions.AVAILABLE, "False", "NoReplicaReady");
    assertCondition(status, Conditions.DEGRADED, "False", "AsExpected");
  }

  @Test
  void allReplicasReadyOnTheNewRevisionIsReady() {
    var status = aggregate(T0, deployment(2, 2, 2, "NewReplicaSetAvailable"));

    assertThat(status.getPhase()).isEqualTo(Phase.READY);
    assertThat(status.getReady()).isEqualTo("2/2");
    assertCondition(status, Conditions.AVAILABLE, "True", "ReplicasReady");
    assertCondition(status, Conditions.PROGRESSING, "False", "RolloutComplete");
    assertThat(status.getRollout().getServedRevision())
        .isEqualTo(status.getRollout().getTargetRevision())
        .isNotBlank();
    assertThat(status.getRollout().getLastGoodRevision())
        .isEqualTo(status.getRollout().getServedRevision());
  }

  @Test
  void aReplicaLostAfterTheRolloutIsScalingBackUpNotDegraded() {
    vllm.setStatus(aggregate(T0, deployment(2, 2, 2, "NewReplicaSetAvailable")));

    var status = aggregate(T1, deployment(2, 1, 2, "NewReplicaSetAvailable"));

    assertThat(status.getPhase()).isEqualTo(Phase.SCALING);
    assertCondition(status, Conditions.PROGRESSING, "True", "Scaling");
    assertCondition(status, Conditions.DEGRADED, "False", "AsExpected");
    // spec.rollout.maxUnavailable 0: every replica is needed for Available.
    assertCondition(status, Conditions.AVAILABLE, "False", "TooFewReplicasReady");
    assertThat(condition(status, Conditions.AVAILABLE).getMessage())
        .isEqualTo(
            "1/2 replicas ready, at least 2 needed (spec.replicas - spec.rollout.maxUnavailable)");
  }

  @Test
  void availableMeansAtLeastReplicasMinusMaxUnavailableReady() {
    var tolerant =
        vllm("llama", "model: {name: m}\nreplicas: 3\nrollout: {maxSurge: 0, maxUnavailable: 1}");

    assertCondition(
        aggregate(tolerant, deployment(tolerant, 3, 2, 3, "NewReplicaSetAvailable")),
        Conditions.AVAILABLE,
        "True",
        "ReplicasReady");
    assertCondition(
        aggregate(tolerant, deployment(tolerant, 3, 1, 3, "NewReplicaSetAvailable")),
        Conditions.AVAILABLE,
        "False",
        "TooFewReplicasReady");
  }

  @Test
  void maxUnavailableAsLargeAsReplicasStillNeedsOneReadyPod() {
    var lax = vllm("llama", "model: {name: m}\nreplicas: 1\nrollout: {maxUnavailable: 1}");

    assertCondition(
        aggregate(lax, deployment(lax, 1, 0, 1, "NewReplicaSetAvailable")),
        Conditions.AVAILABLE,
        "False",
        "NoReplicaReady");
  }

  @Test
  void scaledToZeroIsItsOwnPhaseNotReady() {
    var zero = vllm("llama", "model: {name: m}\nreplicas: 0");

    var status = aggregate(zero, deployment(zero, 0, 0, 0, "NewReplicaSetAvailable"));

    assertThat(status.getPhase()).isEqualTo(Phase.SCALED_TO_ZERO);
    assertThat(status.getReady()).isEqualTo("0/0");
    assertCondition(status, Conditions.AVAILABLE, "False", "ScaledToZero");
    assertCondition(status, Conditions.DEGRADED, "False", "AsExpected");
    assertThat(condition(status, Conditions.PROGRESSING).getMessage()).startsWith("scaled to zero");
  }

  @Test
  void scalingToZeroIsProgressingUntilThePodsAreGone() {
    var zero = vllm("llama", "model: {name: m}\nreplicas: 0");

    assertThat(aggregate(zero, deployment(zero, 1, 1, 0, "NewReplicaSetAvailable")).getPhase())
        .isEqualTo(Phase.PROGRESSING);
  }

  @Test
  void aFirstRolloutPastItsDeadlineFailedWithNothingToRollBackTo() {
    vllm.setStatus(aggregate(T0, deployment(2, 1, 1, "ReplicaSetUpdated")));

    // The deadline is the operator's own clock (45m from status.rollout.startedAt), not the
    // Deployment controller's condition, which may belong to another generation.
    var status =
        aggregate(
            T0.plus(java.time.Duration.ofMinutes(46)), deployment(2, 1, 1, "ReplicaSetUpdated"));

    assertThat(status.getPhase()).isEqualTo(Phase.FAILED);
    assertCondition(status, Conditions.PROGRESSING, "False", "RolloutFailed");
    assertCondition(status, Conditions.DEGRADED, "True", "ProgressDeadlineExceeded");
    assertThat(condition(status, Conditions.DEGRADED).getMessage())
        .contains("progressDeadline (45m)");
    assertCondition(status, Conditions.ROLLED_BACK, "False", "NoRollback");
  }

  @Test
  void transitionTimesMoveOnlyWhenAConditionChanges() {
    var first = aggregate(T0, deployment(2, 0, 2, "ReplicaSetUpdated"));
    vllm.setStatus(first);

    var same = aggregate(T1, deployment(2, 0, 2, "ReplicaSetUpdated"));
    assertThat(condition(same, Conditions.PROGRESSING).getLastTransitionTime())
        .isEqualTo(T0.toString());
    assertThat(VllmDeploymentReconciler.sameStatus(first, same)).isTrue();

    var ready = aggregate(T1, deployment(2, 2, 2, "NewReplicaSetAvailable"));
    assertThat(condition(ready, Conditions.PROGRESSING).getLastTransitionTime())
        .isEqualTo(T1.toString());
    assertThat(condition(ready, Conditions.DEGRADED).getLastTransitionTime())
        .isEqualTo(T0.toString());
    assertThat(VllmDeploymentReconciler.sameStatus(first, ready)).isFalse();
  }

  @Test
  void eventsAreRaisedOnPhaseChangesAndOnNewTrouble() {
    var progressing = aggregate(T0, deployment(2, 0, 2, "ReplicaSetUpdated"));
    vllm.setStatus(progressing);
    var degraded =
        aggregate(
            T0.plus(java.time.Duration.ofMinutes(46)), deployment(2, 1, 2, "ReplicaSetUpdated"));

    assertThat(StatusEvents.between(null, progressing))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("PhaseProgressing"));
    assertThat(StatusEvents.between(progressing, progressing)).isEmpty();
    assertThat(StatusEvents.between(progressing, degraded))
        .extracting(StatusEvents.StatusEvent::type, StatusEvents.StatusEvent::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Warning", "PhaseFailed"),
            org.assertj.core.groups.Tuple.tuple("Warning", "ProgressDeadlineExceeded"));
    assertThat(StatusEvents.between(progressing, degraded).get(0).message())
        .contains("Progressing -> Failed")
        .contains("1/2");
    assertThat(StatusEvents.between(degraded, degraded)).isEmpty();
  }

  @Test
  void aPhaseChangeThatARolloutMarkerAnnouncesGetsNoEventOfItsOwn() {
    var progressing = aggregate(T0, deployment(2, 0, 2, "ReplicaSetUpdated"));
    vllm.setStatus(progressing);
    var degraded =
        aggregate(
            T0.plus(java.time.Duration.ofMinutes(46)), deployment(2, 1, 2, "ReplicaSetUpdated"));

    // RolloutStarted says the rollout (phase Progressing) began: one Event, not two.
    assertThat(
            StatusEvents.between(
                null,
                progressing,
                io.vllmoperator.rollout.RolloutDecision.Marker.ROLLOUT_STARTED.announces()))
        .isEmpty();
    // Another phase still gets its Event, and new trouble too.
    assertThat(
            StatusEvents.between(
                progressing,
                degraded,
                java.util.Set.of(io.vllmoperator.api.v1alpha1.status.Phase.PROGRESSING)))
        .extracting(StatusEvents.StatusEvent::reason)
        .containsExactly("PhaseFailed", "ProgressDeadlineExceeded");
    assertThat(io.vllmoperator.rollout.RolloutDecision.Marker.ROLLOUT_FAILED.announces()).isEmpty();
    // The first status of a new VllmDeployment, Pending, keeps its Event: it starts the chain.
    var pending = new io.vllmoperator.api.v1alpha1.VllmDeploymentStatus();
    pending.setPhase(io.vllmoperator.api.v1alpha1.status.Phase.PENDING);
    pending.setConditions(progressing.getConditions());
    assertThat(
            StatusEvents.between(
                null,
                pending,
                io.vllmoperator.rollout.RolloutDecision.Marker.ROLLOUT_STARTED.announces()))
        .extracting(StatusEvents.StatusEvent::reason)
        .containsExactly("PhasePending");
  }

  @Test
  void anUnschedulablePodExplainsAStuckRollout() {
    var pod =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("llama-abc-1")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/6 nodes are available: 6 Insufficient nvidia.com/gpu.")
            .endCondition()
            .endStatus()
            .build();

    var status =
        new VllmStatusAggregator(T0)
            .aggregate(
                vllm,
                Optional.of(deployment(2, 0, 2, "ReplicaSetUpdated")),
                java.util.List.of(pod),
                PrometheusOperatorCrds.INSTALLED);

    assertThat(status.getPhase()).isEqualTo(Phase.PROGRESSING);
    assertCondition(status, Conditions.DEGRADED, "True", "InsufficientGpu");
    assertThat(condition(status, Conditions.DEGRADED).getMessage())
        .contains("llama-abc-1")
        .contains("Insufficient nvidia.com/gpu");
  }

  @Test
  void monitoringIsReadyWhenEveryWantedObjectCouldBeCreated() {
    var status = aggregate(T0, deployment(2, 2, 2, "NewReplicaSetAvailable"));

    assertCondition(status, Conditions.MONITORING_READY, "True", "AllCreated");
    assertThat(condition(status, Conditions.MONITORING_READY).getMessage())
        .isEqualTo("created: ServiceMonitor, PrometheusRule");
  }

  @Test
  void withoutPrometheusOperatorMonitoringIsNotReadyAndSaysWhatWaits() {
    var status =
        new VllmStatusAggregator(T0)
            .aggregate(
                vllm,
                Optional.of(deployment(2, 2, 2, "NewReplicaSetAvailable")),
                java.util.List.of(),
                PrometheusOperatorCrds.MISSING);

    assertCondition(status, Conditions.MONITORING_READY, "False", "PrometheusOperatorNotInstalled");
    assertThat(condition(status, Conditions.MONITORING_READY).getMessage())
        .contains("ServiceMonitor and PrometheusRule will be created once they are")
        .doesNotContain("created:");
    // The deployment itself is unaffected.
    assertThat(status.getPhase()).isEqualTo(Phase.READY);
  }

  @Test
  void aMissingCrdOnlyMattersForWhatTheSpecWants() {
    var noAlerts =
        vllm(
            "llama",
            "model: {name: m}\nmonitoring: {serviceMonitor: {enabled: false}, alerts: {enabled:"
                + " false}, dashboards: {enabled: true}}");
    var rulesOnly = new PrometheusOperatorCrds(false, true);

    var status =
        new VllmStatusAggregator(T0)
            .aggregate(
                noAlerts, Optional.empty(), java.util.List.of(), PrometheusOperatorCrds.MISSING);
    var partial =
        new VllmStatusAggregator(T0)
            .aggregate(vllm, Optional.empty(), java.util.List.of(), rulesOnly);

    assertCondition(status, Conditions.MONITORING_READY, "True", "AllCreated");
    assertCondition(
        partial, Conditions.MONITORING_READY, "False", "PrometheusOperatorNotInstalled");
    assertThat(condition(partial, Conditions.MONITORING_READY).getMessage())
        .contains("ServiceMonitor will be created")
        .contains("created: PrometheusRule");
  }

  @Test
  void alertRoutingWaitsForTheAlertmanagerConfigCrdAlone() {
    var routed =
        vllm(
            "llama",
            "model: {name: m}\nmonitoring: {alertRouting: {enabled: true, critical: [{webhook:"
                + " {urlSecret: {name: hooks, key: pager}}}]}}");
    var noAlertmanagerConfigs = new PrometheusOperatorCrds(true, true, false);

    var waiting =
        new VllmStatusAggregator(T0)
            .aggregate(routed, Optional.empty(), java.util.List.of(), noAlertmanagerConfigs);
    var unrouted =
        new VllmStatusAggregator(T0)
            .aggregate(vllm, Optional.empty(), java.util.List.of(), noAlertmanagerConfigs);

    assertCondition(
        waiting, Conditions.MONITORING_READY, "False", "PrometheusOperatorNotInstalled");
    assertThat(condition(waiting, Conditions.MONITORING_READY).getMessage())
        .contains("AlertmanagerConfig will be created")
        .contains("created: ServiceMonitor, PrometheusRule");
    assertCondition(unrouted, Conditions.MONITORING_READY, "True", "AllCreated");
    assertThat(condition(unrouted, Conditions.MONITORING_READY).getMessage())
        .doesNotContain("AlertmanagerConfig");
  }

  @Test
  void monitoringSwitchedOffEntirelyIsDisabled() {
    var off =
        vllm(
            "llama",
            "model: {name: m}\nmonitoring: {serviceMonitor: {enabled: false}, alerts: {enabled:"
                + " false}, dashboards: {enabled: false}, logs: {enabled: false}}");

    var status =
        new VllmStatusAggregator(T0)
            .aggregate(off, Optional.empty(), java.util.List.of(), PrometheusOperatorCrds.MISSING);

    assertCondition(status, Conditions.MONITORING_READY, "False", "Disabled");
    // Log shipping creates no object (the fleet config selects the pods): on or off, it is the
    // same.
    var logsOnly =
        vllm(
            "llama",
            "model: {name: m}\nmonitoring: {serviceMonitor: {enabled: false}, alerts: {enabled:"
                + " false}, dashboards: {enabled: false}}");
    var logsStatus =
        new VllmStatusAggregator(T0)
            .aggregate(
                logsOnly, Optional.empty(), java.util.List.of(), PrometheusOperatorCrds.MISSING);
    assertCondition(logsStatus, Conditions.MONITORING_READY, "False", "Disabled");
    assertThat(condition(logsStatus, Conditions.MONITORING_READY).getMessage())
        .isEqualTo("spec.monitoring turns off scraping, alerts and dashboards");
  }

  private VllmDeploymentStatus aggregate(Instant now, Deployment deployment) {
    return new VllmStatusAggregator(now)
        .aggregate(
            vllm, Optional.of(deployment), java.util.List.of(), PrometheusOperatorCrds.INSTALLED);
  }

  private static VllmDeploymentStatus aggregate(VllmDeployment of, Deployment deployment) {
    return new VllmStatusAggregator(T0)
        .aggregate(
            of, Optional.of(deployment), java.util.List.of(), PrometheusOperatorCrds.INSTALLED);
  }

  private Deployment deployment(int replicas, int ready, int updated, String progressingReason) {
    return deployment(vllm, replicas, ready, updated, progressingReason);
  }

  private static Deployment deployment(
      VllmDeployment of, int replicas, int ready, int updated, String progressingReason) {
    Deployment deployment = DeploymentDependentResource.build(of);
    deployment.getMetadata().setGeneration(1L);
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(1L)
            .withReplicas(replicas)
            .withReadyReplicas(ready)
            .withUpdatedReplicas(updated)
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus(
                        "ProgressDeadlineExceeded".equals(progressingReason) ? "False" : "True")
                    .withReason(progressingReason)
                    .withMessage("ReplicaSet \"llama-abc\" " + progressingReason)
                    .build())
            .build());
    return deployment;
  }

  private static Condition condition(VllmDeploymentStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }

  private static void assertCondition(
      VllmDeploymentStatus status, String type, String value, String reason) {
    Condition condition = condition(status, type);
    assertThat(condition.getStatus()).as(type).isEqualTo(value);
    assertThat(condition.getReason()).as(type).isEqualTo(reason);
  }
}
