package io.vllmoperator.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.config.OperatorConfig;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.VllmPodTemplate;
import io.vllmoperator.monitoring.ArgoCdHealth;
import io.vllmoperator.status.Conditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Health-gated rollouts with automatic rollback (issue 9, /work/rollout-contract.md) on the full
 * local control plane: the real Deployment controller and scheduler, kwok's fake kubelets, and
 * failures injected with kwok Stages keyed on the pod template revision ({@link KwokFaults}), so
 * only the new revision's pods fail.
 *
 * <p>Every scenario runs in its own namespace, all at once (they start in {@link #start()}; each
 * test method waits for its own). GPUs come from pools of kwok nodes this class creates ({@link
 * GpuPool}): a roomy one, and for the insufficient-GPU scenarios pools exactly as large as the old
 * revision needs, so a surge pod can never fit. The operator runs in this JVM (for every namespace
 * but one) with {@code --image-pull-grace=10s}; the restart scenario's namespace is watched by the
 * packaged operator as a process, which the scenario kills with SIGKILL and starts again.
 *
 * <p>{@code -Drollout.scenarios=crash-loop,gpus-wait} runs only those (the others are skipped).
 *
 * <p>Each scenario prints one line, in this fixed format (seconds with one decimal, {@code -} when
 * it does not apply):
 *
 * <pre>
 * ROLLOUT-SCENARIO name=crash-loop failure_to_rollback_s=4.2 restored_capacity_s=0.0 min_ready=3 replicas=3 phases=Progressing>RollingBack>RolledBack outcome=pass
 * </pre>
 *
 * <ul>
 *   <li>failure_to_rollback_s: from the first sighting (pod watch) of a new-revision pod in its
 *       injected failure (first restart, image pull error, running but not Ready) to the first
 *       sighting of phase RollingBack (VllmDeployment watch). For startup-timeout it includes the
 *       startup budget.
 *   <li>restored_capacity_s: from the rollback start (without a rollback: the spec change) until
 *       the Ready pods were back at spec.replicas for good; 0.0 when they never fell below it.
 *   <li>min_ready: the fewest Ready pods (not terminating) seen from the spec change on.
 *   <li>phases: the phases seen from the spec change on; then scenario-specific figures, and
 *       outcome (pass, or fail with the number of failed assertions).
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutIT {
  private static final String NAME = "model";
  private static final String V1 = "vllm/vllm-openai:v0.32.0";
  private static final String V2 = "vllm/vllm-openai:v0.33.0";
  private static final String V3 = "vllm/vllm-openai:v0.33.1";
  private static final Duration IMAGE_PULL_GRACE = Duration.ofSeconds(10);
  private static final Duration SCENARIO_LIMIT = Duration.ofMinutes(6);
  private static final String RESTART_NS = "rollout-restart";
  private static final String FAILOVER_NS = "rollout-leader-failover";
  private static final Duration FAILOVER_LEASE = Duration.ofSeconds(8);
  private static final String CRASH =
      "Traceback (most recent call last):\n  File \"/opt/app/start.py\", line 12, in <module>\n"
          + "SystemExit: 3";
  private static final String OOM_LOG = "failure-logs/cluster/CudaOutOfMemory.profiling.log";
  private static final String OOM_ROOT_CAUSE = "Tried to allocate 3.91 GiB";
  private static final String API_KEY_IN_LOG = "sk-vllm-9fQ2xR7mK4pL8sT1wZ6bYc";

  private final Map<String, CompletableFuture<Void>> scenarios = new LinkedHashMap<>();
  private final List<String> summaries = Collections.synchronizedList(new ArrayList<>());
  private LocalCluster cluster;
  private KubernetesClient client;
  private InProcessOperator operator;
  private volatile OperatorProcess restartable;
  private GpuPool roomy;
  private GpuPool waitPool;
  private GpuPool replacePool;
  private ExecutorService executor;

  @FunctionalInterface
  private interface Body {
    void run(Run run) throws Exception;
  }

  @BeforeAll
  void start() {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    roomy = GpuPool.create(client, "rollout", 2, 64);
    waitPool = GpuPool.create(client, "rollout-wait", 2, 1);
    replacePool = GpuPool.create(client, "rollout-replace", 3, 1);

    Map<String, Body> all = new LinkedHashMap<>();
    all.put("good-upgrade", this::goodUpgrade);
    all.put("crash-loop", this::crashLoop);
    all.put("cuda-oom", this::cudaOutOfMemory);
    all.put("startup-timeout", this::startupTimeout);
    all.put("image-pull", this::imagePullError);
    all.put("gpus-wait", this::insufficientGpusWait);
    all.put("gpus-replace", this::insufficientGpusReplaceOneAtATime);
    all.put("no-auto-rollback", this::autoRollbackOff);
    all.put("operator-restart", this::operatorRestartedMidRollout);
    all.put("spec-change-in-rollback", this::specChangedDuringRollback);
    all.put("scale-up", this::scaleUpDuringLoad);
    all.put("leader-failover", this::leaderKilledMidRollout);

    String only = System.getProperty("rollout.scenarios", "");
    if (!only.isBlank()) {
      Set<String> wanted = Set.of(only.split(","));
      all.keySet().retainAll(wanted);
    }
    Set<String> inProcess = new TreeSet<>();
    for (String name : all.keySet()) {
      String namespace = namespace(name);
      ClusterFixtures.ensureNamespace(client, namespace);
      leftoversGone(namespace);
      if (!namespace.equals(RESTART_NS) && !namespace.equals(FAILOVER_NS)) {
        inProcess.add(namespace);
      }
    }
    // No namespace would mean every namespace, the process-run scenarios' too.
    if (!inProcess.isEmpty()) {
      operator =
          InProcessOperator.start(client, OperatorConfig.defaults(), IMAGE_PULL_GRACE, inProcess);
    }
    if (all.containsKey("operator-restart")) {
      restartable = startRestartable();
    }
    executor = Executors.newFixedThreadPool(all.size());
    all.forEach(
        (name, body) ->
            scenarios.put(
                name, CompletableFuture.runAsync(() -> new Run(name).execute(body), executor)));
  }

  @AfterAll
  void stop() {
    try {
      System.out.println("=== rollout scenarios ===");
      synchronized (summaries) {
        summaries.forEach(System.out::println);
      }
      if (executor != null) {
        executor.shutdownNow();
      }
      for (String name : scenarios.keySet()) {
        String namespace = namespace(name);
        client.resources(VllmDeployment.class).inNamespace(namespace).delete();
        KwokFaults.clearFaults(client, namespace);
        KwokFaults.clear(client, namespace, NAME);
      }
    } finally {
      if (operator != null) {
        operator.close();
      }
      if (restartable != null) {
        restartable.close();
      }
      for (GpuPool pool : new GpuPool[] {roomy, waitPool, replacePool}) {
        if (pool != null) {
          pool.delete(client);
        }
      }
      client.close();
    }
  }

  @Test
  void goodUpgrade() throws Throwable {
    outcome("good-upgrade");
  }

  @Test
  void crashLoopRollsBack() throws Throwable {
    outcome("crash-loop");
  }

  @Test
  void cudaOutOfMemoryRollsBackAndKeepsTheRootCausePastTheDeadline() throws Throwable {
    outcome("cuda-oom");
  }

  @Test
  void startupTimeoutRollsBack() throws Throwable {
    outcome("startup-timeout");
  }

  @Test
  void imagePullErrorRollsBackAfterTheGrace() throws Throwable {
    outcome("image-pull");
  }

  @Test
  void insufficientGpusWaitKeepsTheOldPodsAndNeverRollsBack() throws Throwable {
    outcome("gpus-wait");
  }

  @Test
  void insufficientGpusReplaceOneAtATimeCompletesOnFullGpus() throws Throwable {
    outcome("gpus-replace");
  }

  @Test
  void withoutAutoRollbackTheRolloutStopsDegraded() throws Throwable {
    outcome("no-auto-rollback");
  }

  @Test
  void anOperatorKilledMidRolloutAndMidRollbackRollsBackOnce() throws Throwable {
    outcome("operator-restart");
  }

  @Test
  void aSpecChangeDuringARollbackRollsTheNewRevisionOut() throws Throwable {
    outcome("spec-change-in-rollback");
  }

  @Test
  void theStandbyFinishesARolloutWhoseLeaderWasKilledWithoutDuplicates() throws Throwable {
    outcome("leader-failover");
  }

  @Test
  void aScaleUpWhileTheModelLoadsIsScalingNeverDegraded() throws Throwable {
    outcome("scale-up");
  }

  private void outcome(String name) throws Throwable {
    Assumptions.assumeTrue(scenarios.containsKey(name), "not in -Drollout.scenarios");
    try {
      scenarios.get(name).get(SCENARIO_LIMIT.toSeconds(), SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof java.util.concurrent.CompletionException c
          ? c.getCause()
          : e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError(name + " did not finish within " + SCENARIO_LIMIT, e);
    }
  }

  // --- the scenarios ---------------------------------------------------------------------------

  /** 3 replicas, a new image: Ready on the new revision; both revisions kept. */
  private void goodUpgrade(Run r) {
    VllmDeployment v1 = r.manifest(r.spec(V1, 3, roomy, "{}"));
    VllmDeployment v2 = r.manifest(r.spec(V2, 3, roomy, "{}"));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 3, Duration.ofSeconds(90));

    r.change(v2);
    r.awaitStable(rev2, 3, Duration.ofSeconds(120));

    SoftAssertions soft = r.soft;
    RolloutStatus rollout = r.rollout();
    soft.assertThat(rollout.getServedRevision()).as("servedRevision").isEqualTo(rev2);
    soft.assertThat(rollout.getLastGoodRevision()).as("lastGoodRevision").isEqualTo(rev2);
    soft.assertThat(rollout.getFailedRevision()).as("failedRevision").isNull();
    soft.assertThat(rollout.getRollbackCount()).as("rollbackCount").isZero();
    r.assertCondition(Conditions.PROGRESSING, "False", "RolloutComplete");
    r.assertCondition(Conditions.DEGRADED, "False", "AsExpected");
    r.assertCondition(Conditions.ROLLED_BACK, "False", "NoRollback");
    r.assertCondition(Conditions.AVAILABLE, "True", null);
    r.assertControllerRevision(rev1, 1);
    r.assertControllerRevision(rev2, 2);
    soft.assertThat(r.events("Normal", "RolloutStarted"))
        .as("RolloutStarted Events naming %s", rev2)
        .anyMatch(e -> e.getMessage().contains(rev2));
    soft.assertThat(r.events("Normal", "RolloutSucceeded"))
        .as("RolloutSucceeded Events naming %s", rev2)
        .anyMatch(e -> e.getMessage().contains(rev2));
    soft.assertThat(r.warningsSince(r.changedAt)).as("Warning Events").isEmpty();
    soft.assertThat(r.sampler.phasesSince(r.changedAt))
        .as("phases")
        .doesNotContain(Phase.ROLLING_BACK, Phase.ROLLED_BACK, Phase.DEGRADED, Phase.FAILED);
    r.assertMinReady(3);
    r.report(Optional.empty(), r.sampler.capacityRestoredAfter(r.changedAt, 3), 3);
  }

  /** A crash loop (not a known deterministic cause): rolled back at the third restart. */
  private void crashLoop(Run r) {
    Duration interval = Duration.ofSeconds(3);
    VllmDeployment v1 = r.manifest(r.spec(V1, 3, roomy, "{}"));
    VllmDeployment v2 = r.manifest(r.spec(V2, 3, roomy, "{}"));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 3, Duration.ofSeconds(90));
    KwokFaults.crashLoop(client, r.target(rev2), 3, interval, 1, CRASH);
    r.armed(rev2, roomy);

    r.change(v2);
    r.awaitPhase(Phase.ROLLED_BACK, Duration.ofSeconds(90));
    r.assertRolledBack(rev1, rev2, "ContainerCrashing", 3);
    r.assertNotRetried(rev1, rev2);
    r.assertMinReady(3);
    Optional<Duration> toRollback = r.failureToRollback(rev2);
    r.soft
        .assertThat(toRollback.orElse(Duration.ZERO))
        .as("rolled back at the third restart, not the first (restarts %s apart)", interval)
        .isGreaterThanOrEqualTo(interval.multipliedBy(2).minusMillis(500));
    r.reportRollback(rev2, 3);
  }

  /**
   * CUDA out of memory, known from the previous log (the termination message only holds vLLM's
   * wrapper): a deterministic cause, rolled back at the first crash; after the progress deadline
   * the status still names the root cause.
   */
  private void cudaOutOfMemory(Run r) {
    String log = fixture(OOM_LOG);
    String rollout = "{startupTimeout: 1m, progressDeadline: 2m}";
    VllmDeployment v1 = r.manifest(r.spec(V1, 2, roomy, rollout));
    VllmDeployment v2 = r.manifest(r.spec(V2, 2, roomy, rollout));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 2, Duration.ofSeconds(90));
    Path file =
        KwokFaults.criLogFile(
            TestManifests.repoRoot().resolve("operator/target/kwok-logs/" + r.namespace + ".log"),
            log);
    KwokFaults.servePreviousLog(client, r.namespace, file);
    KwokFaults.crashLoop(
        client, r.target(rev2), 1, Duration.ofSeconds(3), 1, KwokFaults.terminationMessage(log));
    r.armed(rev2, roomy);

    r.change(v2);
    r.awaitPhase(Phase.ROLLED_BACK, Duration.ofSeconds(90));
    r.assertRolledBack(rev1, rev2, "CudaOutOfMemory", 2);
    r.assertMinReady(2);

    Instant deadline = Instant.parse(r.rollout().getStartedAt()).plus(Duration.ofMinutes(2));
    sleepUntil(deadline.plusSeconds(15));
    SoftAssertions soft = r.soft;
    VllmDeploymentStatus status = r.get().getStatus();
    soft.assertThat(status.getPhase())
        .as("phase after the progress deadline")
        .isEqualTo(Phase.ROLLED_BACK);
    r.assertCondition(Conditions.ROLLED_BACK, "True", "CudaOutOfMemory");
    r.assertCondition(Conditions.DEGRADED, "True", "CudaOutOfMemory");
    soft.assertThat(r.condition(Conditions.DEGRADED).map(Condition::getMessage).orElse(""))
        .as("Degraded message after the progress deadline: the root cause from the previous log")
        .contains(OOM_ROOT_CAUSE);
    soft.assertThat(status.getRollout().getFailedMessage())
        .as("failedMessage after the progress deadline")
        .contains(OOM_ROOT_CAUSE);
    soft.assertThat(r.sampler.statusesSince(r.changedAt))
        .as("no status with reason ProgressDeadlineExceeded")
        .noneMatch(
            s ->
                s.status() != null
                    && s.status().getConditions() != null
                    && s.status().getConditions().stream()
                        .anyMatch(c -> "ProgressDeadlineExceeded".equals(c.getReason())));
    soft.assertThat(Serialization.asJson(status)).as("status").doesNotContain(API_KEY_IN_LOG);
    soft.assertThat(r.deployment().getSpec().getTemplate().getMetadata().getAnnotations())
        .as("Deployment template after the deadline")
        .containsEntry(VllmPodTemplate.REVISION_ANNOTATION, rev1);
    r.extra.put(
        "checked_past_deadline_s",
        ReadyReplicaSampler.seconds(Duration.between(deadline, Instant.now())));
    r.reportRollback(rev2, 2);
  }

  /** Running but never Ready: rolled back once the startup budget (1m) ran out. */
  private void startupTimeout(Run r) {
    String rollout = "{startupTimeout: 1m, progressDeadline: 2m}";
    VllmDeployment v1 = r.manifest(r.spec(V1, 2, roomy, rollout));
    VllmDeployment v2 = r.manifest(r.spec(V2, 2, roomy, rollout));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 2, Duration.ofSeconds(90));
    KwokFaults.neverReady(client, r.target(rev2));
    r.armed(rev2, roomy);

    r.change(v2);
    r.awaitPhase(Phase.ROLLED_BACK, Duration.ofSeconds(150));
    r.assertRolledBack(rev1, rev2, "StartupTimeout", 2);
    r.assertMinReady(2);
    Duration toRollback = r.failureToRollback(rev2).orElse(Duration.ZERO);
    r.soft
        .assertThat(toRollback)
        .as("from the pod running to the rollback: the startup budget (1m), no sooner")
        .isBetween(Duration.ofSeconds(59), Duration.ofSeconds(80));
    r.reportRollback(rev2, 2);
  }

  /** The new image cannot be pulled: rolled back once --image-pull-grace (10s) ran out. */
  private void imagePullError(Run r) {
    VllmDeployment v1 = r.manifest(r.spec(V1, 2, roomy, "{}"));
    VllmDeployment v2 = r.manifest(r.spec("vllm/vllm-openai:v0.33.9", 2, roomy, "{}"));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 2, Duration.ofSeconds(90));
    KwokFaults.imagePullError(client, r.target(rev2), Duration.ofSeconds(4));
    r.armed(rev2, roomy);

    r.change(v2);
    r.awaitPhase(Phase.ROLLED_BACK, Duration.ofSeconds(90));
    r.assertRolledBack(rev1, rev2, "ImagePullFailed", 2);
    r.assertMinReady(2);
    Duration toRollback = r.failureToRollback(rev2).orElse(Duration.ZERO);
    r.soft
        .assertThat(toRollback)
        .as("from the first pull error to the rollback: --image-pull-grace (%s)", IMAGE_PULL_GRACE)
        .isBetween(IMAGE_PULL_GRACE.minusSeconds(1), IMAGE_PULL_GRACE.plusSeconds(15));
    r.reportRollback(rev2, 2);
  }

  /**
   * The pool holds exactly the 2 old pods' GPUs: the surge pod never fits. Wait: InsufficientGpus
   * within seconds, the old pods keep serving, no rollback even past the progress deadline; a node
   * added, the rollout completes.
   */
  private void insufficientGpusWait(Run r) {
    String rollout = "{startupTimeout: 1m, progressDeadline: 2m, onInsufficientGpus: Wait}";
    VllmDeployment v1 = r.manifest(r.spec(V1, 2, waitPool, rollout));
    VllmDeployment v2 = r.manifest(r.spec(V2, 2, waitPool, rollout));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 2, Duration.ofSeconds(90));

    r.change(v2);
    r.within(
        "Progressing=False InsufficientGpus",
        Duration.ofSeconds(30),
        () -> r.conditionIs(Conditions.PROGRESSING, "False", "InsufficientGpus"));
    Instant detected =
        r.sampler
            .first(
                r.changedAt,
                s ->
                    s.condition(Conditions.PROGRESSING)
                        .map(c -> "InsufficientGpus".equals(c.getReason()))
                        .orElse(false))
            .map(ReadyReplicaSampler.StatusSample::at)
            .orElse(Instant.now());
    Duration detection = Duration.between(r.changedAt, detected);
    SoftAssertions soft = r.soft;
    soft.assertThat(detection)
        .as("InsufficientGpus after the spec change")
        .isLessThan(Duration.ofSeconds(15));
    soft.assertThat(r.get().getStatus().getPhase())
        .as("phase while waiting")
        .isEqualTo(Phase.PROGRESSING);
    r.assertCondition(Conditions.DEGRADED, "True", "InsufficientGpu");

    Instant deadline = Instant.parse(r.rollout().getStartedAt()).plus(Duration.ofMinutes(2));
    sleepUntil(deadline.plusSeconds(15));
    VllmDeploymentStatus status = r.get().getStatus();
    soft.assertThat(status.getPhase())
        .as("phase past the progress deadline")
        .isEqualTo(Phase.PROGRESSING);
    r.assertCondition(Conditions.PROGRESSING, "False", "InsufficientGpus");
    r.assertCondition(Conditions.ROLLED_BACK, "False", null);
    soft.assertThat(status.getRollout().getRollbackCount()).as("rollbackCount").isZero();
    soft.assertThat(status.getRollout().getFailedRevision()).as("failedRevision").isNull();
    soft.assertThat(r.eventCount("Warning", "WaitingForGpus"))
        .as("WaitingForGpus Events")
        .isEqualTo(1);
    soft.assertThat(r.eventCount("Warning", "RollingBack")).as("RollingBack Events").isZero();
    soft.assertThat(r.eventCount("Warning", "RolloutFailed")).as("RolloutFailed Events").isZero();
    soft.assertThat(r.sampler.phasesSince(r.changedAt))
        .as("phases while waiting")
        .containsOnly(Phase.PROGRESSING);
    soft.assertThat(r.readyPods(rev1)).as("Ready pods of the old revision %s", rev1).isEqualTo(2);
    soft.assertThat(r.deployment().getSpec().getTemplate().getMetadata().getAnnotations())
        .as("the Deployment waits on the target")
        .containsEntry(VllmPodTemplate.REVISION_ANNOTATION, rev2);
    r.assertMinReady(2);

    r.extra.put("insufficient_gpus_detected_s", ReadyReplicaSampler.seconds(detection));
    Instant added = Instant.now();
    r.sampler.onStatus(
        st -> {
          if (st.phase().map(Phase.ROLLING_BACK::equals).orElse(false)) {
            r.extra.putIfAbsent(
                "rolling_back_after_node_added_s",
                ReadyReplicaSampler.seconds(Duration.between(added, st.at())));
          }
        });
    waitPool.addNode(client, 2, 1);
    r.awaitStable(rev2, 2, Duration.ofSeconds(90));
    r.assertControllerRevision(rev2, 2);
    r.extra.put(
        "complete_after_node_added_s",
        ReadyReplicaSampler.seconds(Duration.between(added, Instant.now())));
    r.assertMinReady(2);
    r.report(Optional.empty(), r.sampler.capacityRestoredAfter(r.changedAt, 2), 2);
  }

  /**
   * The pool holds exactly the 3 old pods' GPUs. ReplaceOneAtATime: maxSurge 0 / maxUnavailable 1
   * until the rollout completes (never fewer than 2 Ready), then the spec's strategy again.
   */
  private void insufficientGpusReplaceOneAtATime(Run r) {
    String rollout = "{maxSurge: 1, maxUnavailable: 0, onInsufficientGpus: ReplaceOneAtATime}";
    VllmDeployment v1 = r.manifest(r.spec(V1, 3, replacePool, rollout));
    VllmDeployment v2 = r.manifest(r.spec(V2, 3, replacePool, rollout));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 3, Duration.ofSeconds(90));

    r.change(v2);
    r.awaitStable(rev2, 3, Duration.ofSeconds(150));
    r.within(
        "the Deployment back on the spec's strategy",
        Duration.ofSeconds(30),
        () -> {
          var rolling = r.deployment().getSpec().getStrategy().getRollingUpdate();
          return rolling.getMaxSurge().getIntVal() == 1
              && rolling.getMaxUnavailable().getIntVal() == 0;
        });
    SoftAssertions soft = r.soft;
    soft.assertThat(r.sampler.deploymentSince(r.changedAt))
        .as("Deployment strategies during the rollout")
        .anyMatch(d -> d.maxSurge() == 0 && d.maxUnavailable() == 1);
    soft.assertThat(r.sampler.conditionSince(Conditions.PROGRESSING, r.changedAt))
        .as("Progressing during the rollout")
        .contains("True/ReplacingOneAtATime");
    soft.assertThat(r.eventCount("Normal", "ReplacingOneAtATime"))
        .as("ReplacingOneAtATime Events")
        .isEqualTo(1);
    soft.assertThat(r.eventCount("Warning", "RollingBack")).as("RollingBack Events").isZero();
    soft.assertThat(r.rollout().getRollbackCount()).as("rollbackCount").isZero();
    soft.assertThat(r.rollout().getServedRevision()).as("servedRevision").isEqualTo(rev2);
    r.assertControllerRevision(rev2, 2);
    r.assertMinReady(2);
    r.extra.put(
        "strategies",
        r.sampler.deploymentSince(r.changedAt).stream()
            .map(ReadyReplicaSampler.DeploymentSample::strategy)
            .distinct()
            .collect(Collectors.joining(">")));
    r.report(Optional.empty(), r.sampler.capacityRestoredAfter(r.changedAt, 3), 3);
  }

  /** autoRollback: false: the rollout stops, Degraded with the cause; the old pods keep serving. */
  private void autoRollbackOff(Run r) {
    String rollout = "{autoRollback: false}";
    VllmDeployment v1 = r.manifest(r.spec(V1, 2, roomy, rollout));
    VllmDeployment v2 = r.manifest(r.spec(V2, 2, roomy, rollout));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 2, Duration.ofSeconds(90));
    KwokFaults.crashLoop(client, r.target(rev2), 3, Duration.ofSeconds(3), 1, CRASH);
    r.armed(rev2, roomy);

    r.change(v2);
    r.awaitPhase(Phase.DEGRADED, Duration.ofSeconds(90));
    Instant stopped = r.sampler.firstPhase(Phase.DEGRADED, r.changedAt).orElse(Instant.now());
    sleep(Duration.ofSeconds(10));
    SoftAssertions soft = r.soft;
    VllmDeploymentStatus status = r.get().getStatus();
    soft.assertThat(status.getPhase()).as("phase").isEqualTo(Phase.DEGRADED);
    r.assertCondition(Conditions.PROGRESSING, "False", "RolloutFailed");
    r.assertCondition(Conditions.DEGRADED, "True", "ContainerCrashing");
    r.assertCondition(Conditions.ROLLED_BACK, "False", null);
    soft.assertThat(status.getRollout().getRollbackCount()).as("rollbackCount").isZero();
    soft.assertThat(r.eventCount("Warning", "RollingBack")).as("RollingBack Events").isZero();
    soft.assertThat(r.eventCount("Warning", "RolloutFailed"))
        .as("RolloutFailed Events")
        .isEqualTo(1);
    soft.assertThat(r.sampler.phasesSince(r.changedAt))
        .as("phases")
        .doesNotContain(Phase.ROLLING_BACK, Phase.ROLLED_BACK, Phase.FAILED);
    soft.assertThat(r.readyPods(rev1)).as("Ready pods of the old revision %s", rev1).isEqualTo(2);
    Deployment deployment = r.deployment();
    soft.assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .as("the Deployment is not rolled back")
        .containsEntry(VllmPodTemplate.REVISION_ANNOTATION, rev2);
    r.assertMinReady(2);
    r.extra.put("degraded_after_failure_s", r.failureTo(rev2, stopped));
    r.extra.put(
        "deployment_paused", String.valueOf(Boolean.TRUE.equals(deployment.getSpec().getPaused())));
    r.report(Optional.empty(), r.sampler.capacityRestoredAfter(r.changedAt, 2), 2);
  }

  /**
   * The packaged operator, SIGKILLed once mid-rollout (the first new pod crashed, not yet at its
   * third restart) and once mid-rollback (the old revision's replacement pod loads for 30s): one
   * rollback, one RollingBack Event, the rollout's start time kept.
   */
  private void operatorRestartedMidRollout(Run r) throws Exception {
    String rollout = "{maxSurge: 0, maxUnavailable: 1}";
    VllmDeployment v1 = r.manifest(r.spec(V1, 2, roomy, rollout));
    VllmDeployment v2 = r.manifest(r.spec(V2, 2, roomy, rollout));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    r.create(v1);
    r.awaitStable(rev1, 2, Duration.ofSeconds(120));
    KwokFaults.slowReady(client, r.target(rev1), Duration.ofSeconds(30));
    KwokFaults.crashLoop(client, r.target(rev2), 3, Duration.ofSeconds(8), 1, CRASH);
    r.armed(rev1, roomy);
    r.armed(rev2, roomy);
    CompletableFuture<Instant> rollingBack = new CompletableFuture<>();
    r.sampler.onStatus(
        s -> {
          if (s.phase().map(Phase.ROLLING_BACK::equals).orElse(false)) {
            rollingBack.complete(s.at());
          }
        });

    r.change(v2);
    r.within(
        "a pod of " + rev2 + " crashed",
        Duration.ofSeconds(60),
        () -> r.sampler.firstFault(rev2, r.changedAt).isPresent());
    String startedAt = r.rollout().getStartedAt();
    restartable.kill();
    r.extra.put("kill1_restarts", String.valueOf(r.maxRestarts(rev2)));
    restartable = startRestartable();

    rollingBack.get(120, SECONDS);
    // Still mid-rollback (the old revision's pod loads for 30 s), but after the Events that follow
    // the status write: a kill between the two would lose them, by design.
    r.within(
        "the RollingBack Event is recorded",
        Duration.ofSeconds(15),
        () -> r.eventCount("Warning", "RollingBack") > 0);
    restartable.kill();
    r.extra.put("kill2_deployment_template", r.deploymentRevision().equals(rev1) ? "old" : "new");
    sleep(Duration.ofSeconds(2));
    restartable = startRestartable();

    r.awaitPhase(Phase.ROLLED_BACK, Duration.ofSeconds(120));
    r.assertRolledBack(rev1, rev2, "ContainerCrashing", 2);
    SoftAssertions soft = r.soft;
    soft.assertThat(r.eventCount("Warning", "RolloutFailed"))
        .as("RolloutFailed Events")
        .isEqualTo(1);
    soft.assertThat(r.rollout().getStartedAt())
        .as("startedAt across restarts")
        .isEqualTo(startedAt);
    soft.assertThat(r.sampler.phasesSince(rollingBack.get()))
        .as("phases from the rollback on: no flip-flop")
        .containsExactly(Phase.ROLLING_BACK, Phase.ROLLED_BACK);
    r.assertMinReady(1);
    r.reportRollback(rev2, 2);
  }

  /**
   * Two packaged operators with leader election; the leader is SIGKILLed after the new revision's
   * first crash. The standby takes the Lease and finishes the rollout (here: the rollback) with one
   * Event of each kind, each with count 1. Who wrote is the API server's count per user (one
   * FlowSchema per operator identity, as in LeaderElectionIT): the standby wrote nothing before.
   */
  private void leaderKilledMidRollout(Run r) throws Exception {
    OperatorIdentities identities =
        OperatorIdentities.create(cluster, "rollout-failover", "a", "b");
    OperatorProcess a = null;
    OperatorProcess b = null;
    try {
      a = startFailover(identities, "a");
      r.within("a holds the Lease", Duration.ofSeconds(90), () -> "a".equals(leaseHolder()));
      b = startFailover(identities, "b");
      String rollout = "{maxSurge: 0, maxUnavailable: 1}";
      VllmDeployment v1 = r.manifest(r.spec(V1, 2, roomy, rollout));
      VllmDeployment v2 = r.manifest(r.spec(V2, 2, roomy, rollout));
      String rev1 = revision(v1);
      String rev2 = revision(v2);
      r.create(v1);
      r.awaitStable(rev1, 2, Duration.ofSeconds(120));
      KwokFaults.crashLoop(client, r.target(rev2), 3, Duration.ofSeconds(4), 1, CRASH);
      r.armed(rev2, roomy);
      double standbyBefore = identities.writes("b");

      r.change(v2);
      r.within(
          "a pod of " + rev2 + " crashed",
          Duration.ofSeconds(60),
          () -> r.sampler.firstFault(rev2, r.changedAt).isPresent());
      double standbyWrites = identities.writes("b") - standbyBefore;
      Instant killed = Instant.now();
      a.kill();
      r.within(
          "b takes the Lease", FAILOVER_LEASE.multipliedBy(3), () -> "b".equals(leaseHolder()));
      Duration takeover = Duration.between(killed, Instant.now());
      double leaderBefore = identities.writes("b");

      r.awaitPhase(Phase.ROLLED_BACK, Duration.ofSeconds(120));
      r.assertRolledBack(rev1, rev2, "ContainerCrashing", 2);
      SoftAssertions soft = r.soft;
      soft.assertThat(standbyWrites).as("the standby's writes before the kill").isZero();
      for (String[] kind :
          new String[][] {
            {"Warning", "RolloutFailed"}, {"Warning", "RollingBack"}, {"Normal", "RolledBack"}
          }) {
        soft.assertThat(r.events(kind[0], kind[1]))
            .as("%s Events: one, recorded once (count 1)", kind[1])
            .singleElement()
            .satisfies(e -> soft.assertThat(e.getCount()).as(kind[1] + " count").isEqualTo(1));
      }
      soft.assertThat(r.events("Normal", "RolloutStarted"))
          .as("RolloutStarted Events of %s: one, count 1", rev2)
          .filteredOn(e -> e.getMessage().contains(rev2))
          .singleElement()
          .satisfies(e -> soft.assertThat(e.getCount()).as("its count").isEqualTo(1));
      r.assertMinReady(1);
      r.extra.put("takeover_s", ReadyReplicaSampler.seconds(takeover));
      r.extra.put("lease_s", String.valueOf(FAILOVER_LEASE.toSeconds()));
      r.extra.put(
          "new_leader_writes", String.format("%.0f", identities.writes("b") - leaderBefore));
      r.reportRollback(rev2, 2);
    } finally {
      for (OperatorProcess operator : new OperatorProcess[] {a, b}) {
        if (operator != null) {
          operator.close();
        }
      }
      identities.delete();
    }
  }

  /** A new spec while the rollback waits on the old revision's loading pod: the new one wins. */
  private void specChangedDuringRollback(Run r) throws Exception {
    String rollout = "{maxSurge: 0, maxUnavailable: 1}";
    VllmDeployment v1 = r.manifest(r.spec(V1, 2, roomy, rollout));
    VllmDeployment v2 = r.manifest(r.spec(V2, 2, roomy, rollout));
    VllmDeployment v3 = r.manifest(r.spec(V3, 2, roomy, rollout));
    String rev1 = revision(v1);
    String rev2 = revision(v2);
    String rev3 = revision(v3);
    r.create(v1);
    r.awaitStable(rev1, 2, Duration.ofSeconds(90));
    KwokFaults.slowReady(client, r.target(rev1), Duration.ofSeconds(30));
    KwokFaults.crashLoop(client, r.target(rev2), 3, Duration.ofSeconds(3), 1, CRASH);
    r.armed(rev1, roomy);
    r.armed(rev2, roomy);
    CompletableFuture<Instant> rollingBack = new CompletableFuture<>();
    r.sampler.onStatus(
        s -> {
          if (s.phase().map(Phase.ROLLING_BACK::equals).orElse(false)) {
            rollingBack.complete(s.at());
          }
        });

    r.change(v2);
    Instant rollbackStart = rollingBack.get(90, SECONDS);
    Instant respec = r.change(v3);
    r.awaitStable(rev3, 2, Duration.ofSeconds(120));

    SoftAssertions soft = r.soft;
    Optional<ReadyReplicaSampler.StatusSample> firstOnRev3 =
        r.sampler.first(
            respec,
            s ->
                s.status() != null
                    && s.status().getRollout() != null
                    && rev3.equals(s.status().getRollout().getTargetRevision()));
    soft.assertThat(firstOnRev3).as("a status targeting %s", rev3).isPresent();
    soft.assertThat(firstOnRev3.map(s -> s.status().getRollout().getFailedRevision()))
        .as("failedRevision in the first status targeting %s", rev3)
        .isEmpty();
    RolloutStatus rolloutStatus = r.rollout();
    soft.assertThat(rolloutStatus.getFailedRevision()).as("failedRevision").isNull();
    soft.assertThat(rolloutStatus.getFailedReason()).as("failedReason").isNull();
    soft.assertThat(rolloutStatus.getServedRevision()).as("servedRevision").isEqualTo(rev3);
    soft.assertThat(rolloutStatus.getLastGoodRevision()).as("lastGoodRevision").isEqualTo(rev3);
    soft.assertThat(rolloutStatus.getRollbackCount()).as("rollbackCount").isEqualTo(1);
    r.assertCondition(Conditions.ROLLED_BACK, "False", "SpecChanged");
    r.assertCondition(Conditions.DEGRADED, "False", "AsExpected");
    r.assertCondition(Conditions.PROGRESSING, "False", "RolloutComplete");
    r.assertControllerRevisionPresent(rev1);
    r.assertControllerRevisionPresent(rev3);
    soft.assertThat(r.controllerRevision(rev2))
        .as("ControllerRevision of the failed %s", rev2)
        .isNull();
    soft.assertThat(r.eventCount("Warning", "RollingBack")).as("RollingBack Events").isEqualTo(1);
    soft.assertThat(r.events("Normal", "RolloutSucceeded"))
        .as("RolloutSucceeded naming %s", rev3)
        .anyMatch(e -> e.getMessage().contains(rev3));
    r.assertMinReady(1);
    r.extra.put(
        "respec_after_rollback_start_s",
        ReadyReplicaSampler.seconds(Duration.between(rollbackStart, respec)));
    r.extra.put(
        "respec_to_ready_s", ReadyReplicaSampler.seconds(Duration.between(respec, Instant.now())));
    r.reportRollback(rev2, 2);
  }

  /** 3 -> 4 replicas of the same revision, the new pod loading for 20s: Scaling, never Degraded. */
  private void scaleUpDuringLoad(Run r) {
    VllmDeployment v1 = r.manifest(r.spec(V1, 3, roomy, "{}"));
    VllmDeployment four = r.manifest(r.spec(V1, 4, roomy, "{}"));
    String rev1 = revision(v1);
    r.soft.assertThat(revision(four)).as("a replica count is not a revision").isEqualTo(rev1);
    r.create(v1);
    r.awaitStable(rev1, 3, Duration.ofSeconds(90));
    KwokFaults.slowReady(client, r.target(rev1), Duration.ofSeconds(20));
    r.armed(rev1, roomy);

    r.change(four);
    r.awaitPhase(Phase.SCALING, Duration.ofSeconds(30));
    r.awaitStable(rev1, 4, Duration.ofSeconds(90));
    SoftAssertions soft = r.soft;
    soft.assertThat(r.sampler.phasesSince(r.changedAt))
        .as("phases")
        .contains(Phase.SCALING)
        .doesNotContain(Phase.DEGRADED, Phase.PROGRESSING, Phase.ROLLING_BACK, Phase.FAILED);
    soft.assertThat(r.sampler.conditionSince(Conditions.DEGRADED, r.changedAt))
        .as("Degraded while the new pod loads")
        .allMatch(c -> c.startsWith("False/"));
    soft.assertThat(r.sampler.conditionSince(Conditions.PROGRESSING, r.changedAt))
        .as("Progressing while the new pod loads")
        .contains("True/Scaling");
    soft.assertThat(r.warningsSince(r.changedAt)).as("Warning Events").isEmpty();
    soft.assertThat(r.eventsSince("Normal", "RolloutStarted", r.changedAt))
        .as("a scale-up is not a rollout: RolloutStarted Events")
        .isEmpty();
    soft.assertThat(r.rollout().getServedRevision()).as("servedRevision").isEqualTo(rev1);
    r.assertMinReady(3);
    r.report(Optional.empty(), r.sampler.capacityRestoredAfter(r.changedAt, 4), 4);
  }

  // --- one scenario's run ----------------------------------------------------------------------

  /** One scenario: its namespace, its watches, what it asserts and what it reports. */
  private final class Run {
    final String name;
    final String namespace;
    final SoftAssertions soft = new SoftAssertions();
    final Map<String, String> extra = Collections.synchronizedMap(new LinkedHashMap<>());
    ReadyReplicaSampler sampler;
    Instant changedAt;
    private String line;

    Run(String name) {
      this.name = name;
      this.namespace = namespace(name);
    }

    void execute(Body body) {
      try {
        try {
          body.run(this);
        } catch (Throwable e) {
          if (line == null) {
            report(Optional.empty(), Optional.empty(), -1, "error");
          }
          String soft =
              this.soft.errorsCollected().isEmpty()
                  ? ""
                  : "\nand before that, "
                      + this.soft.errorsCollected().size()
                      + " failed assertions:\n"
                      + this.soft.errorsCollected().stream()
                          .map(Throwable::getMessage)
                          .collect(Collectors.joining("\n"));
          throw new AssertionError(name + ": " + e + soft + "\n" + describe(), e);
        }
        assertArgoCdHealth();
        try {
          soft.assertAll();
        } catch (AssertionError e) {
          throw new AssertionError(name + ": " + e.getMessage() + "\n" + describe(), e);
        }
      } finally {
        if (sampler != null) {
          sampler.close();
        }
      }
    }

    /**
     * The Argo CD health check on the status the operator really wrote at the scenario's end, per
     * docs/argocd.md's table; the object is kept in target/argocd-live/ to refresh the samples.
     */
    private void assertArgoCdHealth() {
      try {
        assertArgoCdHealthOf(get());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void assertArgoCdHealthOf(VllmDeployment live) throws IOException {
      JsonNode object = Serialization.jsonMapper().valueToTree(live);
      Path kept = TestManifests.repoRoot().resolve("operator/target/argocd-live/" + name + ".json");
      Files.createDirectories(kept.getParent());
      Files.writeString(
          kept,
          Serialization.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(live));
      ArgoCdHealth.Verdict verdict = ArgoCdHealth.of(object);
      System.out.printf(
          "ARGOCD-HEALTH name=%s phase=%s health=%s message=%s%n",
          name, live.getStatus().getPhase().value(), verdict.status(), verdict.message());
      soft.assertThat(verdict).as("Argo CD health").isEqualTo(ArgoCdExpectations.of(live));
    }

    private String describe() {
      return sampler == null ? "" : sampler.describe(since());
    }

    private Instant since() {
      return changedAt == null ? Instant.EPOCH : changedAt.minusSeconds(5);
    }

    String spec(String image, int replicas, GpuPool pool, String rollout) {
      return """
          model: {name: Qwen/Qwen2.5-1.5B-Instruct}
          image: %s
          replicas: %d
          gpu: {count: 1}
          rollout: %s
          """
              .formatted(image, replicas, rollout)
          + pool.scheduling();
    }

    /** Admitted (defaulted, validated) as the API server will store it. */
    VllmDeployment manifest(String specYaml) {
      VllmDeployment vllm = TestManifests.vllm(NAME, specYaml);
      vllm.getMetadata().setNamespace(namespace);
      vllm.getMetadata().setGeneration(null);
      vllm.setStatus(null);
      return vllm;
    }

    KwokFaults.Target target(String revision) {
      return new KwokFaults.Target(namespace, revision);
    }

    void armed(String revision, GpuPool pool) {
      KwokFaults.awaitArmed(client, target(revision), pool.nodeSelector(), pool.tolerations());
    }

    void create(VllmDeployment vllm) {
      sampler = ReadyReplicaSampler.start(client, namespace, NAME);
      client.resource(vllm).create();
    }

    /** Applies {@code next}'s spec; checks the stored spec has the revision computed offline. */
    Instant change(VllmDeployment next) {
      Instant at = Instant.now();
      if (changedAt == null) {
        changedAt = at;
      }
      client
          .resources(VllmDeployment.class)
          .inNamespace(namespace)
          .withName(NAME)
          .edit(
              v -> {
                v.setSpec(next.getSpec());
                return v;
              });
      String stored = revision(get());
      if (!stored.equals(revision(next))) {
        throw new AssertionError(
            "the stored spec has revision "
                + stored
                + ", computed offline "
                + revision(next)
                + ": the faults would miss the new pods");
      }
      return at;
    }

    VllmDeployment get() {
      return client.resources(VllmDeployment.class).inNamespace(namespace).withName(NAME).get();
    }

    RolloutStatus rollout() {
      VllmDeployment vllm = get();
      return vllm.getStatus() == null || vllm.getStatus().getRollout() == null
          ? new RolloutStatus()
          : vllm.getStatus().getRollout();
    }

    Deployment deployment() {
      return client.apps().deployments().inNamespace(namespace).withName(NAME).get();
    }

    String deploymentRevision() {
      Deployment d = deployment();
      return d == null
          ? ""
          : d.getSpec()
              .getTemplate()
              .getMetadata()
              .getAnnotations()
              .getOrDefault(VllmPodTemplate.REVISION_ANNOTATION, "");
    }

    List<Pod> pods() {
      return client
          .pods()
          .inNamespace(namespace)
          .withLabel(Labels.INSTANCE_KEY, NAME)
          .list()
          .getItems();
    }

    long readyPods(String revision) {
      return pods().stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
          .filter(p -> revision.equals(ReadyReplicaSampler.revision(p)))
          .filter(ReadyReplicaSampler::ready)
          .count();
    }

    int maxRestarts(String revision) {
      return pods().stream()
          .filter(p -> revision.equals(ReadyReplicaSampler.revision(p)))
          .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
          .flatMap(p -> p.getStatus().getContainerStatuses().stream())
          .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount())
          .max()
          .orElse(0);
    }

    Optional<Condition> condition(String type) {
      VllmDeployment vllm = get();
      return vllm == null || vllm.getStatus() == null
          ? Optional.empty()
          : Conditions.find(vllm.getStatus().getConditions(), type);
    }

    boolean conditionIs(String type, String status, String reason) {
      return condition(type)
          .filter(c -> status.equals(c.getStatus()))
          .filter(c -> reason == null || reason.equals(c.getReason()))
          .isPresent();
    }

    void assertCondition(String type, String status, String reason) {
      Optional<Condition> condition = condition(type);
      soft.assertThat(condition.map(Condition::getStatus)).as("%s status", type).contains(status);
      if (reason != null) {
        soft.assertThat(condition.map(Condition::getReason)).as("%s reason", type).contains(reason);
      }
    }

    List<Event> events(String type, String reason) {
      return client.v1().events().inNamespace(namespace).list().getItems().stream()
          .filter(e -> NAME.equals(e.getInvolvedObject().getName()))
          .filter(e -> "VllmDeployment".equals(e.getInvolvedObject().getKind()))
          .filter(e -> type.equals(e.getType()) && reason.equals(e.getReason()))
          .toList();
    }

    /** Occurrences, counting an aggregated Event's count. */
    int eventCount(String type, String reason) {
      return events(type, reason).stream()
          .mapToInt(e -> e.getCount() == null ? 1 : e.getCount())
          .sum();
    }

    List<Event> eventsSince(String type, String reason, Instant from) {
      return events(type, reason).stream()
          .filter(e -> lastSeen(e).isAfter(from.minusSeconds(1)))
          .toList();
    }

    /**
     * Warning Events on the VllmDeployment last seen at or after {@code from}, as reason: message.
     */
    List<String> warningsSince(Instant from) {
      return client.v1().events().inNamespace(namespace).list().getItems().stream()
          .filter(e -> NAME.equals(e.getInvolvedObject().getName()))
          .filter(e -> "Warning".equals(e.getType()))
          .filter(e -> lastSeen(e).isAfter(from.minusSeconds(1)))
          .map(e -> e.getReason() + ": " + e.getMessage())
          .toList();
    }

    ControllerRevision controllerRevision(String revision) {
      return client
          .apps()
          .controllerRevisions()
          .inNamespace(namespace)
          .withName(NAME + "-" + revision)
          .get();
    }

    void assertControllerRevisionPresent(String revision) {
      soft.assertThat(controllerRevision(revision))
          .as("ControllerRevision %s-%s", NAME, revision)
          .isNotNull();
    }

    /** Named workload-revision, labelled, owned by the VllmDeployment, data = the pod template. */
    void assertControllerRevision(String revision, long number) {
      ControllerRevision cr = controllerRevision(revision);
      soft.assertThat(cr).as("ControllerRevision %s-%s", NAME, revision).isNotNull();
      if (cr == null) {
        return;
      }
      VllmDeployment owner = get();
      soft.assertThat(cr.getRevision())
          .as("%s .revision", cr.getMetadata().getName())
          .isEqualTo(number);
      soft.assertThat(cr.getMetadata().getLabels())
          .as("%s labels", cr.getMetadata().getName())
          .containsEntry("vllm-operator.io/revision", revision)
          .containsAllEntriesOf(Labels.common(owner));
      soft.assertThat(cr.getMetadata().getOwnerReferences())
          .as("%s owner", cr.getMetadata().getName())
          .anyMatch(o -> owner.getMetadata().getUid().equals(o.getUid()));
      Map<?, ?> data = Serialization.jsonMapper().convertValue(cr.getData(), Map.class);
      soft.assertThat(Serialization.asJson(data))
          .as("%s data: the pod template of %s", cr.getMetadata().getName(), revision)
          .contains("\"" + VllmPodTemplate.REVISION_ANNOTATION + "\":\"" + revision + "\"");
    }

    /** Every replica Ready on {@code revision}, phase Ready, the Deployment settled on it. */
    void awaitStable(String revision, int replicas, Duration atMost) {
      within(
          "Ready, " + replicas + " replicas of " + revision,
          atMost,
          () -> {
            VllmDeployment vllm = get();
            if (vllm == null || vllm.getStatus() == null || vllm.getStatus().getRollout() == null) {
              return false;
            }
            var status = vllm.getStatus();
            return status.getPhase() == Phase.READY
                && Integer.valueOf(replicas).equals(status.getReadyReplicas())
                && revision.equals(status.getRollout().getServedRevision())
                && revision.equals(deploymentRevision())
                && readyPods(revision) == replicas;
          });
    }

    void awaitPhase(Phase phase, Duration atMost) {
      within(
          "phase " + phase.value(),
          atMost,
          () -> {
            VllmDeployment vllm = get();
            return vllm != null && vllm.getStatus() != null && vllm.getStatus().getPhase() == phase;
          });
    }

    void within(String what, Duration atMost, BooleanSupplier condition) {
      try {
        await(name + ": " + what)
            .atMost(atMost)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(condition::getAsBoolean);
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            name + ": not " + what + " within " + atMost + "\n" + sampler.describe(since()), e);
      }
    }

    /**
     * The contract for an automatic rollback from {@code bad} to {@code good}: phase RollingBack
     * then RolledBack, RolledBack=True with {@code reason} and a message naming both revisions,
     * Progressing False/RolledBack, Degraded True/{@code reason}, status.rollout, one rollback, one
     * RollingBack Warning Event, the Deployment template on {@code good}, the history without
     * {@code bad}.
     */
    void assertRolledBack(String good, String bad, String reason, int replicas) {
      within(
          "all " + replicas + " replicas of " + good + " Ready again",
          Duration.ofSeconds(60),
          () -> readyPods(good) == replicas && deploymentRevision().equals(good));
      VllmDeploymentStatus status = get().getStatus();
      RolloutStatus rollout = status.getRollout();
      soft.assertThat(status.getPhase()).as("phase").isEqualTo(Phase.ROLLED_BACK);
      soft.assertThat(sampler.phasesSince(changedAt))
          .as("phases")
          .containsSubsequence(Phase.ROLLING_BACK, Phase.ROLLED_BACK);
      assertCondition(Conditions.ROLLED_BACK, "True", reason);
      soft.assertThat(condition(Conditions.ROLLED_BACK).map(Condition::getMessage).orElse(""))
          .as("RolledBack message names the failed and the served revision")
          .contains(bad)
          .contains(good);
      assertCondition(Conditions.DEGRADED, "True", reason);
      assertCondition(Conditions.PROGRESSING, "False", "RolledBack");
      soft.assertThat(sampler.conditionSince(Conditions.PROGRESSING, changedAt))
          .as("Progressing during the rollback")
          .contains("True/RollingBack");
      soft.assertThat(rollout.getFailedRevision()).as("failedRevision").isEqualTo(bad);
      soft.assertThat(rollout.getFailedReason()).as("failedReason").isEqualTo(reason);
      soft.assertThat(rollout.getServedRevision()).as("servedRevision").isEqualTo(good);
      soft.assertThat(rollout.getLastGoodRevision()).as("lastGoodRevision").isEqualTo(good);
      soft.assertThat(rollout.getTargetRevision()).as("targetRevision").isEqualTo(bad);
      soft.assertThat(rollout.getRollbackCount()).as("rollbackCount").isEqualTo(1);
      soft.assertThat(eventCount("Warning", "RollingBack"))
          .as("RollingBack Warning Events")
          .isEqualTo(1);
      soft.assertThat(eventCount("Normal", "RolledBack"))
          .as("RolledBack Normal Events")
          .isEqualTo(1);
      soft.assertThat(eventCount("Warning", "RolloutFailed"))
          .as("RolloutFailed Warning Events")
          .isPositive();
      soft.assertThat(deploymentRevision()).as("Deployment template revision").isEqualTo(good);
      soft.assertThat(controllerRevision(bad))
          .as("ControllerRevision of the failed %s", bad)
          .isNull();
      assertControllerRevisionPresent(good);
    }

    /** The failed revision is not tried again: after a while no pod of it, the Deployment stays. */
    void assertNotRetried(String good, String bad) {
      sleep(Duration.ofSeconds(10));
      soft.assertThat(deploymentRevision()).as("Deployment template 10s later").isEqualTo(good);
      soft.assertThat(pods())
          .as("pods of the failed %s 10s later", bad)
          .noneMatch(p -> bad.equals(ReadyReplicaSampler.revision(p)));
      soft.assertThat(eventCount("Warning", "RollingBack"))
          .as("RollingBack Events 10s later")
          .isEqualTo(1);
    }

    void assertMinReady(int atLeast) {
      soft.assertThat(sampler.minReadySince(changedAt))
          .as("minimum Ready replicas since the spec change")
          .isGreaterThanOrEqualTo(atLeast);
    }

    Optional<Duration> failureToRollback(String bad) {
      Optional<ReadyReplicaSampler.Fault> fault = sampler.firstFault(bad, changedAt);
      Optional<Instant> rollback = sampler.firstPhase(Phase.ROLLING_BACK, changedAt);
      return fault.isEmpty() || rollback.isEmpty()
          ? Optional.empty()
          : Optional.of(Duration.between(fault.get().at(), rollback.get()));
    }

    String failureTo(String bad, Instant reaction) {
      return sampler
          .firstFault(bad, changedAt)
          .map(f -> ReadyReplicaSampler.seconds(Duration.between(f.at(), reaction)))
          .orElse("-");
    }

    private Optional<Duration> restoredAfterRollback(int replicas) {
      return sampler
          .firstPhase(Phase.ROLLING_BACK, changedAt)
          .flatMap(start -> sampler.capacityRestoredAfter(start, replicas));
    }

    void reportRollback(String bad, int replicas) {
      sampler.firstFault(bad, changedAt).ifPresent(f -> extra.putIfAbsent("fault", f.what()));
      report(failureToRollback(bad), restoredAfterRollback(replicas), replicas);
    }

    void report(Optional<Duration> toRollback, Optional<Duration> restored, int replicas) {
      report(toRollback, restored, replicas, null);
    }

    private void report(
        Optional<Duration> toRollback, Optional<Duration> restored, int replicas, String outcome) {
      StringBuilder s = new StringBuilder("ROLLOUT-SCENARIO");
      s.append(" name=").append(name);
      s.append(" failure_to_rollback_s=")
          .append(toRollback.map(ReadyReplicaSampler::seconds).orElse("-"));
      s.append(" restored_capacity_s=")
          .append(restored.map(ReadyReplicaSampler::seconds).orElse("-"));
      s.append(" min_ready=")
          .append(
              sampler == null || changedAt == null
                  ? "-"
                  : String.valueOf(sampler.minReadySince(changedAt)));
      s.append(" replicas=").append(replicas < 0 ? "-" : String.valueOf(replicas));
      s.append(" phases=")
          .append(
              sampler == null || changedAt == null
                  ? "-"
                  : sampler.phasesSince(changedAt).stream()
                      .map(Phase::value)
                      .collect(Collectors.joining(">")));
      synchronized (extra) {
        extra.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
      }
      int failed = soft.errorsCollected().size();
      s.append(" outcome=")
          .append(outcome != null ? outcome : failed == 0 ? "pass" : "fail(" + failed + ")");
      line = s.toString();
      summaries.add(line);
      System.out.println(line);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static String namespace(String scenario) {
    return scenario.equals("operator-restart") ? RESTART_NS : "rollout-" + scenario;
  }

  private static String revision(VllmDeployment vllm) {
    return VllmPodTemplate.of(vllm)
        .getMetadata()
        .getAnnotations()
        .get(VllmPodTemplate.REVISION_ANNOTATION);
  }

  private OperatorProcess startRestartable() {
    return OperatorProcess.start(
        cluster.kubeconfig(),
        Map.of("WATCH_NAMESPACES", RESTART_NS),
        "--image-pull-grace=" + IMAGE_PULL_GRACE.toSeconds() + "s");
  }

  /** Impersonated as its own user, so the API server counts its writes apart. */
  private OperatorProcess startFailover(OperatorIdentities identities, String id) {
    Map<String, String> env = new HashMap<>(identities.impersonation(id));
    env.put("WATCH_NAMESPACES", FAILOVER_NS);
    return OperatorProcess.start(
        cluster.kubeconfig(),
        env,
        "--image-pull-grace=" + IMAGE_PULL_GRACE.toSeconds() + "s",
        "--leader-election",
        "--leader-election-namespace=" + FAILOVER_NS,
        "--leader-election-identity=" + id,
        "--leader-election-lease-duration=" + FAILOVER_LEASE.toSeconds() + "s",
        "--leader-election-renew-deadline=6s",
        "--leader-election-retry-period=2s");
  }

  private String leaseHolder() {
    var lease = client.leases().inNamespace(FAILOVER_NS).withName("vllm-operator-leader").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** What an earlier run (of a cluster that kept running) may have left in a namespace. */
  private void leftoversGone(String namespace) {
    client.resources(VllmDeployment.class).inNamespace(namespace).delete();
    KwokFaults.clearFaults(client, namespace);
    KwokFaults.clear(client, namespace, NAME);
    client.apps().deployments().inNamespace(namespace).delete();
    client.apps().controllerRevisions().inNamespace(namespace).delete();
    client.pods().inNamespace(namespace).withGracePeriod(0).delete();
    client.v1().events().inNamespace(namespace).delete();
    await("namespace " + namespace + " empty")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client
                        .resources(VllmDeployment.class)
                        .inNamespace(namespace)
                        .list()
                        .getItems()
                        .isEmpty()
                    && client.pods().inNamespace(namespace).list().getItems().isEmpty());
  }

  private static Instant lastSeen(Event e) {
    String at = e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getFirstTimestamp();
    return at == null ? Instant.EPOCH : Instant.parse(at);
  }

  private static String fixture(String resource) {
    try {
      return Files.readString(
          TestManifests.repoRoot().resolve("operator/src/test/resources").resolve(resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleepUntil(Instant at) {
    Duration left = Duration.between(Instant.now(), at);
    if (!left.isNegative()) {
      sleep(left);
    }
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
