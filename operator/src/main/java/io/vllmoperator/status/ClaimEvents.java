package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Events of a Pending model cache claim, read through the API server at most once per {@link
 * #REFRESH} per claim, and never for a claim that is bound. Events are not watched: they are many,
 * and only a claim that stays Pending needs them. A failed read counts as "no Events" until the
 * next refresh, with one warning per {@link #WARN_INTERVAL}.
 */
public final class ClaimEvents {
  /** The claim's Events as the API server lists them; throws when it cannot. */
  @FunctionalInterface
  public interface Reader {
    List<Event> eventsOf(PersistentVolumeClaim claim);
  }

  /** Also how often a reconcile is asked for while a claim is Pending (see the reconciler). */
  public static final Duration REFRESH = Duration.ofSeconds(30);

  static final Duration WARN_INTERVAL = Duration.ofMinutes(10);

  /** Entries of claims not seen for this long (deleted while Pending) are dropped. */
  private static final Duration FORGET_AFTER = REFRESH.multipliedBy(20);

  private static final Logger LOG = LoggerFactory.getLogger(ClaimEvents.class);

  private record Entry(Instant readAt, List<Event> events) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private volatile Instant lastWarning = Instant.MIN;

  public ClaimEvents(Clock clock) {
    this.clock = clock;
  }

  /** Why the claim is not bound, from its Events ({@link CacheClaimDiagnosis}). */
  public Optional<PodDiagnosis.Finding> explain(PersistentVolumeClaim claim, Reader reader) {
    return CacheClaimDiagnosis.of(claim, of(claim, reader), clock.instant());
  }

  /** The claim's Events while it is Pending, reading with {@code reader} when due; else none. */
  public List<Event> of(PersistentVolumeClaim claim, Reader reader) {
    Instant now = clock.instant();
    entries.values().removeIf(e -> e.readAt().plus(FORGET_AFTER).isBefore(now));
    String uid = claim.getMetadata().getUid();
    if (uid == null || !CacheClaimDiagnosis.pending(claim)) {
      if (uid != null) {
        entries.remove(uid);
      }
      return List.of();
    }
    Entry cached = entries.get(uid);
    if (cached != null && now.isBefore(cached.readAt().plus(REFRESH))) {
      return cached.events();
    }
    Entry read = new Entry(now, read(claim, reader, now));
    entries.put(uid, read);
    return read.events();
  }

  int size() {
    return entries.size();
  }

  private List<Event> read(PersistentVolumeClaim claim, Reader reader, Instant now) {
    try {
      return List.copyOf(reader.eventsOf(claim));
    } catch (RuntimeException e) {
      String message = "cannot list the Events of PersistentVolumeClaim {}/{}: {}";
      Object[] args = {claim.getMetadata().getNamespace(), claim.getMetadata().getName(), why(e)};
      if (now.isAfter(lastWarning.plus(WARN_INTERVAL))) {
        lastWarning = now;
        LOG.warn(message, args);
      } else {
        LOG.debug(message, args);
      }
      return List.of();
    }
  }

  private static String why(RuntimeException e) {
    if (e instanceof KubernetesClientException k && k.getStatus() != null) {
      return k.getCode() + " " + k.getStatus().getMessage();
    }
    return e.toString();
  }
}
