package io.vllmoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheClaimDiagnosisTest {
  private static final Instant CREATED = Instant.parse("2026-12-02T10:00:00Z");
  private static final Instant SOON = CREATED.plusSeconds(20);
  private static final Instant LATER = CREATED.plusSeconds(190);

  @Test
  void aBoundClaimNeedsNoExplanation() {
    var failed = event("Warning", "ProvisioningFailed", "whatever", 10);

    assertThat(CacheClaimDiagnosis.of(claim("Bound"), List.of(failed), LATER)).isEmpty();
  }

  @Test
  void aStorageClassThatDoesNotExistIsNamedWithTheFieldToFix() {
    // What kube-controller-manager's volume controller records (checked on the local cluster).
    var missing =
        event(
            "Warning",
            "ProvisioningFailed",
            "storageclass.storage.k8s.io \"fast-rwx\" not found",
            5);

    var finding = CacheClaimDiagnosis.of(claim("Pending"), List.of(missing), SOON).orElseThrow();

    assertThat(finding.reason()).isEqualTo("ModelCacheUnbound");
    assertThat(finding.message())
        .startsWith("model cache PersistentVolumeClaim llama-cache is not bound: ")
        .contains("StorageClass \"fast-rwx\" does not exist")
        .contains("spec.model.cache.storageClassName");
  }

  @Test
  void aProvisionersFailureIsQuotedRedactedAndBounded() {
    String message =
        "failed to provision volume with StorageClass \"ssd\": rpc error: code = ResourceExhausted"
            + " desc = quota exceeded, request id 0123456789abcdef0123456789abcdef "
            + "x".repeat(400);
    var failed = event("Warning", "ProvisioningFailed", message, 5);

    var finding = CacheClaimDiagnosis.of(claim("Pending"), List.of(failed), SOON).orElseThrow();

    assertThat(finding.message())
        .contains("ProvisioningFailed: failed to provision volume with StorageClass \"ssd\"")
        .contains("quota exceeded")
        .doesNotContain("0123456789abcdef0123456789abcdef")
        .endsWith("...");
    assertThat(finding.message().length()).isLessThanOrEqualTo(303);
  }

  @Test
  void noStorageClassAndNoDefaultIsAFailureThoughRecordedAsNormal() {
    var failed =
        event(
            "Normal",
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
            5);

    var finding = CacheClaimDiagnosis.of(claim("Pending"), List.of(failed), SOON).orElseThrow();

    assertThat(finding.message())
        .contains("FailedBinding: no persistent volumes available for this claim");
  }

  @Test
  void waitForFirstConsumerIsNotAFailure() {
    var waiting =
        event(
            "Normal",
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding",
            5);

    assertThat(CacheClaimDiagnosis.of(claim("Pending"), List.of(waiting), LATER)).isEmpty();
  }

  @Test
  void theNewestEventCounts() {
    var failedEarlier = event("Warning", "ProvisioningFailed", "storage backend down", 5);
    var waitingNow = event("Normal", "WaitForFirstConsumer", "waiting for first consumer", 60);

    assertThat(CacheClaimDiagnosis.of(claim("Pending"), List.of(waitingNow, failedEarlier), LATER))
        .isEmpty();
    assertThat(
            CacheClaimDiagnosis.of(
                claim("Pending"),
                List.of(failedEarlier, event("Normal", "WaitForFirstConsumer", "w", 1)),
                LATER))
        .get()
        .extracting(PodDiagnosis.Finding::message)
        .asString()
        .contains("storage backend down");
  }

  @Test
  void aProvisionerStillWorkingIsReportedOnlyWhenItLasts() {
    var external =
        event(
            "Normal",
            "ExternalProvisioning",
            "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com'"
                + " or manually by the system administrator",
            5);

    assertThat(CacheClaimDiagnosis.of(claim("Pending"), List.of(external), SOON)).isEmpty();
    assertThat(CacheClaimDiagnosis.of(claim("Pending"), List.of(external), LATER))
        .get()
        .extracting(PodDiagnosis.Finding::message)
        .asString()
        .contains("Pending for 3m, ExternalProvisioning: Waiting for a volume")
        .contains("ebs.csi.aws.com");
  }

  @Test
  void aClaimPendingLongWithoutAnyEventSaysWhereToLook() {
    assertThat(CacheClaimDiagnosis.of(claim("Pending"), List.of(), SOON)).isEmpty();
    assertThat(CacheClaimDiagnosis.of(claim("Pending"), List.of(), LATER))
        .get()
        .extracting(PodDiagnosis.Finding::message)
        .asString()
        .contains("no provisioner has said why (kubectl describe pvc llama-cache)");
  }

  @Test
  void eventsWrittenThroughEventsK8sIoCarryOnlyAnEventTime() {
    var failed =
        new EventBuilder()
            .withType("Warning")
            .withReason("ProvisioningFailed")
            .withMessage("newer")
            .withNewEventTime(CREATED.plusSeconds(30).toString())
            .build();
    var older = event("Warning", "ProvisioningFailed", "older", 10);

    assertThat(CacheClaimDiagnosis.of(claim("Pending"), List.of(failed, older), LATER))
        .get()
        .extracting(PodDiagnosis.Finding::message)
        .asString()
        .contains("newer");
  }

  static PersistentVolumeClaim claim(String phase) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("llama-cache")
        .withNamespace("llm")
        .withUid("uid-1")
        .withCreationTimestamp(CREATED.toString())
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private static Event event(String type, String reason, String message, int secondsAfter) {
    return new EventBuilder()
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withLastTimestamp(CREATED.plusSeconds(secondsAfter).toString())
        .build();
  }
}
