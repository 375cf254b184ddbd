package io.vllmoperator.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vllmoperator.leader.Leadership;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this process leads, for the operator's own alerts:
 *
 * <ul>
 *   <li>{@code vllm_operator_leader}: 1 while this process holds the Lease (or runs without leader
 *       election), 0 in a standby. No series at 1 anywhere means nothing reconciles.
 *   <li>{@code vllm_operator_leadership_acquired_timestamp_seconds}: when this process became the
 *       leader (Unix time), NaN in a standby. Every new leader, another pod or the same pod after a
 *       restart, reports a later time than the one before, so the number of changes of the newest
 *       value counts leader changes; the Lease's own counter misses a pod that restarts and takes
 *       its Lease back under the same identity.
 * </ul>
 */
public final class LeadershipMetrics {
  public static final String LEADER = "vllm.operator.leader";
  public static final String ACQUIRED = "vllm.operator.leadership.acquired.timestamp";

  private LeadershipMetrics() {}

  public static void register(MeterRegistry registry, Leadership leadership, Clock clock) {
    Gauge.builder(LEADER, leadership, l -> l.isLeading() ? 1 : 0)
        .description("1 while this process is the leader (holds the Lease), 0 in a standby")
        .strongReference(true)
        .register(registry);
    AtomicReference<Double> acquired = new AtomicReference<>(Double.NaN);
    Gauge.builder(ACQUIRED, acquired, AtomicReference::get)
        .description("When this process became the leader, Unix time; NaN in a standby")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    leadership.onChange(leading -> acquired.set(leading ? clock.millis() / 1000.0 : Double.NaN));
  }
}
