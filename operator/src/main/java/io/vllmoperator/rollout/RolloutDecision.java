package io.vllmoperator.rollout;

import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.rollout.RolloutSettings.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
    // Not Pending: the "(none) -> Pending" Event of a new VllmDeployment starts its chain of
    // phase Events, by which a reconcile that read a stale status shows (MonitoringCrdIT).
    ROLLOUT_STARTED("RolloutStarted", false, Set.of(Phase.PROGRESSING)),
    ROLLOUT_SUCCEEDED("RolloutSucceeded", false, Set.of(Phase.READY)),
    ROLLOUT_FAILED("RolloutFailed", true, Set.of()),
    ROLLING_BACK("RollingBack", true, Set.of(Phase.ROLLING_BACK)),
    ROLLED_BACK("RolledBack", false, Set.of(Phase.ROLLED_BACK)),
    WAITING_FOR_GPUS("WaitingForGpus", true, Set.of()),
    REPLACING_ONE_AT_A_TIME("ReplacingOneAtATime", false, Set.of());

    private final String reason;
    private final boolean warning;
    private final Set<Phase> announces;

    Marker(String reason, boolean warning, Set<Phase> announces) {
      this.reason = reason;
      this.warning = warning;
      this.announces = announces;
    }

    /**
     * The phases this marker's Event already announces: a phase Event to one of them in the same
     * reconcile would say the same thing twice (one write less per rollout step).
     */
    public Set<Phase> announces() {
      return announces;
    }

    public String reason() {
      return reason;
    }

    public boolean warning() {
      return warning;
    }
  }
}
