package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vllmoperator.leader.Leadership;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LeadershipMetricsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-02T10:00:00.5Z"), ZoneOffset.UTC);

  /** The clock's time as Prometheus text: Unix seconds with the milliseconds. */
  private static final String ACQUIRED = String.valueOf(CLOCK.instant().getEpochSecond() + 0.5);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void aStandbyReportsZeroAndNoAcquisitionTimeUntilItTakesTheLease() {
    var leadership = Leadership.elected("pod-b", () -> {});
    LeadershipMetrics.register(registry, leadership, CLOCK);
    leadership.callbacks().onNewLeader("pod-a");

    assertThat(registry.scrape())
        .contains("vllm_operator_leader 0.0\n")
        .contains("vllm_operator_leadership_acquired_timestamp_seconds NaN\n");

    leadership.callbacks().onStartLeading();
    assertThat(registry.scrape())
        .contains("vllm_operator_leader 1.0\n")
        .contains("vllm_operator_leadership_acquired_timestamp_seconds " + ACQUIRED + "\n");

    leadership.callbacks().onStopLeading();
    assertThat(registry.scrape())
        .contains("vllm_operator_leader 0.0\n")
        .contains("vllm_operator_leadership_acquired_timestamp_seconds NaN\n");
  }

  @Test
  void withoutElectionTheProcessLeadsFromTheStart() {
    LeadershipMetrics.register(registry, Leadership.sole(), CLOCK);

    assertThat(registry.scrape())
        .contains("vllm_operator_leader 1.0\n")
        .contains("vllm_operator_leadership_acquired_timestamp_seconds " + ACQUIRED + "\n");
  }
}
