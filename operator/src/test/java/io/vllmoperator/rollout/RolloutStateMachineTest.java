package io.vllmoperator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vllmoperator.api.v1alpha1.spec.InsufficientGpuPolicy;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.rollout.RolloutDecision.Marker;
import io.vllmoperator.rollout.RolloutDecision.RolloutEvent;
import io.vllmoperator.rollout.RolloutSettings.Strategy;
import io.vllmoperator.status.PodDiagnosis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every transition of the rollout state machine, without a cluster. */
class RolloutStateMachineTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final String OLD = "0ld0ld0ld0";
  private static final String NEW = "5ee5ee5ee5";
  private static final String NEWER = "7a7a7a7a7a";
  private static final Strategy SURGE = new Strategy(1, 0);

  // --- first rollout -------------------------------------------------------------------------

  @Test
  void withoutADeploymentItIsCreatedFromTheTarget() {
    var d = decide(settings(), null, observe(Optional.empty(), List.of(), Set.of()));

    assertThat(d.state()).isEqualTo(RolloutState.CREATING);
    assertThat(d.state().phase()).isEqualTo(Phase.PENDING);
    assertThat(d.servedRevision()).isEqualTo(NEW);
    assertThat(markers(d)).containsExactly(Marker.ROLLOUT_STARTED);
    assertThat(d.rollout().getStartedAt()).isEqualTo(NOW.toString());
  }

  @Test
  void aFirstRolloutInProgressIsRollingOut() {
    var d =
        decide(
            settings(),
            status(NEW, NEW, null),
            observe(deployment(NEW, 3, 1, 3), List.of(loading("p1", NEW, 60)), Set.of()));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_OUT);
    assertThat(d.state().phase()).isEqualTo(Phase.PROGRESSING);
    assertThat(d.events()).isEmpty();
    assertThat(d.recheckAfter()).isPresent();
  }

  @Test
  void aCompleteRolloutRecordsTheRevisionAsGood() {
    var d =
        decide(
            settings(),
            status(NEW, NEW, null),
            observe(deployment(NEW, 3, 3, 3), List.of(), Set.of()));

    assertThat(d.state()).isEqualTo(RolloutState.STABLE);
    assertThat(d.state().phase()).isEqualTo(Phase.READY);
    assertThat(d.recordGood()).isTrue();
    assertThat(d.rollout().getLastGoodRevision()).isEqualTo(NEW);
    assertThat(markers(d)).containsExactly(Marker.ROLLOUT_SUCCEEDED);
  }

  @Test
  void aStableRevisionIsNotRecordedAgain() {
    var d =
        decide(
            settings(),
            status(NEW, NEW, NEW),
            observe(deployment(NEW, 3, 3, 3), List.of(), Set.of(NEW)));

    assertThat(d.state()).isEqualTo(RolloutState.STABLE);
    assertThat(d.recordGood()).isFalse();
    assertThat(d.events()).isEmpty();
  }

  @Test
  void aFirstRevisionThatFailsHasNothingToRollBackTo() {
    var previous = status(NEW, NEW, null);
    var d =
        decide(
            settings(),
            previous,
            observe(
                deployment(NEW, 3, 0, 3),
                List.of(crashed("p1", NEW, 3, "ContainerCrashing")),
                Set.of()));

    assertThat(d.state()).isEqualTo(RolloutState.FAILED);
    assertThat(d.state().phase()).isEqualTo(Phase.FAILED);
    assertThat(d.servedRevision()).isEqualTo(NEW);
    assertThat(d.rollout().getFailedRevision()).as("nothing to protect: not latched").isNull();
    assertThat(markers(d)).containsExactly(Marker.ROLLOUT_FAILED);
    previous.setReason(d.rollout().getReason());
    assertThat(
            decide(
                    settings(),
                    previous,
                    observe(
                        deployment(NEW, 3, 0, 3),
                        List.of(crashed("p1", NEW, 4, "ContainerCrashing")),
                        Set.of()))
                .events())
        .as("reported once")
        .isEmpty();
  }

  // --- upgrades and automatic rollback -------------------------------------------------------

  @Test
  void aNewTargetStartsARollout() {
    var d =
        decide(
            settings(),
            status(OLD, OLD, OLD),
            observe(deployment(OLD, 3, 3, 3), List.of(), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_OUT);
    assertThat(d.servedRevision()).isEqualTo(NEW);
    assertThat(d.rollout().getStartedAt()).isEqualTo(NOW.toString());
    assertThat(markers(d)).containsExactly(Marker.ROLLOUT_STARTED);
    assertThat(d.events().get(0).message()).contains(NEW).contains("last good revision " + OLD);
  }

  @Test
  void oneTransientRestartDoesNotRollBack() {
    var d = upgrade(List.of(crashed("p-new", NEW, 1, "ContainerCrashing")));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_OUT);
    assertThat(d.servedRevision()).isEqualTo(NEW);
    assertThat(d.rollout().getFailedRevision()).isNull();
  }

  @Test
  void aCrashLoopRollsBackToTheLastGoodRevision() {
    var d =
        upgrade(List.of(crashed("p-new", NEW, FailurePolicy.CRASH_RESTARTS, "ContainerCrashing")));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_BACK);
    assertThat(d.state().phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(d.servedRevision()).isEqualTo(OLD);
    assertThat(d.strategy()).isEqualTo(SURGE);
    assertThat(d.rollout().getFailedRevision()).isEqualTo(NEW);
    assertThat(d.rollout().getFailedReason()).isEqualTo("ContainerCrashing");
    assertThat(d.rollout().getFailedMessage()).contains("p-new");
    assertThat(d.rollout().getRollbackCount()).isEqualTo(1);
    assertThat(d.rollout().getServedRevision()).isEqualTo(OLD);
    assertThat(markers(d)).containsExactly(Marker.ROLLOUT_FAILED, Marker.ROLLING_BACK);
    assertThat(d.failure())
        .get()
        .extracting(RolloutDecision.Failure::reason)
        .isEqualTo("ContainerCrashing");
  }

  @Test
  void aDeterministicCauseFailsOnTheFirstCrash() {
    var d = upgrade(List.of(crashed("p-new", NEW, 1, "CudaOutOfMemory")));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_BACK);
    assertThat(d.rollout().getFailedReason()).isEqualTo("CudaOutOfMemory");
    assertThat(d.message()).contains("revision " + NEW + " failed (CudaOutOfMemory)").contains(OLD);
  }

  @Test
  void aRollbackInProgressIsNotCountedTwice() {
    var previous = failed(NEW, OLD, "RollingBack", 1);
    // An operator restarted mid-rollback sees the same: the status remembers.
    var d = decide(settings(), previous, observe(deployment(OLD, 3, 2, 4), List.of(), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_BACK);
    assertThat(d.servedRevision()).isEqualTo(OLD);
    assertThat(d.rollout().getRollbackCount()).isEqualTo(1);
    assertThat(d.events()).isEmpty();
  }

  @Test
  void aCompleteRollbackIsRolledBack() {
    var d =
        decide(
            settings(),
            failed(NEW, OLD, "RollingBack", 1),
            observe(deployment(OLD, 3, 3, 3), List.of(), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(d.state().phase()).isEqualTo(Phase.ROLLED_BACK);
    assertThat(markers(d)).containsExactly(Marker.ROLLED_BACK);
    assertThat(d.failure()).isPresent();
    assertThat(d.recordGood()).as("the failed target is not good").isFalse();
  }

  @Test
  void rolledBackStaysRolledBackWithoutFlipFlop() {
    var d =
        decide(
            settings(),
            failed(NEW, OLD, "RolledBack", 1),
            observe(deployment(OLD, 3, 2, 3), List.of(), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(d.servedRevision()).isEqualTo(OLD);
    assertThat(d.events()).isEmpty();
  }

  @Test
  void aNewSpecRevisionClearsTheFailureAndRollsOut() {
    var d =
        decide(
            settings(NEWER),
            failed(NEW, OLD, "RolledBack", 1),
            observe(deployment(OLD, 3, 3, 3), List.of(), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_OUT);
    assertThat(d.servedRevision()).isEqualTo(NEWER);
    assertThat(d.rollout().getFailedRevision()).isNull();
    assertThat(d.rollout().getRollbackCount()).isEqualTo(1);
    assertThat(markers(d)).containsExactly(Marker.ROLLOUT_STARTED);
  }

  @Test
  void revertingTheSpecToTheLastGoodRevisionIsStableAndClearsTheFailure() {
    var d =
        decide(
            settings(OLD),
            failed(NEW, OLD, "RolledBack", 1),
            observe(deployment(OLD, 3, 3, 3), List.of(), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.STABLE);
    assertThat(d.rollout().getFailedRevision()).isNull();
    assertThat(d.rollout().getLastGoodRevision()).isEqualTo(OLD);
    assertThat(d.events()).isEmpty();
  }

  @Test
  void aNewRetryAnnotationValueRetriesTheFailedRevisionOnce() {
    var previous = failed(NEW, OLD, "RolledBack", 1);
    previous.setObservedRetry("1");

    var same =
        decide(
            settings(NEW, s -> s.retry = "1"),
            previous,
            observe(deployment(OLD, 3, 3, 3), List.of(), Set.of(OLD)));
    assertThat(same.state()).isEqualTo(RolloutState.ROLLED_BACK);

    var retried =
        decide(
            settings(NEW, s -> s.retry = "2"),
            previous,
            observe(deployment(OLD, 3, 3, 3), List.of(), Set.of(OLD)));
    assertThat(retried.state()).isEqualTo(RolloutState.ROLLING_OUT);
    assertThat(retried.servedRevision()).isEqualTo(NEW);
    assertThat(retried.rollout().getFailedRevision()).isNull();
    assertThat(retried.rollout().getObservedRetry()).isEqualTo("2");
    assertThat(markers(retried)).containsExactly(Marker.ROLLOUT_STARTED);
  }

  @Test
  void withoutAutoRollbackTheRolloutStopsAndOldPodsKeepServing() {
    var d =
        upgrade(
            settings(NEW, s -> s.autoRollback = false),
            List.of(crashed("p-new", NEW, 1, "CudaOutOfMemory")));

    assertThat(d.state()).isEqualTo(RolloutState.HALTED);
    assertThat(d.state().phase()).isEqualTo(Phase.DEGRADED);
    assertThat(d.paused()).isTrue();
    assertThat(d.rollout().getFailedRevision()).isEqualTo(NEW);
    assertThat(d.rollout().getRollbackCount()).isZero();
    assertThat(markers(d)).containsExactly(Marker.ROLLOUT_FAILED);
    assertThat(d.message()).contains("autoRollback is off");
  }

  @Test
  void turningAutoRollbackOnAfterAHaltRollsBack() {
    var d =
        decide(
            settings(),
            failed(NEW, OLD, "RolloutFailed", 0),
            observe(deployment(NEW, 3, 3, 4), List.of(), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_BACK);
    assertThat(d.paused()).isFalse();
    assertThat(d.rollout().getRollbackCount()).isEqualTo(1);
    assertThat(markers(d)).containsExactly(Marker.ROLLING_BACK);
  }

  // --- each failure on its own clock ---------------------------------------------------------

  @Test
  void anImagePullErrorIsWaitedOutForTheGraceThenFails() {
    var within = upgrade(List.of(waiting("p-new", NEW, "ImagePullBackOff", "ImagePullFailed", 60)));
    assertThat(within.state()).isEqualTo(RolloutState.ROLLING_OUT);
    assertThat(within.recheckAfter()).get().isEqualTo(Duration.ofSeconds(121));

    var past = upgrade(List.of(waiting("p-new", NEW, "ImagePullBackOff", "ImagePullFailed", 181)));
    assertThat(past.state()).isEqualTo(RolloutState.ROLLING_BACK);
    assertThat(past.rollout().getFailedReason()).isEqualTo("ImagePullFailed");
  }

  @Test
  void anInvalidImageNameFailsAtOnce() {
    var d = upgrade(List.of(waiting("p-new", NEW, "InvalidImageName", "ImagePullFailed", 1)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_BACK);
  }

  @Test
  void aPodNotReadyWithinTheStartupBudgetFails() {
    var within = upgrade(List.of(loading("p-new", NEW, 29 * 60)));
    assertThat(within.state()).isEqualTo(RolloutState.ROLLING_OUT);

    var past = upgrade(List.of(loading("p-new", NEW, 31 * 60)));
    assertThat(past.state()).isEqualTo(RolloutState.ROLLING_BACK);
    assertThat(past.rollout().getFailedReason()).isEqualTo("StartupTimeout");
    assertThat(past.rollout().getFailedMessage())
        .contains("p-new")
        .contains("startupTimeout (30m)");
  }

  @Test
  void theProgressDeadlineKeepsTheRootCause() {
    var previous = status(NEW, NEW, OLD);
    previous.setStartedAt(NOW.minus(Duration.ofMinutes(46)).toString());
    var unschedulable =
        pod("p-new", NEW, false, 0, Optional.of("Unschedulable"), Optional.empty(), "");

    var d =
        decide(
            settings(),
            previous,
            observe(deployment(NEW, 3, 3, 4), List.of(unschedulable), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_BACK);
    assertThat(d.rollout().getFailedReason()).isEqualTo("ProgressDeadlineExceeded");
    assertThat(d.rollout().getFailedMessage())
        .contains("progressDeadline (45m)")
        .contains("Unschedulable: pod p-new");
  }

  // --- GPUs full -----------------------------------------------------------------------------

  @Test
  void waitingForGpusIsStuckNotFailedEvenPastTheDeadline() {
    var previous = status(NEW, NEW, OLD);
    previous.setStartedAt(NOW.minus(Duration.ofHours(2)).toString());

    var d =
        decide(
            settings(),
            previous,
            observe(deployment(NEW, 3, 3, 4), List.of(pendingForGpus("p-new", NEW)), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.WAITING_FOR_GPUS);
    assertThat(d.state().progressing()).isFalse();
    assertThat(d.state().reason()).isEqualTo("InsufficientGpus");
    assertThat(d.strategy()).isEqualTo(SURGE);
    assertThat(markers(d)).containsExactly(Marker.WAITING_FOR_GPUS);
    previous.setReason(d.rollout().getReason());
    assertThat(
            decide(
                    settings(),
                    previous,
                    observe(
                        deployment(NEW, 3, 3, 4),
                        List.of(pendingForGpus("p-new", NEW)),
                        Set.of(OLD)))
                .events())
        .isEmpty();
  }

  @Test
  void theDeadlineCountsFromTheEndOfTheWaitForGpus() {
    var previous = status(NEW, NEW, OLD);
    previous.setStartedAt(NOW.minus(Duration.ofHours(2)).toString());
    // Scheduled a minute ago, once a node with free GPUs came: that is progress.
    var d =
        decide(
            settings(),
            previous,
            observe(deployment(NEW, 3, 3, 4), List.of(loading("p-new", NEW, 60)), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_OUT);
    assertThat(d.recheckAfter()).get().isEqualTo(Duration.ofMinutes(29).plusSeconds(1));
  }

  @Test
  void replaceOneAtATimeDropsTheSurgeUntilTheRolloutCompletes() {
    var policy = settings(NEW, s -> s.policy = InsufficientGpuPolicy.REPLACE_ONE_AT_A_TIME);
    var previous = status(NEW, NEW, OLD);

    var switched =
        decide(
            policy,
            previous,
            observe(deployment(NEW, 3, 3, 4), List.of(pendingForGpus("p-new", NEW)), Set.of(OLD)));
    assertThat(switched.state()).isEqualTo(RolloutState.REPLACING_ONE_AT_A_TIME);
    assertThat(switched.strategy()).isEqualTo(Strategy.ONE_AT_A_TIME);
    assertThat(markers(switched)).containsExactly(Marker.REPLACING_ONE_AT_A_TIME);

    // The surge pod is gone; the Deployment's strategy remembers the switch.
    previous.setReason(switched.rollout().getReason());
    var going =
        decide(
            policy,
            previous,
            observe(
                deployment(NEW, Strategy.ONE_AT_A_TIME, 3, 2, 1, 3),
                List.of(loading("p-new", NEW, 30)),
                Set.of(OLD)));
    assertThat(going.state()).isEqualTo(RolloutState.REPLACING_ONE_AT_A_TIME);
    assertThat(going.strategy()).isEqualTo(Strategy.ONE_AT_A_TIME);
    assertThat(going.events()).isEmpty();

    var done =
        decide(
            policy,
            previous,
            observe(deployment(NEW, Strategy.ONE_AT_A_TIME, 3, 3, 3, 3), List.of(), Set.of(OLD)));
    assertThat(done.state()).isEqualTo(RolloutState.STABLE);
    assertThat(done.strategy()).as("the configured strategy is back").isEqualTo(SURGE);
  }

  @Test
  void changingThePolicyBackToWaitRestoresTheSurgeOnTheCurrentRollout() {
    var d =
        decide(
            settings(),
            status(NEW, NEW, OLD),
            observe(
                deployment(NEW, Strategy.ONE_AT_A_TIME, 3, 2, 1, 3),
                List.of(loading("p-new", NEW, 30)),
                Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_OUT);
    assertThat(d.strategy()).isEqualTo(SURGE);
  }

  @Test
  void aSingleReplicaIsNotTakenDownUnlessTheUserAllowedIt() {
    var one =
        settings(
            NEW,
            s -> {
              s.policy = InsufficientGpuPolicy.REPLACE_ONE_AT_A_TIME;
              s.replicas = 1;
            });
    var d =
        decide(
            one,
            status(NEW, NEW, OLD),
            observe(deployment(NEW, 1, 1, 2), List.of(pendingForGpus("p-new", NEW)), Set.of(OLD)));
    assertThat(d.state()).isEqualTo(RolloutState.WAITING_FOR_GPUS);
    assertThat(d.message()).contains("maxUnavailable: 1");

    var allowed =
        settings(
            NEW,
            s -> {
              s.policy = InsufficientGpuPolicy.REPLACE_ONE_AT_A_TIME;
              s.replicas = 1;
              s.strategy = new Strategy(1, 1);
            });
    assertThat(
            decide(
                    allowed,
                    status(NEW, NEW, OLD),
                    observe(
                        deployment(NEW, 1, 1, 2),
                        List.of(pendingForGpus("p-new", NEW)),
                        Set.of(OLD)))
                .state())
        .isEqualTo(RolloutState.REPLACING_ONE_AT_A_TIME);
  }

  // --- scaling is not a rollout --------------------------------------------------------------

  @Test
  void addedReplicasLoadingWithinTheirBudgetAreScaling() {
    var d =
        decide(
            settings(NEW, s -> s.replicas = 4),
            status(NEW, NEW, NEW),
            observe(deployment(NEW, 4, 3, 4), List.of(loading("p4", NEW, 600)), Set.of(NEW)));

    assertThat(d.state()).isEqualTo(RolloutState.SCALING);
    assertThat(d.state().phase()).isEqualTo(Phase.SCALING);
    assertThat(d.failure()).isEmpty();
    assertThat(d.events()).isEmpty();
  }

  @Test
  void anAddedReplicaPastItsBudgetIsDegradedButNotRolledBack() {
    var d =
        decide(
            settings(NEW, s -> s.replicas = 4),
            status(NEW, NEW, NEW),
            observe(deployment(NEW, 4, 3, 4), List.of(loading("p4", NEW, 31 * 60)), Set.of(NEW)));

    assertThat(d.state()).isEqualTo(RolloutState.DEGRADED);
    assertThat(d.state().phase()).isEqualTo(Phase.DEGRADED);
    assertThat(d.servedRevision()).isEqualTo(NEW);
    assertThat(d.rollout().getFailedRevision()).isNull();
    assertThat(d.failure())
        .get()
        .extracting(RolloutDecision.Failure::reason)
        .isEqualTo("StartupTimeout");
  }

  @Test
  void scaledToZeroOnceThePodsAreGone() {
    var zero = settings(NEW, s -> s.replicas = 0);
    assertThat(
            decide(
                    zero,
                    status(NEW, NEW, NEW),
                    observe(deployment(NEW, SURGE, 0, 1, 0, 1), List.of(), Set.of(NEW)))
                .state())
        .isEqualTo(RolloutState.SCALING);
    assertThat(
            decide(
                    zero,
                    status(NEW, NEW, NEW),
                    observe(deployment(NEW, 0, 0, 0), List.of(), Set.of(NEW)))
                .state())
        .isEqualTo(RolloutState.SCALED_TO_ZERO);
  }

  // --- pause, lost state ---------------------------------------------------------------------

  @Test
  void thePauseAnnotationHoldsTheDeploymentWhereItIs() {
    var d =
        decide(
            settings(NEW, s -> s.pause = true),
            status(OLD, OLD, OLD),
            observe(deployment(OLD, 3, 3, 3), List.of(), Set.of(OLD)));

    assertThat(d.state()).isEqualTo(RolloutState.PAUSED);
    assertThat(d.paused()).isTrue();
    assertThat(d.servedRevision()).isEqualTo(OLD);
  }

  @Test
  void aLostStatusIsRederivedFromTheRevisionHistory() {
    var d = upgrade(settings(), null, List.of(crashed("p-new", NEW, 3, "ContainerCrashing")));

    assertThat(d.rollout().getLastGoodRevision()).isEqualTo(OLD);
    assertThat(d.state()).isEqualTo(RolloutState.ROLLING_BACK);
    assertThat(d.servedRevision()).isEqualTo(OLD);
  }

  @Test
  void aLastGoodRevisionWhoseTemplateIsGoneIsNotARollbackTarget() {
    var d =
        decide(
            settings(),
            status(NEW, NEW, OLD),
            observe(
                deployment(NEW, 3, 0, 3),
                List.of(crashed("p-new", NEW, 3, "ContainerCrashing")),
                Set.of()));

    assertThat(d.state()).isEqualTo(RolloutState.FAILED);
    assertThat(d.servedRevision()).isEqualTo(NEW);
  }

  @Test
  void decidingTwiceGivesTheSameDecision() {
    var previous = status(NEW, NEW, OLD);
    var observation =
        observe(
            deployment(NEW, 3, 3, 4),
            List.of(crashed("p-new", NEW, 3, "ContainerCrashing")),
            Set.of(OLD));

    assertThat(decide(settings(), previous, observation))
        .usingRecursiveComparison()
        .isEqualTo(decide(settings(), previous, observation));
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Mutable knobs for one test's settings. */
  private static final class Knobs {
    int replicas = 3;
    Strategy strategy = SURGE;
    boolean autoRollback = true;
    InsufficientGpuPolicy policy = InsufficientGpuPolicy.WAIT;
    String retry;
    boolean pause;
  }

  private static RolloutSettings settings() {
    return settings(NEW);
  }

  private static RolloutSettings settings(String target) {
    return settings(target, k -> {});
  }

  private static RolloutSettings settings(
      String target, java.util.function.Consumer<Knobs> change) {
    Knobs k = new Knobs();
    change.accept(k);
    return new RolloutSettings(
        target,
        k.replicas,
        k.strategy,
        Duration.ofMinutes(30),
        Duration.ofMinutes(45),
        k.autoRollback,
        k.policy,
        "nvidia.com/gpu",
        Optional.ofNullable(k.retry),
        k.pause,
        RolloutSettings.DEFAULT_IMAGE_PULL_GRACE);
  }

  /** OLD serves on 3 ready replicas; the spec now says NEW; the Deployment carries NEW. */
  private static RolloutDecision upgrade(List<PodObservation> newPods) {
    return upgrade(settings(), newPods);
  }

  private static RolloutDecision upgrade(RolloutSettings settings, List<PodObservation> newPods) {
    return upgrade(settings, status(NEW, NEW, OLD), newPods);
  }

  private static RolloutDecision upgrade(
      RolloutSettings settings, RolloutStatus previous, List<PodObservation> newPods) {
    List<PodObservation> pods = new ArrayList<>(newPods);
    for (int i = 1; i <= 3; i++) {
      pods.add(pod("p-old-" + i, OLD, true, 0, Optional.empty(), Optional.of(3600), ""));
    }
    return decide(settings, previous, observe(deployment(NEW, 3, 3, 4), pods, Set.of(OLD)));
  }

  private static RolloutDecision decide(
      RolloutSettings s, RolloutStatus previous, RolloutObservation o) {
    return RolloutStateMachine.decide(s, previous, o);
  }

  private static RolloutObservation observe(
      Optional<DeploymentObservation> deployment, List<PodObservation> pods, Set<String> good) {
    return new RolloutObservation(deployment, pods, good, good.stream().findFirst(), NOW);
  }

  private static Optional<DeploymentObservation> deployment(
      String revision, int updated, int ready, int replicas) {
    return deployment(
        revision, SURGE, updated, ready, updated == replicas ? updated : replicas - 1, replicas);
  }

  private static Optional<DeploymentObservation> deployment(
      String revision, Strategy strategy, int specReplicas, int ready, int updated, int replicas) {
    return Optional.of(
        new DeploymentObservation(revision, strategy, false, true, replicas, updated, ready));
  }

  private static RolloutStatus status(String target, String served, String lastGood) {
    RolloutStatus status = new RolloutStatus();
    status.setTargetRevision(target);
    status.setServedRevision(served);
    status.setLastGoodRevision(lastGood);
    status.setStartedAt(NOW.minus(Duration.ofMinutes(5)).toString());
    status.setRollbackCount(0);
    status.setReason("RollingOut");
    return status;
  }

  private static RolloutStatus failed(
      String target, String lastGood, String reason, int rollbacks) {
    RolloutStatus status = status(target, lastGood, lastGood);
    status.setFailedRevision(target);
    status.setFailedReason("CudaOutOfMemory");
    status.setFailedMessage("pod p-new: CUDA out of memory");
    status.setReason(reason);
    status.setRollbackCount(rollbacks);
    return status;
  }

  private static PodObservation loading(String name, String revision, int scheduledSecondsAgo) {
    return pod(name, revision, false, 0, Optional.empty(), Optional.of(scheduledSecondsAgo), "");
  }

  private static PodObservation crashed(String name, String revision, int restarts, String reason) {
    return pod(
        name, revision, false, restarts, Optional.of(reason), Optional.of(120), "CrashLoopBackOff");
  }

  private static PodObservation waiting(
      String name, String revision, String waitingReason, String finding, int secondsAgo) {
    return pod(
        name, revision, false, 0, Optional.of(finding), Optional.of(secondsAgo), waitingReason);
  }

  private static PodObservation pendingForGpus(String name, String revision) {
    return pod(
        name, revision, false, 0, Optional.of(PodDiagnosis.INSUFFICIENT_GPU), Optional.empty(), "");
  }

  private static PodObservation pod(
      String name,
      String revision,
      boolean ready,
      int restarts,
      Optional<String> finding,
      Optional<Integer> scheduledSecondsAgo,
      String waitingReason) {
    return new PodObservation(
        name,
        revision,
        ready,
        NOW.minus(Duration.ofHours(2)),
        scheduledSecondsAgo.map(s -> NOW.minusSeconds(s)),
        ready ? scheduledSecondsAgo.map(s -> NOW.minusSeconds(s)) : Optional.empty(),
        restarts,
        waitingReason,
        finding.map(r -> new PodDiagnosis.Finding(r, r + ": pod " + name + " is in trouble")));
  }

  private static List<Marker> markers(RolloutDecision d) {
    return d.events().stream().map(RolloutEvent::marker).toList();
  }
}
