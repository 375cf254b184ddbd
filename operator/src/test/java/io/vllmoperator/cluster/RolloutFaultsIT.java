package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vllmoperator.desired.VllmPodTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The revision-keyed faults of {@link KwokFaults} on the live local cluster, with plain pods and no
 * operator: what kwok writes, in which order, after which delay, and that pods of any other
 * revision are still made Ready at once by kwok's own pod-ready. Each pod's status changes are
 * printed with their offset from the pod's creation (lines {@code KWOK-FAULT ...}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutFaultsIT {
  private static final String NS = "rollout-faults";
  private static final Duration CRASH_INTERVAL = Duration.ofSeconds(3);
  private static final Duration LOAD_TIME = Duration.ofSeconds(8);
  private static final Duration BACK_OFF = Duration.ofSeconds(3);
  private static final String MESSAGE =
      "RuntimeError: Engine core initialization failed. See root cause above.\n"
          + "  \"quoted\" and back\\slash survive";

  private KubernetesClient client;
  private GpuPool pool;
  private SharedIndexInformer<Pod> informer;
  private final Map<String, List<Sample>> timelines =
      Collections.synchronizedMap(new LinkedHashMap<>());

  record Sample(Instant at, String state, Pod pod) {}

  @BeforeAll
  void start() {
    client = LocalCluster.get().newClient();
    ClusterFixtures.ensureNamespace(client, NS);
    client.pods().inNamespace(NS).withGracePeriod(0).delete();
    KwokFaults.clearFaults(client, NS);
    pool = GpuPool.create(client, "faults", 1, 8);
    informer =
        client
            .pods()
            .inNamespace(NS)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    record(pod);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    record(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {}
                });
  }

  @AfterAll
  void stop() {
    try {
      informer.close();
      client.pods().inNamespace(NS).withGracePeriod(0).delete();
      KwokFaults.clearFaults(client, NS);
      pool.delete(client);
    } finally {
      client.close();
    }
  }

  @Test
  void crashLoopCountsUpToItsRestartCountAndStops() {
    var target = new KwokFaults.Target(NS, "c0ffee0001");
    KwokFaults.crashLoop(client, target, 3, CRASH_INTERVAL, 1, MESSAGE);
    KwokFaults.awaitArmed(client, target, pool.nodeSelector(), pool.tolerations());
    List<String> pods = createPods(target.revision(), "crash", 3);

    await("3 restarts")
        .atMost(Duration.ofSeconds(40))
        .conditionEvaluationListener(
            c -> {
              if (c.getRemainingTimeInMS() <= c.getPollInterval().toMillis()) {
                pods.forEach(p -> print("crash-loop (timed out)", p));
              }
            })
        .until(() -> pods.stream().allMatch(p -> restarts(last(p)) == 3));
    sleep(CRASH_INTERVAL.multipliedBy(2)); // and no fourth
    for (String name : pods) {
      print("crash-loop", name);
      List<Sample> timeline = timeline(name);
      assertThat(timeline).noneMatch(s -> ready(s.pod()));
      assertThat(timeline.stream().map(s -> restarts(s.pod())).distinct().toList())
          .as("restart counts of %s in order", name)
          .containsSubsequence(1, 2, 3)
          .doesNotContain(4);
      Pod pod = last(name);
      ContainerStatus vllm = pod.getStatus().getContainerStatuses().get(0);
      assertThat(vllm.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
      assertThat(vllm.getImage()).isEqualTo("vllm/vllm-openai:v0.33.9");
      assertThat(vllm.getLastState().getTerminated().getMessage()).isEqualTo(MESSAGE);
      assertThat(vllm.getLastState().getTerminated().getExitCode()).isEqualTo(1);
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertScheduledConditionKept(pod);
      Duration first = firstTime(name, s -> restarts(s.pod()) == 1);
      Duration third = firstTime(name, s -> restarts(s.pod()) == 3);
      assertThat(third.minus(first))
          .as("two restarts %s apart", CRASH_INTERVAL)
          .isBetween(
              CRASH_INTERVAL.multipliedBy(2).minusMillis(500),
              CRASH_INTERVAL.multipliedBy(2).plusSeconds(3));
    }
  }

  @Test
  void aCrashOnTheFirstStartOnly() {
    var target = new KwokFaults.Target(NS, "c0ffee0002");
    KwokFaults.crashLoop(client, target, 1, CRASH_INTERVAL, 137, MESSAGE);
    KwokFaults.awaitArmed(client, target, pool.nodeSelector(), pool.tolerations());
    String pod = createPods(target.revision(), "crash-once", 1).get(0);
    await("one restart").atMost(Duration.ofSeconds(30)).until(() -> restarts(last(pod)) == 1);
    sleep(CRASH_INTERVAL.multipliedBy(2));
    print("crash-once", pod);
    assertThat(restarts(last(pod))).isEqualTo(1);
    assertThat(last(pod).getStatus().getContainerStatuses().get(0).getLastState().getTerminated())
        .satisfies(t -> assertThat(t.getExitCode()).isEqualTo(137));
  }

  @Test
  void neverReadyRunsAndStaysNotReady() {
    var target = new KwokFaults.Target(NS, "c0ffee0003");
    KwokFaults.neverReady(client, target);
    KwokFaults.awaitArmed(client, target, pool.nodeSelector(), pool.tolerations());
    List<String> pods = createPods(target.revision(), "never-ready", 2);
    await("running")
        .atMost(Duration.ofSeconds(30))
        .until(() -> pods.stream().allMatch(p -> running(last(p))));
    sleep(Duration.ofSeconds(15));
    for (String name : pods) {
      print("never-ready", name);
      Pod pod = last(name);
      assertThat(timeline(name)).noneMatch(s -> ready(s.pod()));
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      ContainerStatus vllm = pod.getStatus().getContainerStatuses().get(0);
      assertThat(vllm.getState().getRunning()).isNotNull();
      assertThat(vllm.getRestartCount()).isZero();
      assertThat(vllm.getReady()).isFalse();
      assertScheduledConditionKept(pod);
    }
  }

  @Test
  void slowReadyBecomesReadyAfterTheLoadTimeAndAChangeStartsTheDelayAgain() {
    var target = new KwokFaults.Target(NS, "c0ffee0004");
    KwokFaults.slowReady(client, target, LOAD_TIME);
    KwokFaults.awaitArmed(client, target, pool.nodeSelector(), pool.tolerations());
    List<String> pods = createPods(target.revision(), "slow", 3);
    String touched = pods.get(2);
    await("running").atMost(Duration.ofSeconds(30)).until(() -> running(last(touched)));
    sleep(LOAD_TIME.dividedBy(2));
    client
        .pods()
        .inNamespace(NS)
        .withName(touched)
        .edit(
            p ->
                new PodBuilder(p)
                    .editMetadata()
                    .addToLabels("touched", "yes")
                    .endMetadata()
                    .build());
    await("all Ready")
        .atMost(LOAD_TIME.multipliedBy(3))
        .until(() -> pods.stream().allMatch(p -> ready(last(p))));
    for (String name : pods) {
      print("slow-ready", name);
      Duration running = firstTime(name, s -> running(s.pod()));
      Duration ready = firstTime(name, s -> ready(s.pod()));
      Pod pod = last(name);
      ContainerStatus vllm = pod.getStatus().getContainerStatuses().get(0);
      assertThat(vllm.getReady()).isTrue();
      assertThat(vllm.getStarted()).isTrue();
      assertThat(vllm.getState().getRunning()).as("still running").isNotNull();
      assertThat(vllm.getImage()).isEqualTo("vllm/vllm-openai:v0.33.9");
      assertThat(pod.getStatus().getConditions())
          .filteredOn(c -> "Ready".equals(c.getType()))
          .singleElement()
          .satisfies(c -> assertThat(c.getReason()).as("Ready's reason").isNull());
      assertScheduledConditionKept(pod);
      if (name.equals(touched)) {
        assertThat(ready.minus(running))
            .as("%s, changed half-way through its load: the delay started again", name)
            .isBetween(
                LOAD_TIME.multipliedBy(3).dividedBy(2), LOAD_TIME.multipliedBy(2).plusSeconds(2));
      } else {
        assertThat(ready.minus(running))
            .as("%s: Ready one load time after it ran", name)
            .isBetween(LOAD_TIME.minusMillis(500), LOAD_TIME.plusSeconds(2));
      }
    }
  }

  @Test
  void imagePullErrorAlternatesLikeAKubeletAndStaysPending() {
    var target = new KwokFaults.Target(NS, "c0ffee0005");
    KwokFaults.imagePullError(client, target, BACK_OFF);
    KwokFaults.awaitArmed(client, target, pool.nodeSelector(), pool.tolerations());
    List<String> pods = createPods(target.revision(), "pull", 2);
    await("ErrImagePull, ImagePullBackOff, ErrImagePull")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                pods.stream()
                    .allMatch(
                        p ->
                            waitingReasons(p)
                                    .containsAll(List.of("ErrImagePull", "ImagePullBackOff"))
                                && waitingReasons(p).size() >= 3));
    for (String name : pods) {
      print("image-pull", name);
      assertThat(timeline(name)).noneMatch(s -> ready(s.pod()));
      assertThat(waitingReasons(name))
          .as("waiting reasons of %s in order", name)
          .startsWith("ErrImagePull", "ImagePullBackOff", "ErrImagePull");
      Pod pod = last(name);
      assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
      assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
          .contains("\"vllm/vllm-openai:v0.33.9\"");
      assertScheduledConditionKept(pod);
    }
  }

  @Test
  void podsOfAnyOtherRevisionAreReadyAtOnce() {
    // The faults of the other tests exist at the same time; these pods match none of them.
    var target = new KwokFaults.Target(NS, "c0ffee0006");
    KwokFaults.crashLoop(client, target, 3, CRASH_INTERVAL, 1, MESSAGE);
    KwokFaults.awaitArmed(client, target, pool.nodeSelector(), pool.tolerations());
    List<String> other = createPods("c0ffee0999", "other-revision", 3);
    List<String> none = createPods(null, "no-revision", 2);
    await("Ready")
        .atMost(Duration.ofSeconds(30))
        .until(() -> concat(other, none).stream().allMatch(p -> ready(last(p))));
    for (String name : concat(other, none)) {
      print("control", name);
      assertThat(timeline(name)).noneMatch(s -> restarts(s.pod()) > 0);
      assertThat(firstTime(name, s -> ready(s.pod()))).isLessThan(Duration.ofSeconds(5));
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private List<String> createPods(String revision, String prefix, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = prefix + "-" + i;
      var builder =
          new PodBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(NS)
              .endMetadata()
              .withNewSpec()
              .withNodeSelector(pool.nodeSelector())
              .withTolerations(pool.tolerations())
              .withTerminationGracePeriodSeconds(0L)
              .addNewContainer()
              .withName(VllmPodTemplate.CONTAINER)
              .withImage("vllm/vllm-openai:v0.33.9")
              .endContainer()
              .endSpec();
      if (revision != null) {
        builder
            .editMetadata()
            .addToAnnotations(VllmPodTemplate.REVISION_ANNOTATION, revision)
            .endMetadata();
      }
      client.pods().inNamespace(NS).resource(builder.build()).create();
      names.add(name);
    }
    return names;
  }

  private void record(Pod pod) {
    String state = state(pod);
    List<Sample> timeline =
        timelines.computeIfAbsent(
            pod.getMetadata().getName(), n -> Collections.synchronizedList(new ArrayList<>()));
    synchronized (timeline) {
      if (timeline.isEmpty() || !timeline.get(timeline.size() - 1).state().equals(state)) {
        timeline.add(new Sample(Instant.now(), state, pod));
      }
    }
  }

  private static String state(Pod pod) {
    var status = pod.getStatus();
    if (status == null) {
      return "no status";
    }
    StringBuilder s = new StringBuilder(String.valueOf(status.getPhase()));
    s.append(" node=").append(pod.getSpec().getNodeName() == null ? "-" : "yes");
    s.append(" ready=").append(ready(pod));
    if (status.getContainerStatuses() != null) {
      for (ContainerStatus c : status.getContainerStatuses()) {
        s.append(" restarts=").append(c.getRestartCount());
        if (c.getState() != null && c.getState().getWaiting() != null) {
          s.append(" waiting=").append(c.getState().getWaiting().getReason());
        }
        if (c.getState() != null && c.getState().getRunning() != null) {
          s.append(" running");
        }
      }
    }
    return s.toString();
  }

  private List<Sample> timeline(String name) {
    List<Sample> timeline = timelines.getOrDefault(name, List.of());
    synchronized (timeline) {
      return List.copyOf(timeline);
    }
  }

  private Pod last(String name) {
    List<Sample> timeline = timeline(name);
    return timeline.isEmpty() ? new Pod() : timeline.get(timeline.size() - 1).pod();
  }

  /** Since the pod was first seen (its creation). */
  private Duration firstTime(String name, java.util.function.Predicate<Sample> test) {
    List<Sample> timeline = timeline(name);
    return timeline.stream()
        .filter(test)
        .findFirst()
        .map(s -> Duration.between(timeline.get(0).at(), s.at()))
        .orElseThrow(() -> new AssertionError(name + ": never so in " + timeline));
  }

  private List<String> waitingReasons(String name) {
    List<String> reasons = new ArrayList<>();
    for (Sample s : timeline(name)) {
      waiting(s.pod())
          .filter(r -> reasons.isEmpty() || !reasons.get(reasons.size() - 1).equals(r))
          .ifPresent(reasons::add);
    }
    return reasons;
  }

  private void print(String fault, String name) {
    List<Sample> timeline = timeline(name);
    Instant t0 = timeline.get(0).at();
    for (Sample s : timeline) {
      System.out.printf(
          "KWOK-FAULT fault=%s pod=%s t=%.1fs %s%n",
          fault, name, Duration.between(t0, s.at()).toMillis() / 1000.0, s.state());
    }
  }

  private static void assertScheduledConditionKept(Pod pod) {
    assertThat(pod.getStatus().getConditions())
        .as("the scheduler's PodScheduled condition survives kwok's patch (the startup clock)")
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("PodScheduled");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getLastTransitionTime()).isNotBlank();
            });
  }

  private static Optional<String> waiting(Pod pod) {
    return Optional.ofNullable(pod.getStatus())
        .map(s -> s.getContainerStatuses())
        .filter(l -> !l.isEmpty())
        .map(l -> l.get(0).getState())
        .map(s -> s.getWaiting())
        .map(w -> w.getReason());
  }

  private static int restarts(Pod pod) {
    var status = pod.getStatus();
    if (status == null
        || status.getContainerStatuses() == null
        || status.getContainerStatuses().isEmpty()) {
      return 0;
    }
    return status.getContainerStatuses().get(0).getRestartCount();
  }

  private static boolean running(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
