package io.vllmoperator.status;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.dependent.DeploymentDependentResource;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Findings about objects other than the pods: the cache claim, the Deployment's template. */
class VllmStatusAggregatorFindingsTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  private final VllmDeployment vllm =
      vllm("llama", "model: {name: m, cache: {size: 100Gi, storageClassName: fast-rwx}}");

  @Test
  void anUnboundCacheClaimExplainsPodsThatCannotBeScheduled() {
    var unbound =
        Optional.of(
            new PodDiagnosis.Finding(
                "ModelCacheUnbound",
                "model cache PersistentVolumeClaim llama-cache is not bound: StorageClass"
                    + " \"fast-rwx\" does not exist"));
    var pending =
        new PodBuilder()
            .withNewMetadata()
            .withName("llama-abc")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage(
                "0/6 nodes are available: pod has unbound immediate PersistentVolumeClaims.")
            .endCondition()
            .endStatus()
            .build();

    VllmDeploymentStatus status =
        new VllmStatusAggregator(T0, PreviousLogs.NONE, unbound)
            .aggregate(
                vllm,
                Optional.of(deployment(List.of(), 0)),
                List.of(pending),
                PrometheusOperatorCrds.INSTALLED);

    Condition degraded = condition(status, Conditions.DEGRADED);
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo("ModelCacheUnbound");
    assertThat(degraded.getMessage()).contains("StorageClass \"fast-rwx\" does not exist");
  }

  @Test
  void aTemplateChangedByAnotherManagerIsDegradedAndTheRolloutMessageSaysSo() {
    var edit =
        ForeignTemplateFieldsTest.entry(
            "kubectl-edit",
            "Update",
            null,
            "{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":"
                + "\\\"vllm\\\"}\":{\"f:env\":{\"k:{\\\"name\\\":\\\"FOO\\\"}\":{\".\":{}}}}}}}}}");

    VllmDeploymentStatus status =
        new VllmStatusAggregator(T0)
            .aggregate(
                vllm,
                Optional.of(deployment(List.of(edit), 1)),
                List.of(),
                PrometheusOperatorCrds.INSTALLED);

    assertThat(status.getPhase()).isEqualTo(Phase.READY);
    Condition degraded = condition(status, Conditions.DEGRADED);
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo("TemplateModifiedExternally");
    assertThat(degraded.getMessage())
        .contains("kubectl-edit (spec.template.spec.containers[name=vllm].env[name=FOO])");
    assertThat(condition(status, Conditions.PROGRESSING).getMessage())
        .contains("with changes by another field manager: see Degraded");
  }

  private Deployment deployment(List<ManagedFieldsEntry> managed, int ready) {
    Deployment deployment = DeploymentDependentResource.build(vllm);
    deployment.getMetadata().setGeneration(1L);
    deployment.getMetadata().setManagedFields(managed);
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(1L)
            .withReplicas(1)
            .withReadyReplicas(ready)
            .withUpdatedReplicas(1)
            .build());
    return deployment;
  }

  private static Condition condition(VllmDeploymentStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }
}
