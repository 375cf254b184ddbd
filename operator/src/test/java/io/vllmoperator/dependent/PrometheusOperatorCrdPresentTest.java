package io.vllmoperator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition.CRDCheckState;
import io.javaoperatorsdk.operator.processing.dependent.workflow.DetailedCondition;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * JOSDK 5.2.3's CRDPresentActivationCondition stops looking after 10 checks and never looks at a
 * present CRD again; ours keeps looking, at most once per interval, so a CRD installed later, or
 * deleted and reinstalled, is picked up without a restart.
 */
class PrometheusOperatorCrdPresentTest {
  private static final Duration INTERVAL = Duration.ofSeconds(20);

  @Test
  void checksOnceBeforeAnythingIsKnown() {
    assertThat(condition(Duration.ZERO).shouldCheckStateNow(new CRDCheckState())).isTrue();
  }

  @Test
  void aMissingCrdIsLookedUpAgainAfterTheIntervalHoweverOftenItWasMissing() {
    CRDCheckState missing = new CRDCheckState();
    for (int i = 0; i < 50; i++) {
      missing.checkedNow(false);
    }

    assertThat(condition(Duration.ZERO).shouldCheckStateNow(missing)).isFalse();
    assertThat(condition(INTERVAL.minusSeconds(1)).shouldCheckStateNow(missing)).isFalse();
    assertThat(condition(INTERVAL.plusSeconds(1)).shouldCheckStateNow(missing)).isTrue();
  }

  @Test
  void aPresentCrdIsLookedUpAgainAfterTheIntervalSoADeletionIsNoticed() {
    CRDCheckState present = new CRDCheckState();
    present.checkedNow(true);

    assertThat(condition(INTERVAL.minusSeconds(1)).shouldCheckStateNow(present)).isFalse();
    assertThat(condition(INTERVAL.plusSeconds(1)).shouldCheckStateNow(present)).isTrue();
  }

  @Test
  void itsAnswerIsReadableFromTheWorkflowResult() {
    assertThat(DetailedCondition.class)
        .isAssignableFrom(ServiceMonitorDependentResource.CrdPresent.class)
        .isAssignableFrom(PrometheusRuleDependentResource.CrdPresent.class);
  }

  /** A condition whose clock is {@code ahead} of now. */
  private static PrometheusOperatorCrdPresent<?> condition(Duration ahead) {
    return new PrometheusOperatorCrdPresent<>(
        Clock.offset(Clock.systemDefaultZone(), ahead), INTERVAL);
  }
}
