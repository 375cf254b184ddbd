package io.vllmoperator.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.status.ReconcileFailure;
import io.vllmoperator.status.StatusEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the log and the object's Events about failing reconciles, once per distinct failure: the
 * first attempt that fails for a reason writes one log line and one Warning Event; retries that
 * fail the same way write nothing until {@link #REPEAT_WINDOW} has passed, then one line with the
 * number of attempts and a bump of the same Event. The stack trace is logged at debug level.
 */
final class FailureReporter {
  private static final Logger LOG = LoggerFactory.getLogger(VllmDeploymentReconciler.class);
  static final Duration REPEAT_WINDOW = Duration.ofMinutes(10);

  private record Reported(ReconcileFailure failure, Instant at, int repeats) {}

  private final Map<ResourceID, Reported> reported = new ConcurrentHashMap<>();

  /**
   * Logs a failed attempt, unless it repeats a failure reported within the window.
   *
   * @return the Warning Event to record, if this attempt is reported
   */
  Optional<StatusEvents.StatusEvent> failed(
      VllmDeployment vllm, ReconcileFailure failure, Exception error, Instant now) {
    ResourceID id = ResourceID.fromResource(vllm);
    LOG.debug("{}: reconcile failed", describe(id), error);
    Reported last = reported.get(id);
    boolean same = last != null && Objects.equals(last.failure(), failure);
    if (same && now.isBefore(last.at().plus(REPEAT_WINDOW))) {
      reported.put(id, new Reported(failure, last.at(), last.repeats() + 1));
      return Optional.empty();
    }
    reported.put(id, new Reported(failure, now, 0));
    LOG.warn(
        "{}: {}: {}{}",
        describe(id),
        failure.reason(),
        failure.message(),
        same ? " (failed " + last.repeats() + " more times since " + last.at() + ")" : "");
    return Optional.of(
        new StatusEvents.StatusEvent("Warning", failure.reason(), failure.message()));
  }

  /** A reconcile succeeded: if it had been failing, say so once. */
  boolean succeeded(VllmDeployment vllm) {
    ResourceID id = ResourceID.fromResource(vllm);
    Reported last = reported.remove(id);
    if (last != null) {
      LOG.info("{}: reconciled again after {}", describe(id), last.failure().reason());
    }
    return last != null;
  }

  static String describe(ResourceID id) {
    return id.getNamespace().map(ns -> ns + "/").orElse("") + id.getName();
  }
}
