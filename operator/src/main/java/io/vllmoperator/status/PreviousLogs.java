package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/**
 * The log of a container's previous (terminated) run. vLLM's root cause is often far above the last
 * lines that Kubernetes keeps as the termination message, so the diagnosis reads the whole log when
 * it can.
 */
@FunctionalInterface
public interface PreviousLogs {
  /** No logs at hand (offline, or not read yet): the diagnosis uses the termination message. */
  PreviousLogs NONE = (pod, container) -> Optional.empty();

  Optional<String> of(Pod pod, String container);
}
