package io.vllmoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The read-once contract: one read per crash, failures remembered, gone pods forgotten. */
class PreviousLogCacheTest {
  private final PreviousLogCache cache =
      new PreviousLogCache(Clock.fixed(Instant.parse("2026-12-02T07:00:00Z"), ZoneOffset.UTC));
  private final List<String> reads = new ArrayList<>();

  @Test
  void aCrashIsReadOnceHoweverOftenTheStatusIsComputed() {
    PreviousLogs logs = cache.reading(logging("CUDA out of memory"));
    Pod pod = pod("a", "uid-a", 1);

    for (int reconcile = 0; reconcile < 5; reconcile++) {
      assertThat(logs.of(pod, "vllm")).contains("CUDA out of memory");
    }
    assertThat(reads).containsExactly("a/vllm");
  }

  @Test
  void theNextCrashIsReadAgain() {
    PreviousLogs logs = cache.reading(logging("log"));

    logs.of(pod("a", "uid-a", 1), "vllm");
    logs.of(pod("a", "uid-a", 2), "vllm");
    logs.of(pod("a", "uid-a", 2), "vllm");

    assertThat(reads).hasSize(2);
  }

  @Test
  void aContainerThatNeverTerminatedHasNoPreviousLogToRead() {
    Pod fresh = new PodBuilder(pod("a", "uid-a", 0)).build();
    fresh.getStatus().getContainerStatuses().get(0).setLastState(null);

    assertThat(cache.reading(logging("log")).of(fresh, "vllm")).isEmpty();
    assertThat(reads).isEmpty();
  }

  @Test
  void aFailedReadIsEmptyAndNotRetriedForTheSameCrash() {
    PreviousLogs logs =
        cache.reading(
            (pod, container) -> {
              reads.add(pod.getMetadata().getName());
              throw new KubernetesClientException("pods \"a\" is forbidden", 403, null);
            });

    assertThat(logs.of(pod("a", "uid-a", 1), "vllm")).isEmpty();
    assertThat(logs.of(pod("a", "uid-a", 1), "vllm")).isEmpty();
    assertThat(reads).hasSize(1);
  }

  @Test
  void notFoundOrBlankIsNoLog() {
    assertThat(cache.reading((pod, c) -> null).of(pod("a", "uid-a", 1), "vllm")).isEmpty();
    assertThat(cache.reading((pod, c) -> "\n").of(pod("b", "uid-b", 1), "vllm")).isEmpty();
  }

  @Test
  void logsOfPodsThatAreGoneOrReplacedAreForgotten() {
    PreviousLogs logs = cache.reading(logging("log"));
    logs.of(pod("a", "uid-a", 1), "vllm");
    logs.of(pod("b", "uid-b", 1), "vllm");

    cache.evictUnless(ref -> ref.name().equals("b") && ref.uid().equals("uid-b"));

    assertThat(cache.size()).isEqualTo(1);
    logs.of(pod("a", "uid-a2", 1), "vllm"); // same name, new pod
    assertThat(reads).containsExactly("a/vllm", "b/vllm", "a/vllm");
  }

  @Test
  void onlyTheVllmContainerIsReadAndTheRequestIsBounded() {
    assertThat(new PodLogReader(null).previousLog(pod("a", "uid-a", 1), "istio-proxy")).isNull();
    assertThat(PodLogReader.path("llm", "a-123"))
        .isEqualTo(
            "/api/v1/namespaces/llm/pods/a-123/log?container=vllm&previous=true"
                + "&tailLines=1000&limitBytes=262144");
  }

  private PreviousLogCache.Reader logging(String log) {
    return (pod, container) -> {
      reads.add(pod.getMetadata().getName() + "/" + container);
      return log;
    };
  }

  private static Pod pod(String name, String uid, int restarts) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("llm")
        .withUid(uid)
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("vllm")
        .withRestartCount(restarts)
        .withNewLastState()
        .withNewTerminated()
        .withExitCode(1)
        .withReason("Error")
        .endTerminated()
        .endLastState()
        .endContainerStatus()
        .endStatus()
        .build();
  }
}
