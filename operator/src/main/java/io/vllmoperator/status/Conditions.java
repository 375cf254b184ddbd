package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Condition types and the rule that a condition's transition time moves only on a change. */
public final class Conditions {
  public static final String AVAILABLE = "Available";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String MONITORING_READY = "MonitoringReady";
  public static final String ROLLED_BACK = "RolledBack";

  private Conditions() {}

  /**
   * A condition of the new status; it keeps the previous lastTransitionTime while its status is
   * unchanged, so a reconcile that observes nothing new writes nothing.
   */
  public static Condition of(
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      List<Condition> previous,
      Instant now) {
    String value = status ? "True" : "False";
    String since =
        find(previous, type)
            .filter(old -> value.equals(old.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(now.toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  public static java.util.Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return java.util.Optional.empty();
    }
    return conditions.stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
  }
}
