package io.vllmoperator.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.monitoring.ArgoCdHealth.Verdict;
import io.vllmoperator.status.Conditions;
import java.util.Objects;

/**
 * What docs/argocd.md's table says Argo CD shows for a status, written from the table, not from the
 * Lua script, so that a live status the script misreads is caught.
 */
final class ArgoCdExpectations {
  private ArgoCdExpectations() {}

  static Verdict of(VllmDeployment vllm) {
    VllmDeploymentStatus status = vllm.getStatus();
    if (status == null || status.getPhase() == null) {
      return new Verdict("Progressing", "Waiting for the operator to reconcile");
    }
    Long generation = vllm.getMetadata().getGeneration();
    if (generation != null
        && (status.getObservedGeneration() == null
            || status.getObservedGeneration() < generation)) {
      return new Verdict(
          "Progressing", "Waiting for the operator to reconcile generation " + generation);
    }
    String progressingReason = reason(status, Conditions.PROGRESSING);
    if ("False".equals(conditionStatus(status, Conditions.PROGRESSING))
        && "Paused".equals(progressingReason)) {
      return new Verdict("Suspended", message(status, Conditions.PROGRESSING));
    }
    return switch (status.getPhase()) {
      case READY -> new Verdict("Healthy", message(status, "Available"));
      case PENDING, PROGRESSING, SCALING ->
          new Verdict(
              "Progressing",
              "InsufficientGpus".equals(progressingReason)
                  ? "Waiting for GPUs: " + message(status, Conditions.PROGRESSING)
                  : message(status, Conditions.PROGRESSING));
      case SCALED_TO_ZERO -> new Verdict("Suspended", "Scaled to zero (spec.replicas is 0)");
      case ROLLING_BACK ->
          new Verdict(
              "Degraded",
              "Rollback under way from failed revision "
                  + status.getRollout().getFailedRevision()
                  + " to "
                  + status.getRollout().getLastGoodRevision()
                  + ": "
                  + message(status, "Degraded"));
      case ROLLED_BACK -> new Verdict("Degraded", message(status, "RolledBack"));
      case DEGRADED, FAILED -> new Verdict("Degraded", message(status, "Degraded"));
    };
  }

  private static Condition condition(VllmDeploymentStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElse(null);
  }

  private static String conditionStatus(VllmDeploymentStatus status, String type) {
    Condition c = condition(status, type);
    return c == null ? null : c.getStatus();
  }

  private static String reason(VllmDeploymentStatus status, String type) {
    Condition c = condition(status, type);
    return c == null ? null : c.getReason();
  }

  /** The condition's message; the live statuses always carry one, so none is a failure. */
  private static String message(VllmDeploymentStatus status, String type) {
    Condition c = condition(status, type);
    return Objects.requireNonNull(
        c == null ? null : c.getMessage(), "no message on condition " + type + " of " + status);
  }
}
