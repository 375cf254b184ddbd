package io.vllmoperator.rollout;

import io.vllmoperator.rollout.RolloutDecision.Failure;
import io.vllmoperator.status.PodDiagnosis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * When a pod of a new revision counts as failed, each cause on its own clock, like an analysis run:
 * a cause vLLM will hit again on every start fails the revision on the first crash; any other crash
 * only after {@link #CRASH_RESTARTS} restarts, so one transient restart does not roll back.
 */
final class FailurePolicy {
  /** Causes a restart cannot fix: same model, same flags, same GPU type, same crash. */
  static final Set<String> DETERMINISTIC =
      Set.of(
          "UnrecognizedArguments",
          "ModelNotFound",
          "ModelAccessDenied",
          "InvalidRevision",
          "UnsupportedDtypeOrQuantization",
          "MaxModelLenTooLarge",
          "KvCacheTooSmall",
          "TensorParallelMismatch",
          "CudaOutOfMemory");

  static final int CRASH_RESTARTS = 3;

  static final String STARTUP_TIMEOUT = "StartupTimeout";
  static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

  /** The kubelet's waiting reasons that an operator may wait out for a while. */
  private static final Set<String> WAITING_OUT =
      Set.of(
          "ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError", "CreateContainerError");

  private FailurePolicy() {}

  /** The first failed pod of {@code pods}, by name. */
  static Optional<Failure> firstFailure(
      List<PodObservation> pods, RolloutSettings settings, Instant now) {
    return pods.stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .map(p -> failure(p, settings, now))
        .flatMap(Optional::stream)
        .findFirst();
  }

  static Optional<Failure> failure(PodObservation pod, RolloutSettings settings, Instant now) {
    if (pod.ready()) {
      return Optional.empty();
    }
    Optional<PodDiagnosis.Finding> finding = pod.finding();
    if ("InvalidImageName".equals(pod.waitingReason())) {
      return finding.map(FailurePolicy::failure);
    }
    if (WAITING_OUT.contains(pod.waitingReason())
        && finding.isPresent()
        && elapsed(pod, now).compareTo(settings.imagePullGrace()) > 0) {
      return finding.map(FailurePolicy::failure);
    }
    if (finding.isPresent() && crashed(finding.get(), pod)) {
      int limit = DETERMINISTIC.contains(finding.get().reason()) ? 1 : CRASH_RESTARTS;
      if (pod.restarts() >= limit) {
        return finding.map(FailurePolicy::failure);
      }
    }
    if (pod.scheduledAt().isPresent()
        && Duration.between(pod.scheduledAt().get(), now).compareTo(settings.startupTimeout())
            > 0) {
      return Optional.of(
          new Failure(
              STARTUP_TIMEOUT,
              "pod "
                  + pod.name()
                  + " did not pass /health within spec.rollout.startupTimeout ("
                  + settings.startupTimeout().toMinutes()
                  + "m)"
                  + finding.map(f -> "; " + f.message()).orElse("")));
    }
    return Optional.empty();
  }

  /**
   * How long until {@code pod}'s next clock (image pull grace, startup budget) runs out, if one is
   * running.
   */
  static Optional<Duration> nextDeadline(
      PodObservation pod, RolloutSettings settings, Instant now) {
    if (pod.ready() || pod.scheduledAt().isEmpty()) {
      return Optional.empty();
    }
    Duration elapsed = elapsed(pod, now);
    Duration budget =
        WAITING_OUT.contains(pod.waitingReason())
            ? settings.imagePullGrace()
            : settings.startupTimeout();
    Duration left = budget.minus(elapsed);
    return left.isNegative() ? Optional.empty() : Optional.of(left);
  }

  /** A finding from a container that terminated, not one about scheduling or pulling. */
  private static boolean crashed(PodDiagnosis.Finding finding, PodObservation pod) {
    return pod.restarts() > 0 && !PodDiagnosis.BEFORE_START.contains(finding.reason());
  }

  private static Duration elapsed(PodObservation pod, Instant now) {
    return Duration.between(pod.scheduledAt().orElse(pod.createdAt()), now);
  }

  private static Failure failure(PodDiagnosis.Finding finding) {
    return new Failure(finding.reason(), finding.message());
  }
}
