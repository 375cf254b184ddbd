package io.vllmoperator.rollout;

import io.vllmoperator.api.v1alpha1.spec.InsufficientGpuPolicy;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.rollout.RolloutDecision.Failure;
import io.vllmoperator.rollout.RolloutDecision.Marker;
import io.vllmoperator.rollout.RolloutDecision.RolloutEvent;
import io.vllmoperator.rollout.RolloutSettings.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * (spec, previous rollout status, observation) -> decision. Pure: everything it remembers is in
 * status.rollout and the ControllerRevisions, so an operator restart decides the same again.
 */
public final class RolloutStateMachine {
  private static final Set<String> ROLLBACK_REASONS =
      Set.of(RolloutState.ROLLING_BACK.reason(), RolloutState.ROLLED_BACK.reason());

  private final RolloutSettings settings;
  private final RolloutStatus previous;
  private final RolloutObservation observed;
  private final String target;
  private final Instant now;
  private final List<RolloutEvent> events = new ArrayList<>();
  private final RolloutStatus next = new RolloutStatus();

  private RolloutStateMachine(
      RolloutSettings settings, RolloutStatus previous, RolloutObservation observed) {
    this.settings = settings;
    this.previous = previous == null ? new RolloutStatus() : previous;
    this.observed = observed;
    this.target = settings.targetRevision();
    this.now = observed.now();
  }

  public static RolloutDecision decide(
      RolloutSettings settings, RolloutStatus previous, RolloutObservation observed) {
    return new RolloutStateMachine(settings, previous, observed).decide();
  }

  private RolloutDecision decide() {
    Optional<String> lastGood =
        Optional.ofNullable(previous.getLastGoodRevision())
            .filter(observed.goodRevisions()::contains)
            .or(observed::newestGood);
    boolean retried =
        settings.retryToken().isPresent()
            && !settings.retryToken().get().equals(previous.getObservedRetry())
            && target.equals(previous.getFailedRevision());
    boolean newTarget = !target.equals(previous.getTargetRevision()) || retried;
    Instant startedAt = newTarget ? now : startedAt(previous).orElse(now);

    next.setTargetRevision(target);
    next.setLastGoodRevision(lastGood.orElse(null));
    next.setStartedAt(startedAt.toString());
    next.setObservedRetry(settings.retryToken().orElse(null));
    next.setRollbackCount(
        previous.getRollbackCount() == null ? 0 : Math.max(0, previous.getRollbackCount()));

    Optional<DeploymentObservation> deployment = observed.deployment();
    if (newTarget && deployment.map(d -> !d.revision().equals(target)).orElse(true)) {
      events.add(
          new RolloutEvent(
              Marker.ROLLOUT_STARTED,
              "rolling out revision "
                  + target
                  + (retried ? " again (retry-rollout annotation)" : "")
                  + lastGood.map(g -> "; last good revision " + g).orElse("")));
    }
    if (deployment.isEmpty()) {
      return decision(
          RolloutState.CREATING, target, settings.strategy(), false, "creating the Deployment");
    }
    DeploymentObservation d = deployment.get();
    if (settings.pauseRequested()) {
      keepFailure();
      String held = applicable(d.revision(), lastGood) ? d.revision() : target;
      return decision(
          RolloutState.PAUSED,
          held,
          d.strategy().maxSurge() < 0 ? settings.strategy() : d.strategy(),
          true,
          "held by the annotation " + RolloutSettings.PAUSE_ANNOTATION + "; remove it to continue");
    }
    if (target.equals(previous.getFailedRevision()) && !retried) {
      keepFailure();
      return afterFailure(d, lastGood, failureOf(previous), false);
    }
    return rollingOut(d, lastGood, startedAt);
  }

