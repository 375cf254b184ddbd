package io.vllmoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClaimEventsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final ClaimEvents events = new ClaimEvents(clock);
  private final AtomicInteger reads = new AtomicInteger();
  private final Event failed =
      new EventBuilder().withType("Warning").withReason("ProvisioningFailed").build();

  private final ClaimEvents.Reader reader =
      claim -> {
        reads.incrementAndGet();
        return List.of(failed);
      };

  @Test
  void aPendingClaimsEventsAreReadOncePerRefresh() {
    var pending = CacheClaimDiagnosisTest.claim("Pending");

    for (int i = 0; i < 10; i++) {
      assertThat(events.of(pending, reader)).containsExactly(failed);
    }
    assertThat(reads).hasValue(1);

    clock.advanceSeconds(ClaimEvents.REFRESH.toSeconds());
    events.of(pending, reader);
    assertThat(reads).hasValue(2);
  }

  @Test
  void aBoundClaimCostsNoRequestAndIsForgotten() {
    events.of(CacheClaimDiagnosisTest.claim("Pending"), reader);

    assertThat(events.of(CacheClaimDiagnosisTest.claim("Bound"), reader)).isEmpty();
    assertThat(reads).hasValue(1);
    assertThat(events.size()).isZero();
  }

  @Test
  void aFailedReadIsNoEventsAndIsNotRetriedBeforeTheRefresh() {
    ClaimEvents.Reader forbidden =
        claim -> {
          reads.incrementAndGet();
          throw new KubernetesClientException("events is forbidden");
        };
    var pending = CacheClaimDiagnosisTest.claim("Pending");

    assertThat(events.of(pending, forbidden)).isEmpty();
    assertThat(events.of(pending, forbidden)).isEmpty();
    assertThat(reads).hasValue(1);
  }

  @Test
  void entriesOfClaimsNoLongerSeenAreDropped() {
    events.of(CacheClaimDiagnosisTest.claim("Pending"), reader);
    clock.advanceSeconds(ClaimEvents.REFRESH.toSeconds() * 21);

    var other = CacheClaimDiagnosisTest.claim("Bound");
    events.of(other, reader);

    assertThat(events.size()).isZero();
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advanceSeconds(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
