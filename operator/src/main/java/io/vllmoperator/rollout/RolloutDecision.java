package io.vllmoperator.rollout;

import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.rollout.RolloutSettings.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What to apply and what to report, decided before anything is applied.
 *
 * @param servedRevision the revision whose pod template the Deployment gets: the target, or the
 *     last good one during and after a rollback
 * @param failure why the target (or a pod of it) failed, for the Degraded and RolledBack conditions
 * @param recordGood the target just proved good: keep its template in a ControllerRevision
 * @param recheckAfter when a clock (startup budget, image pull grace, progress deadline) runs out
 */
public record RolloutDecision(
    RolloutState state,
    String servedRevision,
    Strategy strategy,
    boolean paused,
    String message,
    Optional<Failure> failure,
    RolloutStatus rollout,
    List<RolloutEvent> events,
    boolean recordGood,
    Optional<Duration> recheckAfter) {

  /** A root cause: a CamelCase reason and the sentence that explains it. */
  public record Failure(String reason, String message) {}

  /** A marker and its sentence. */
  public record RolloutEvent(Marker marker, String message) {}

  /** A rollout event worth an Event, a log line and a metric. */
  public enum Marker {
    ROLLOUT_STARTED("RolloutStarted", false),
    ROLLOUT_SUCCEEDED("RolloutSucceeded", false),
    ROLLOUT_FAILED("RolloutFailed", true),
    ROLLING_BACK("RollingBack", true),
    ROLLED_BACK("RolledBack", false),
    WAITING_FOR_GPUS("WaitingForGpus", true),
    REPLACING_ONE_AT_A_TIME("ReplacingOneAtATime", false);

    private final String reason;
    private final boolean warning;

    Marker(String reason, boolean warning) {
      this.reason = reason;
      this.warning = warning;
    }

    public String reason() {
      return reason;
    }

    public boolean warning() {
      return warning;
    }
  }
}
