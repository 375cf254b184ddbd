package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Kubernetes Events a status change deserves: one per phase change (unless a rollout marker
 * announces it) or new trouble.
 */
public final class StatusEvents {
  /** An Event to record: Normal or Warning, a CamelCase reason, a sentence. */
  public record StatusEvent(String type, String reason, String message) {}

  private StatusEvents() {}

  public static List<StatusEvent> between(VllmDeploymentStatus before, VllmDeploymentStatus after) {
    return between(before, after, Set.of());
  }

  /**
   * @param announced phases whose change a rollout marker Event of the same reconcile already
   *     announces (RolloutStarted: Progressing, RolloutSucceeded: Ready, ...): no phase Event then
   */
  public static List<StatusEvent> between(
      VllmDeploymentStatus before, VllmDeploymentStatus after, Set<Phase> announced) {
    List<StatusEvent> events = new ArrayList<>();
    var oldPhase = before == null ? null : before.getPhase();
    if (after.getPhase() != oldPhase && !announced.contains(after.getPhase())) {
      boolean bad =
          switch (after.getPhase()) {
            case DEGRADED, FAILED, ROLLING_BACK -> true;
            default -> false;
          };
      events.add(
          new StatusEvent(
              bad ? "Warning" : "Normal",
              "Phase" + after.getPhase().value(),
              "phase "
                  + (oldPhase == null ? "(none)" : oldPhase.value())
                  + " -> "
                  + after.getPhase().value()
                  + ": "
                  + explanation(after)));
    }
    Condition degraded = Conditions.find(after.getConditions(), Conditions.DEGRADED).orElse(null);
    Condition wasDegraded =
        before == null
            ? null
            : Conditions.find(before.getConditions(), Conditions.DEGRADED).orElse(null);
    boolean newTrouble =
        degraded != null
            && "True".equals(degraded.getStatus())
            && (wasDegraded == null
                || !"True".equals(wasDegraded.getStatus())
                || !Objects.equals(wasDegraded.getReason(), degraded.getReason()));
    if (newTrouble) {
      events.add(new StatusEvent("Warning", degraded.getReason(), degraded.getMessage()));
    }
    return events;
  }

  private static String explanation(VllmDeploymentStatus status) {
    List<String> parts = new ArrayList<>();
    for (Condition condition : status.getConditions()) {
      // Available always; any other condition only when it is True.
      if (Conditions.AVAILABLE.equals(condition.getType())
          || "True".equals(condition.getStatus())) {
        parts.add(
            condition.getType() + "=" + condition.getStatus() + " (" + condition.getReason() + ")");
      }
    }
    return String.join(", ", parts) + "; ready " + status.getReady();
  }
}
