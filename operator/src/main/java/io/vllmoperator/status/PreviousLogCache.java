package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each crash's previous log, read once. An entry is keyed by pod UID and container and remembers
 * the restart count it was read at; only a new crash (a higher restart count) reads again. A failed
 * read is remembered as "no log" too, so a kubelet that cannot serve logs costs one request per
 * crash, never one per reconcile, and the diagnosis falls back to the termination message.
 */
public final class PreviousLogCache {
  /** A container's previous log as the API server serves it; throws when it cannot. */
  @FunctionalInterface
  public interface Reader {
    String previousLog(Pod pod, String container);
  }

  /** The pod an entry belongs to, to tell whether it still exists. */
  public record PodRef(String namespace, String name, String uid) {}

  private record Key(PodRef pod, String container) {}

  private record Entry(int restartCount, Optional<String> log) {}

  /** Failures are expected (RBAC, a dead node); one warning per interval is enough. */
  static final Duration WARN_INTERVAL = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(PreviousLogCache.class);

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private volatile Instant lastWarning = Instant.MIN;

  public PreviousLogCache(Clock clock) {
    this.clock = clock;
  }

  /** The cached logs, reading with {@code reader} what is not cached yet. */
  public PreviousLogs reading(Reader reader) {
    return (pod, container) -> of(pod, container, reader);
  }

  /** Forgets the logs of pods that {@code exists} no longer knows (deleted, or re-created). */
  public void evictUnless(Predicate<PodRef> exists) {
    entries.keySet().removeIf(key -> !exists.test(key.pod()));
  }

  int size() {
    return entries.size();
  }

  private Optional<String> of(Pod pod, String container, Reader reader) {
    Optional<ContainerStatus> status = crashed(pod, container);
    if (status.isEmpty()) {
      return Optional.empty(); // never terminated: there is no previous log to read
    }
    int restarts = Optional.ofNullable(status.get().getRestartCount()).orElse(0);
    Key key = new Key(ref(pod), container);
    Entry cached = entries.get(key);
    if (cached != null && cached.restartCount() == restarts) {
      return cached.log();
    }
    Entry read = new Entry(restarts, read(pod, container, reader));
    entries.put(key, read);
    return read.log();
  }

  private Optional<String> read(Pod pod, String container, Reader reader) {
    try {
      return Optional.ofNullable(reader.previousLog(pod, container)).filter(s -> !s.isBlank());
    } catch (RuntimeException e) {
      String message =
          "cannot read the previous log of {}/{} container {}, using its termination message: {}";
      Instant now = clock.instant();
      if (now.isAfter(lastWarning.plus(WARN_INTERVAL))) {
        lastWarning = now;
        LOG.warn(message, namespace(pod), name(pod), container, why(e));
      } else {
        LOG.debug(message, namespace(pod), name(pod), container, why(e));
      }
      return Optional.empty();
    }
  }

  /** The API server's answer (code and message), not fabric8's whole request dump. */
  private static String why(RuntimeException e) {
    if (e instanceof KubernetesClientException k && k.getStatus() != null) {
      return k.getCode() + " " + k.getStatus().getMessage();
    }
    return e.toString();
  }

  private static Optional<ContainerStatus> crashed(Pod pod, String container) {
    List<ContainerStatus> statuses =
        pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    if (statuses == null || pod.getMetadata().getUid() == null) {
      return Optional.empty();
    }
    return statuses.stream()
        .filter(s -> container.equals(s.getName()))
        .filter(s -> s.getLastState() != null && s.getLastState().getTerminated() != null)
        .findFirst();
  }

  private static PodRef ref(Pod pod) {
    return new PodRef(namespace(pod), name(pod), pod.getMetadata().getUid());
  }

  private static String namespace(Pod pod) {
    return pod.getMetadata().getNamespace();
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getName();
  }
}