  /** The target is known to have failed: go back (or stay back), or stay stopped. */
  private RolloutDecision afterFailure(
      DeploymentObservation d, Optional<String> lastGood, Failure failure, boolean newlyFailed) {
    String failed = "revision " + target + " failed (" + failure.reason() + ")";
    if (lastGood.isEmpty() || lastGood.get().equals(target)) {
      return decision(
          RolloutState.FAILED,
          target,
          settings.strategy(),
          false,
          failed + " and there is no good revision to roll back to: " + failure.message(),
          failure);
    }
    String good = lastGood.get();
    if (!settings.autoRollback()) {
      String held = applicable(d.revision(), lastGood) ? d.revision() : target;
      return decision(
          RolloutState.HALTED,
          held,
          settings.strategy(),
          true,
          failed
              + "; the rollout is stopped (autoRollback is off), pods of "
              + good
              + " keep serving: "
              + failure.message(),
          failure);
    }
    boolean alreadyBack =
        !newlyFailed && RolloutState.ROLLED_BACK.reason().equals(previous.getReason());
    // Counted once: a restart mid-rollback finds RollingBack in the status and goes on.
    if (newlyFailed || !ROLLBACK_REASONS.contains(previous.getReason())) {
      startRollback(good, failure);
    }
    if (alreadyBack || d.completeAt(good, settings.replicas())) {
      if (!alreadyBack) {
        events.add(
            new RolloutEvent(
                Marker.ROLLED_BACK,
                "all "
                    + settings.replicas()
                    + " replicas serve revision "
                    + good
                    + " again; "
                    + failed));
      }
      return decision(
          RolloutState.ROLLED_BACK,
          good,
          settings.strategy(),
          false,
          failed + "; rolled back to " + good + ": " + failure.message(),
          failure);
    }
    return decision(
        RolloutState.ROLLING_BACK,
        good,
        settings.strategy(),
        false,
        failed + "; rolling back to " + good + ": " + failure.message(),
        failure);
  }

  /** The target has not failed (yet): watch its pods, each on its own clock. */
  private RolloutDecision rollingOut(
      DeploymentObservation d, Optional<String> lastGood, Instant startedAt) {
    int replicas = settings.replicas();
    boolean provenGood = lastGood.map(target::equals).orElse(false);
    List<PodObservation> pods = observed.podsOf(target);
    boolean complete =
        replicas == 0
            ? d.revision().equals(target) && d.settled() && d.replicas() == 0
            : d.completeAt(target, replicas);
    boolean waitingForGpus = pods.stream().anyMatch(PodObservation::waitingForGpus);
    Optional<Failure> failure =
        complete ? Optional.empty() : FailurePolicy.firstFailure(pods, settings, now);
    Instant progressed = lastProgress(pods, startedAt);
    if (failure.isEmpty()
        && !complete
        && !provenGood
        && !waitingForGpus
        && Duration.between(progressed, now).compareTo(settings.progressDeadline()) > 0) {
      failure = Optional.of(deadlineExceeded(pods));
    }

    if (failure.isPresent()) {
      return failed(lastGood, provenGood, failure.get());
    }
    if (complete) {
      if (replicas == 0) {
        return decision(
            RolloutState.SCALED_TO_ZERO,
            target,
            settings.strategy(),
            false,
            "scaled to zero; pods will run revision " + target);
      }
      if (!provenGood) {
        next.setLastGoodRevision(target);
        events.add(
            new RolloutEvent(
                Marker.ROLLOUT_SUCCEEDED,
                "all " + replicas + " replicas serve revision " + target + " and are Ready"));
      }
      return new RolloutDecision(
          RolloutState.STABLE,
          target,
          settings.strategy(),
          false,
          "all replicas run revision " + target,
          Optional.empty(),
          status(RolloutState.STABLE, target, "all replicas run revision " + target),
          List.copyOf(events),
          !provenGood,
          Optional.empty());
    }
    Optional<Duration> recheck = recheck(pods, progressed, provenGood);
    String progress = d.updated() + "/" + replicas + " replicas updated, " + d.ready() + " ready";
    if (provenGood && d.revision().equals(target)) {
      if (waitingForGpus) {
        return waitForGpus(progress + "; a new replica cannot get GPUs", recheck);
      }
      return decision(
          RolloutState.SCALING,
          target,
          settings.strategy(),
          false,
          progress + "; new replicas are loading the model",
          Optional.empty(),
          recheck);
    }
    boolean replacing =
        settings.mayReplaceOneAtATime()
            && (waitingForGpus
                || (Strategy.ONE_AT_A_TIME.equals(d.strategy())
                    && !Strategy.ONE_AT_A_TIME.equals(settings.strategy())));
    if (replacing) {
      if (!RolloutState.REPLACING_ONE_AT_A_TIME.reason().equals(previous.getReason())) {
        events.add(
            new RolloutEvent(
                Marker.REPLACING_ONE_AT_A_TIME,
                "no node has free GPUs for a surge pod of revision "
                    + target
                    + ": replacing one old pod at a time (maxSurge 0, maxUnavailable 1)"));
      }
      return decision(
          RolloutState.REPLACING_ONE_AT_A_TIME,
          target,
          Strategy.ONE_AT_A_TIME,
          false,
          progress + "; no free GPUs for a surge pod, replacing one pod at a time",
          Optional.empty(),
          recheck);
    }
    if (waitingForGpus) {
      String why =
          settings.onInsufficientGpus() == InsufficientGpuPolicy.REPLACE_ONE_AT_A_TIME
              ? "; onInsufficientGpus is ReplaceOneAtATime, but replacing the only replica would"
                  + " take the model down (set spec.rollout.maxUnavailable: 1 to allow it)"
              : "; waiting for GPUs (onInsufficientGpus: Wait)";
      return waitForGpus(
          progress + "; a surge pod of revision " + target + " cannot get GPUs" + why, recheck);
    }
    return decision(
        RolloutState.ROLLING_OUT,
        target,
        settings.strategy(),
        false,
        progress,
        Optional.empty(),
        recheck);
  }

