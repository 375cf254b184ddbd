package io.vllmoperator.reconciler;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.status.ReconcileFailure;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Retries that fail the same way are reported once per window, not once per attempt. */
class FailureReporterTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final ReconcileFailure REFUSED =
      new ReconcileFailure(ReconcileFailure.API_SERVER_REFUSED, "the API server refused ...");
  private static final ReconcileFailure DOWN =
      new ReconcileFailure(ReconcileFailure.API_SERVER_UNAVAILABLE, "could not be reached");

  private final FailureReporter reporter = new FailureReporter();
  private final VllmDeployment vllm = vllm("llama", "model: {name: m}");

  @Test
  void theFirstFailureIsReportedWithAWarningEvent() {
    assertThat(reporter.failed(vllm, REFUSED, null, T0))
        .hasValueSatisfying(
            e -> {
              assertThat(e.type()).isEqualTo("Warning");
              assertThat(e.reason()).isEqualTo(REFUSED.reason());
              assertThat(e.message()).isEqualTo(REFUSED.message());
            });
  }

  @Test
  void retriesFailingTheSameWayAreSilentUntilTheWindowPasses() {
    reporter.failed(vllm, REFUSED, null, T0);

    for (int second = 2; second < FailureReporter.REPEAT_WINDOW.toSeconds(); second *= 2) {
      assertThat(reporter.failed(vllm, REFUSED, null, T0.plusSeconds(second))).isEmpty();
    }
    assertThat(reporter.failed(vllm, REFUSED, null, T0.plus(FailureReporter.REPEAT_WINDOW)))
        .isPresent();
  }

  @Test
  void aDifferentFailureIsReportedAtOnce() {
    reporter.failed(vllm, REFUSED, null, T0);

    assertThat(reporter.failed(vllm, DOWN, null, T0.plusSeconds(1))).isPresent();
  }

  @Test
  void otherObjectsAreReportedOnTheirOwn() {
    reporter.failed(vllm, REFUSED, null, T0);

    assertThat(reporter.failed(vllm("other", "model: {name: m}"), REFUSED, null, T0)).isPresent();
  }

  @Test
  void aSuccessEndsTheEpisodeSoTheNextFailureIsReportedAgain() {
    reporter.failed(vllm, REFUSED, null, T0);

    assertThat(reporter.succeeded(vllm)).isTrue();
    assertThat(reporter.succeeded(vllm)).as("said once").isFalse();
    assertThat(reporter.failed(vllm, REFUSED, null, T0.plusSeconds(5))).isPresent();
  }
}
