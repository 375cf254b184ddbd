package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why the model cache claim the operator created stays Pending, from the Events the volume
 * controller and provisioners record on it. Otherwise the pods only say "pod has unbound immediate
 * PersistentVolumeClaims". Pure: the Events are read by the caller ({@link ClaimEvents}).
 */
public final class CacheClaimDiagnosis {
  public static final String REASON = "ModelCacheUnbound";

  /** Failures that do not heal by waiting. FailedBinding is recorded as a Normal Event. */
  private static final Set<String> FAILURES = Set.of("ProvisioningFailed", "FailedBinding");

  /** Normal while a provisioner works; worth reporting only when it lasts. */
  private static final Set<String> WAITING = Set.of("ExternalProvisioning", "Provisioning");

  /** WaitForFirstConsumer: binding waits until a pod is scheduled, which is not a failure. */
  private static final String FIRST_CONSUMER = "WaitForFirstConsumer";

  /** How long provisioning may take before a Pending claim is reported. */
  static final Duration PROVISIONING_GRACE = Duration.ofMinutes(2);

  private static final Pattern MISSING_CLASS =
      Pattern.compile("storageclass\\.storage\\.k8s\\.io \"([^\"]*)\" not found");

  private static final int MAX_MESSAGE = 300;

  private CacheClaimDiagnosis() {}

  /**
   * @param events Events whose involvedObject is the claim
   * @return a finding while the claim is Pending for a reason a user can act on
   */
  public static Optional<PodDiagnosis.Finding> of(
      PersistentVolumeClaim claim, Collection<Event> events, Instant now) {
    if (!pending(claim)) {
      return Optional.empty();
    }
    String name = claim.getMetadata().getName();
    Optional<Event> latest =
        events.stream()
            .filter(e -> e.getReason() != null)
            .max(Comparator.comparing(CacheClaimDiagnosis::lastSeen));
    if (latest.isPresent() && FIRST_CONSUMER.equals(latest.get().getReason())) {
      return Optional.empty(); // the pods' own finding says why none is scheduled
    }
    if (latest.isPresent() && FAILURES.contains(latest.get().getReason())) {
      return Optional.of(finding(name, explain(latest.get())));
    }
    if (pendingFor(claim, now).compareTo(PROVISIONING_GRACE) < 0) {
      return Optional.empty();
    }
    String since = " for " + pendingFor(claim, now).toMinutes() + "m";
    return Optional.of(
        finding(
            name,
            latest
                .filter(e -> WAITING.contains(e.getReason()))
                .map(e -> "Pending" + since + ", " + e.getReason() + ": " + clean(e.getMessage()))
                .orElse(
                    "Pending"
                        + since
                        + " and no provisioner has said why (kubectl describe pvc "
                        + name
                        + ")")));
  }

  /** No phase yet counts as Pending: a claim just created. */
  public static boolean pending(PersistentVolumeClaim claim) {
    return claim.getStatus() == null
        || claim.getStatus().getPhase() == null
        || "Pending".equals(claim.getStatus().getPhase());
  }

  private static PodDiagnosis.Finding finding(String claim, String why) {
    return new PodDiagnosis.Finding(
        REASON, bounded("model cache PersistentVolumeClaim " + claim + " is not bound: " + why));
  }

  private static String explain(Event event) {
    String message = clean(event.getMessage());
    Matcher missing = MISSING_CLASS.matcher(message);
    if (missing.find()) {
      return "StorageClass \""
          + missing.group(1)
          + "\" does not exist; set spec.model.cache.storageClassName to one that does"
          + " (kubectl get storageclass)";
    }
    return event.getReason() + ": " + message;
  }

  /** Provisioner messages can quote cloud API errors; they get the same care as log text. */
  private static String clean(String message) {
    return message == null ? "" : SecretRedactor.redact(message.strip().replaceAll("\\s+", " "));
  }

  private static String bounded(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
  }

  private static Duration pendingFor(PersistentVolumeClaim claim, Instant now) {
    String created = claim.getMetadata().getCreationTimestamp();
    return created == null ? Duration.ZERO : Duration.between(Instant.parse(created), now);
  }

  /** core/v1 Events carry lastTimestamp; those written through events.k8s.io/v1 an eventTime. */
  private static Instant lastSeen(Event event) {
    if (event.getSeries() != null && event.getSeries().getLastObservedTime() != null) {
      return parse(event.getSeries().getLastObservedTime().getTime());
    }
    if (event.getLastTimestamp() != null) {
      return parse(event.getLastTimestamp());
    }
    if (event.getEventTime() != null) {
      return parse(event.getEventTime().getTime());
    }
    return parse(event.getMetadata() == null ? null : event.getMetadata().getCreationTimestamp());
  }

  private static Instant parse(String time) {
    try {
      return time == null ? Instant.EPOCH : Instant.parse(time);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }
}