  private RolloutDecision failed(Optional<String> lastGood, boolean provenGood, Failure failure) {
    if (provenGood) {
      return decision(
          RolloutState.DEGRADED,
          target,
          settings.strategy(),
          false,
          "revision " + target + " is proven good, but: " + failure.message(),
          failure);
    }
    if (lastGood.isEmpty()) {
      if (!RolloutState.FAILED.reason().equals(previous.getReason())) {
        events.add(
            new RolloutEvent(
                Marker.ROLLOUT_FAILED,
                "revision " + target + " failed (" + failure.reason() + "): " + failure.message()));
      }
      return decision(
          RolloutState.FAILED,
          target,
          settings.strategy(),
          false,
          "revision "
              + target
              + " failed and there is no good revision to roll back to: "
              + failure.message(),
          failure);
    }
    next.setFailedRevision(target);
    next.setFailedReason(failure.reason());
    next.setFailedMessage(failure.message());
    events.add(
        new RolloutEvent(
            Marker.ROLLOUT_FAILED,
            "revision " + target + " failed (" + failure.reason() + "): " + failure.message()));
    // Decided from this observation, so the rollback begins in this reconcile.
    return afterFailure(observed.deployment().orElseThrow(), lastGood, failure, true);
  }

  private void startRollback(String good, Failure failure) {
    next.setRollbackCount(next.getRollbackCount() + 1);
    events.add(
        new RolloutEvent(
            Marker.ROLLING_BACK,
            "rolling back from revision "
                + target
                + " to "
                + good
                + " ("
                + failure.reason()
                + "): "
                + failure.message()));
  }

  private RolloutDecision waitForGpus(String message, Optional<Duration> recheck) {
    if (!RolloutState.WAITING_FOR_GPUS.reason().equals(previous.getReason())) {
      events.add(new RolloutEvent(Marker.WAITING_FOR_GPUS, message));
    }
    return decision(
        RolloutState.WAITING_FOR_GPUS,
        target,
        settings.strategy(),
        false,
        message,
        Optional.empty(),
        recheck);
  }

