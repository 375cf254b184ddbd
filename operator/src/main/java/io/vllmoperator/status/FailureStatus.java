package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.Names;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The status after a failed reconcile: what was last observed stays (phase, ready count, endpoint,
 * rollout), because the pods did not change by the operator failing to write something; only
 * Degraded says what failed, and MonitoringReady turns False if a monitoring object was among the
 * failures.
 */
public final class FailureStatus {
  /** The workflow's dependents that are monitoring objects (see the reconciler's @Workflow). */
  public static final Set<String> MONITORING_DEPENDENTS =
      Set.of("service-monitor", "prometheus-rule", "dashboards");

  private FailureStatus() {}

  public static VllmDeploymentStatus of(
      VllmDeployment vllm, ReconcileFailure failure, Instant now) {
    VllmDeploymentStatus previous = vllm.getStatus();
    VllmDeploymentStatus status =
        previous == null
            ? initial(vllm)
            : Serialization.jsonMapper().convertValue(previous, VllmDeploymentStatus.class);
    Long generation = vllm.getMetadata().getGeneration();
    List<Condition> before = previous == null ? List.of() : previous.getConditions();
    List<Condition> conditions = new ArrayList<>(status.getConditions());
    replace(
        conditions,
        Conditions.of(
            Conditions.DEGRADED,
            true,
            failure.reason(),
            failure.message(),
            generation,
            before,
            now));
    if (failure.dependents().stream().anyMatch(MONITORING_DEPENDENTS::contains)) {
      replace(
          conditions,
          Conditions.of(
              Conditions.MONITORING_READY,
              false,
              failure.reason(),
              failure.message(),
              generation,
              before,
              now));
    }
    status.setConditions(conditions);
    return status;
  }

  /** Nothing observed yet (the first reconcile failed): Pending, with what the spec says. */
  private static VllmDeploymentStatus initial(VllmDeployment vllm) {
    VllmDeploymentStatus status = new VllmDeploymentStatus();
    status.setPhase(Phase.PENDING);
    if (vllm.getSpec() != null) {
      status.setReplicas(0);
      status.setReadyReplicas(0);
      status.setUpdatedReplicas(0);
      status.setReady("0/" + vllm.getSpec().getReplicas());
      status.setSelector(Labels.selectorString(vllm));
      status.setEndpoint(Names.endpoint(vllm));
    }
    return status;
  }

  private static void replace(List<Condition> conditions, Condition condition) {
    int at = -1;
    for (int i = 0; i < conditions.size(); i++) {
      if (condition.getType().equals(conditions.get(i).getType())) {
        at = i;
      }
    }
    if (at < 0) {
      conditions.add(condition);
    } else {
      conditions.set(at, condition);
    }
  }
}
