package io.vllmoperator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeadershipTest {
  @Test
  void aStandbyLeadsOnlyOnceItAcquiresTheLease() {
    var leadership = Leadership.elected("pod-b");
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
  void withoutElectionTheProcessLeadsFromTheStart() {
    var leadership = Leadership.sole();

    assertThat(leadership.isElected()).isFalse();
    assertThat(leadership.isLeading()).isTrue();
  }
}