  private Failure deadlineExceeded(List<PodObservation> pods) {
    Optional<String> cause =
        pods.stream()
            .sorted(Comparator.comparing(PodObservation::name))
            .map(PodObservation::finding)
            .flatMap(Optional::stream)
            .map(f -> f.reason() + ": " + f.message())
            .findFirst();
    return new Failure(
        FailurePolicy.PROGRESS_DEADLINE_EXCEEDED,
        "not all "
            + settings.replicas()
            + " replicas of revision "
            + target
            + " were Ready, and none made progress, within spec.rollout.progressDeadline ("
            + settings.progressDeadline().toMinutes()
            + "m)"
            + cause.map(c -> "; " + c).orElse(""));
  }

  /**
   * As the Deployment controller counts it, a deadline without progress: the clock restarts when a
   * pod of the target gets a node (GPUs freed after a wait) or turns Ready.
   */
  private static Instant lastProgress(List<PodObservation> pods, Instant startedAt) {
    Instant last = startedAt;
    for (PodObservation pod : pods) {
      for (Optional<Instant> at : List.of(pod.scheduledAt(), pod.readySince())) {
        if (at.isPresent() && at.get().isAfter(last)) {
          last = at.get();
        }
      }
    }
    return last;
  }

  /** The soonest clock to look at again: a pod's budget or the progress deadline. */
  private Optional<Duration> recheck(
      List<PodObservation> pods, Instant progressed, boolean provenGood) {
    List<Duration> clocks = new ArrayList<>();
    pods.forEach(p -> FailurePolicy.nextDeadline(p, settings, now).ifPresent(clocks::add));
    if (!provenGood) {
      Duration left = settings.progressDeadline().minus(Duration.between(progressed, now));
      if (!left.isNegative()) {
        clocks.add(left);
      }
    }
    return clocks.stream().min(Comparator.naturalOrder()).map(c -> c.plusSeconds(1));
  }

  /** A revision whose pod template the operator can apply: the spec's, or a kept good one. */
  private boolean applicable(String revision, Optional<String> lastGood) {
    return revision.equals(target)
        || observed.goodRevisions().contains(revision)
        || lastGood.map(revision::equals).orElse(false);
  }

  private void keepFailure() {
    if (target.equals(previous.getFailedRevision())) {
      next.setFailedRevision(previous.getFailedRevision());
      next.setFailedReason(previous.getFailedReason());
      next.setFailedMessage(previous.getFailedMessage());
    }
  }

  private static Failure failureOf(RolloutStatus status) {
    return new Failure(
        Objects.requireNonNullElse(status.getFailedReason(), "RolloutFailed"),
        Objects.requireNonNullElse(status.getFailedMessage(), ""));
  }

  private static Optional<Instant> startedAt(RolloutStatus status) {
    try {
      return Optional.ofNullable(status.getStartedAt()).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private RolloutDecision decision(
      RolloutState state, String served, Strategy strategy, boolean paused, String message) {
    return decision(state, served, strategy, paused, message, Optional.empty(), Optional.empty());
  }

  private RolloutDecision decision(
      RolloutState state,
      String served,
      Strategy strategy,
      boolean paused,
      String message,
      Failure failure) {
    return decision(
        state, served, strategy, paused, message, Optional.of(failure), Optional.empty());
  }

  private RolloutDecision decision(
      RolloutState state,
      String served,
      Strategy strategy,
      boolean paused,
      String message,
      Optional<Failure> failure,
      Optional<Duration> recheck) {
    return new RolloutDecision(
        state,
        served,
        strategy,
        paused,
        message,
        failure,
        status(state, served, message),
        List.copyOf(events),
        false,
        recheck);
  }

  private RolloutStatus status(RolloutState state, String served, String message) {
    next.setServedRevision(served);
    next.setReason(state.reason());
    next.setMessage(message);
    return next;
  }
}
