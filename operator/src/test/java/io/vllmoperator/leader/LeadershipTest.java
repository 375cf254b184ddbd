package io.vllmoperator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeadershipTest {
  private final List<String> exits = new ArrayList<>();

  @Test
  void aStandbyLeadsOnlyOnceItAcquiresTheLease() {
    var leadership = Leadership.elected("pod-b", () -> exits.add("exit"));
    leadership.callbacks().onNewLeader("pod-a");

    assertThat(leadership.isLeading()).isFalse();
    assertThat(leadership.leader()).contains("pod-a");

    leadership.callbacks().onStartLeading();
    leadership.callbacks().onNewLeader("pod-b");
    assertThat(leadership.isLeading()).isTrue();
    assertThat(leadership.leader()).contains("pod-b");

    leadership.callbacks().onStopLeading();
    assertThat(leadership.isLeading()).isFalse();
  }

  @Test
  void losingTheLeaseWhileRunningExits() {
    var leadership = Leadership.elected("pod-a", () -> exits.add("exit"));
    List<Boolean> changes = new ArrayList<>();
    leadership.onChange(changes::add);
    leadership.callbacks().onStartLeading();

    leadership.callbacks().onStopLeading();
    assertThat(changes).containsExactly(true, false);
    assertThat(exits).containsExactly("exit");
    assertThat(leadership.isLost()).isTrue();
  }

  @Test
  void theEndOfLeadingDuringAShutdownIsNoLoss() {
    var leadership = Leadership.elected("pod-a", () -> exits.add("exit"));
    leadership.callbacks().onStartLeading();

    leadership.beginShutdown();
    leadership.callbacks().onStopLeading();
    assertThat(leadership.isShuttingDown()).isTrue();
    assertThat(leadership.isLeading()).isFalse();
    assertThat(exits).isEmpty();
    assertThat(leadership.isLost()).isFalse();
  }

  @Test
  void withoutElectionTheProcessLeadsFromTheStart() {
    var leadership = Leadership.sole();

    assertThat(leadership.isElected()).isFalse();
    assertThat(leadership.isLeading()).isTrue();
  }
}
