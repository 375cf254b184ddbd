package io.vllmoperator.status;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.dependent.DeploymentDependentResource;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A failed reconcile keeps what was observed and says in Degraded what failed. */
class FailureStatusTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-23T10:05:00Z");
  private static final ReconcileFailure REFUSED =
      new ReconcileFailure(
          ReconcileFailure.API_SERVER_REFUSED,
          "the API server refused Deployment llm/llama: spec.x: bad",
          Set.of("deployment"));

  private static VllmDeployment ready() {
    VllmDeployment vllm = vllm("llama", "model: {name: m}\nreplicas: 2");
    var deployment = DeploymentDependentResource.build(vllm);
    deployment.getMetadata().setGeneration(1L);
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(1L)
            .withReplicas(2)
            .withReadyReplicas(2)
            .withUpdatedReplicas(2)
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("True")
                    .withReason("NewReplicaSetAvailable")
                    .build())
            .build());
    vllm.setStatus(
        new VllmStatusAggregator(T0)
            .aggregate(vllm, Optional.of(deployment), List.of(), PrometheusOperatorCrds.INSTALLED));
    return vllm;
  }

  @Test
  void phaseReadyCountEndpointAndRolloutStay() {
    VllmDeployment vllm = ready();
    VllmDeploymentStatus before = vllm.getStatus();

    VllmDeploymentStatus status = FailureStatus.of(vllm, REFUSED, T1);

    assertThat(status.getPhase()).isEqualTo(Phase.READY);
    assertThat(status.getReady()).isEqualTo("2/2");
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getEndpoint()).isEqualTo(before.getEndpoint()).isNotBlank();
    assertThat(status.getSelector()).isEqualTo(before.getSelector());
    assertThat(status.getRollout().getServedRevision())
        .isEqualTo(before.getRollout().getServedRevision());
    var degraded = Conditions.find(status.getConditions(), Conditions.DEGRADED).orElseThrow();
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo(ReconcileFailure.API_SERVER_REFUSED);
    assertThat(degraded.getMessage()).isEqualTo(REFUSED.message());
    assertThat(degraded.getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(Conditions.find(status.getConditions(), Conditions.AVAILABLE).orElseThrow())
        .isEqualTo(Conditions.find(before.getConditions(), Conditions.AVAILABLE).orElseThrow());
    assertThat(status.getConditions()).hasSameSizeAs(before.getConditions());
  }

  @Test
  void theSameFailureAgainChangesNothingSoRetriesWriteNothing() {
    VllmDeployment vllm = ready();
    vllm.setStatus(FailureStatus.of(vllm, REFUSED, T0));

    VllmDeploymentStatus again = FailureStatus.of(vllm, REFUSED, T1);

    assertThat(again).usingRecursiveComparison().isEqualTo(vllm.getStatus());
  }

  @Test
  void aFailingMonitoringObjectTurnsMonitoringReadyFalse() {
    VllmDeployment vllm = ready();
    var missing =
        new ReconcileFailure(
            ReconcileFailure.RESOURCE_TYPE_MISSING,
            "ServiceMonitor ...",
            Set.of("service-monitor"));

    VllmDeploymentStatus status = FailureStatus.of(vllm, missing, T1);

    var monitoring =
        Conditions.find(status.getConditions(), Conditions.MONITORING_READY).orElseThrow();
    assertThat(monitoring.getStatus()).isEqualTo("False");
    assertThat(monitoring.getReason()).isEqualTo(ReconcileFailure.RESOURCE_TYPE_MISSING);
    assertThat(FailureStatus.of(vllm, REFUSED, T1).getConditions())
        .as("a failure elsewhere leaves MonitoringReady alone")
        .contains(
            Conditions.find(vllm.getStatus().getConditions(), Conditions.MONITORING_READY)
                .orElseThrow());
  }

  @Test
  void aFirstReconcileThatFailsIsPendingWithWhatTheSpecSays() {
    VllmDeployment vllm = vllm("llama", "model: {name: m}\nreplicas: 2");
    vllm.setStatus(null);

    VllmDeploymentStatus status = FailureStatus.of(vllm, REFUSED, T0);

    assertThat(status.getPhase()).isEqualTo(Phase.PENDING);
    assertThat(status.getReady()).isEqualTo("0/2");
    assertThat(status.getEndpoint()).isEqualTo("http://llama.llm.svc:8000/v1");
  }

  @Test
  void anUnreadableSpecWithoutStatusStillGetsAPhaseAndTheCondition() {
    VllmDeployment vllm = vllm("llama", "model: {name: m}");
    vllm.setSpec(null);
    vllm.setStatus(null);

    VllmDeploymentStatus status =
        FailureStatus.of(vllm, ReconcileFailure.unreadableSpec("spec.engine.maxModelLen: x"), T0);

    assertThat(status.getPhase()).isEqualTo(Phase.PENDING);
    assertThat(
            Conditions.find(status.getConditions(), Conditions.DEGRADED).orElseThrow().getMessage())
        .contains("spec.engine.maxModelLen");
  }
}
