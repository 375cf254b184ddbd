package io.vllmoperator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeadershipTest {
  private final List<String> log = new ArrayList<>();

  private AutoCloseable writer() {
    log.add("started");
    return () -> log.add("stopped");
  }

  @Test
  void aStandbyStartsNoWriterUntilItAcquiresTheLease() {
    var leadership = Leadership.elected("pod-b");
    leadership.whileLeading(this::writer);
    leadership.callbacks().onNewLeader("pod-a");

    assertThat(log).isEmpty();
    assertThat(leadership.isLeading()).isFalse();
    assertThat(leadership.leader()).contains("pod-a");

    leadership.callbacks().onStartLeading();
    leadership.callbacks().onNewLeader("pod-b");
    assertThat(log).containsExactly("started");
    assertThat(leadership.isLeading()).isTrue();
    assertThat(leadership.leader()).contains("pod-b");

    leadership.callbacks().onStopLeading();
    assertThat(log).containsExactly("started", "stopped");
    assertThat(leadership.isLeading()).isFalse();
  }

  @Test
  void withoutElectionWritersStartAtOnceAndStopOnClose() {
    var leadership = Leadership.sole();
    leadership.whileLeading(this::writer);
    assertThat(log).containsExactly("started");
    assertThat(leadership.isElected()).isFalse();

    leadership.close();
    assertThat(log).containsExactly("started", "stopped");
  }
}
