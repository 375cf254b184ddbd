package io.vllmoperator.monitoring;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.monitoring.RolloutEventCounter.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * VllmDeployments in each rollout state of docs/rollouts.md, with the status the rollout contract
 * gives them, exported by the operator's own {@link OperatorMetrics}: the metrics tier scrapes them
 * live, so the rollout alerts and the rollouts dashboard are checked against what the code exposes,
 * not against a hand-written fixture. Every scrape records each state's rollout markers once more,
 * so their increase() is positive while the test runs.
 */
final class RolloutStates {
  /**
   * One deployment: its markers, and what the rollout alerts must say about it.
   *
   * @param stuckReason the {@code reason} of VllmRolloutStuck, empty if it must not fire
   * @param rolledBack whether VllmRolledBack must fire
   */
  record State(
      VllmDeployment vllm, Set<Kind> markers, Optional<String> stuckReason, boolean rolledBack) {
    String name() {
      return vllm.getMetadata().getName();
    }

    @Override
    public String toString() {
      return name();
    }
  }

  static final String PATH = "/operator-live";

  private final List<State> states = new ArrayList<>();

  /** Per state, what changes in its status.rollout from one scrape to the next. */
  private final Map<String, Consumer<RolloutStatus>> updates = new HashMap<>();

  private final RolloutEventCounter events = new RolloutEventCounter();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger scrapes = new AtomicInteger();

  RolloutStates() {
    // onInsufficientGpus Wait: the surge pod is Pending for lack of GPUs.
    add(
        "waiting-for-gpus",
        Phase.PROGRESSING,
        progressing(false, "InsufficientGpus"),
        r -> {},
        Set.of(Kind.STARTED),
        Optional.of("InsufficientGpus"),
        false);
    // autoRollback false: the old pods serve, the failed revision stays the target.
    add(
        "halted",
        Phase.DEGRADED,
        progressing(false, "RolloutFailed"),
        r -> r.setFailedReason("CudaOutOfMemory"),
        Set.of(Kind.STARTED, Kind.FAILED),
        Optional.of("RolloutFailed"),
        false);
    // The first revision never became Ready within the progress deadline: nothing to go back to.
    add(
        "first-revision-failed",
        Phase.FAILED,
        progressing(false, "RolloutFailed"),
        r -> r.setFailedReason("ProgressDeadlineExceeded"),
        Set.of(Kind.STARTED, Kind.FAILED),
        Optional.of("RolloutFailed"),
        false);
    add(
        "rolled-back",
        Phase.ROLLED_BACK,
        progressing(false, "RolledBack"),
        r -> {
          r.setFailedReason("CudaOutOfMemory");
          r.setRollbackCount(2);
        },
        Set.of(Kind.STARTED, Kind.FAILED, Kind.ROLLED_BACK),
        Optional.empty(),
        true);
    // Rolled back moments ago, and the spec was fixed at once: a new rollout runs. Its rollback
    // count grows every few scrapes, so that each Prometheus sees it increase.
    add(
        "rolled-forward",
        Phase.PROGRESSING,
        progressing(true, "RollingOut"),
        r -> r.setRollbackCount(scrapes.get() / 4),
        Set.of(Kind.STARTED, Kind.SUCCEEDED),
        Optional.empty(),
        true);
    add(
        "paused",
        Phase.PROGRESSING,
        progressing(false, "Paused"),
        r -> {},
        Set.of(Kind.STARTED),
        Optional.empty(),
        false);
    OperatorMetrics.register(
        registry.getPrometheusRegistry(), () -> states.stream().map(State::vllm).toList(), events);
  }

  List<State> states() {
    return states;
  }

  /** The operator's /metrics at this scrape; every state's markers are recorded once more. */
  Supplier<String> exposition() {
    return () -> {
      scrapes.incrementAndGet();
      for (State state : states) {
        state.markers().forEach(kind -> events.record("llm", state.name(), kind));
        updates.get(state.name()).accept(state.vllm().getStatus().getRollout());
      }
      return registry.scrape();
    };
  }

  private void add(
      String name,
      Phase phase,
      Condition progressing,
      Consumer<RolloutStatus> rollout,
      Set<Kind> markers,
      Optional<String> stuckReason,
      boolean rolledBack) {
    VllmDeployment vllm = TestManifests.vllm(name, "model: {name: m}\nreplicas: 2");
    VllmDeploymentStatus status = new VllmDeploymentStatus();
    status.setPhase(phase);
    status.setReadyReplicas(2);
    status.setUpdatedReplicas(1);
    status.setConditions(List.of(progressing));
    RolloutStatus rolloutStatus = new RolloutStatus();
    rolloutStatus.setServedRevision("5d8c7b6a4f");
    rolloutStatus.setTargetRevision("9e1f2a3b4c");
    rolloutStatus.setLastGoodRevision("5d8c7b6a4f");
    rollout.accept(rolloutStatus);
    status.setRollout(rolloutStatus);
    vllm.setStatus(status);
    updates.put(name, rollout);
    states.add(new State(vllm, markers, stuckReason, rolledBack));
  }

  private static Condition progressing(boolean status, String reason) {
    return new ConditionBuilder()
        .withType("Progressing")
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .build();
  }
}
