package io.vllmoperator.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.VllmPodTemplate;
import io.vllmoperator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Watches one VllmDeployment and its pods for the length of a scenario and keeps what was seen, in
 * the order the API server sent it: after every pod event the number of Ready pods (not being
 * deleted, so no longer endpoints), by revision; after every change of the VllmDeployment its
 * status. Two watches: their events are each in order, and the timestamps (this JVM's clock, when
 * the event arrived) order them against each other.
 *
 * <p>From these a scenario reports the minimum Ready replicas, when a pod of a revision first
 * showed a fault, when a phase was first seen, and when capacity was back.
 */
final class ReadyReplicaSampler implements AutoCloseable {
  /** Ready pods after one pod event, in total and by revision annotation. */
  record ReadySample(Instant at, int ready, Map<String, Integer> readyByRevision, String cause) {}

  /** The VllmDeployment's status after one change of it. */
  record StatusSample(Instant at, Long generation, VllmDeploymentStatus status) {
    Optional<Phase> phase() {
      return Optional.ofNullable(status).map(VllmDeploymentStatus::getPhase);
    }

    Optional<Condition> condition(String type) {
      return status == null ? Optional.empty() : Conditions.find(status.getConditions(), type);
    }
  }

  /** The Deployment's template revision, strategy and counts after one change of it. */
  record DeploymentSample(
      Instant at,
      String revision,
      int maxSurge,
      int maxUnavailable,
      boolean paused,
      int replicas,
      int readyReplicas) {
    static DeploymentSample of(Instant at, Deployment d) {
      var annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
      var rolling =
          d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
      return new DeploymentSample(
          at,
          annotations == null
              ? ""
              : annotations.getOrDefault(VllmPodTemplate.REVISION_ANNOTATION, ""),
          rolling == null || rolling.getMaxSurge() == null ? -1 : rolling.getMaxSurge().getIntVal(),
          rolling == null || rolling.getMaxUnavailable() == null
              ? -1
              : rolling.getMaxUnavailable().getIntVal(),
          Boolean.TRUE.equals(d.getSpec().getPaused()),
          d.getSpec().getReplicas() == null ? 0 : d.getSpec().getReplicas(),
          d.getStatus() == null || d.getStatus().getReadyReplicas() == null
              ? 0
              : d.getStatus().getReadyReplicas());
    }

    String strategy() {
      return "maxSurge=" + maxSurge + ",maxUnavailable=" + maxUnavailable;
    }

    boolean sameAs(DeploymentSample other) {
      return revision.equals(other.revision)
          && maxSurge == other.maxSurge
          && maxUnavailable == other.maxUnavailable
          && paused == other.paused
          && replicas == other.replicas
          && readyReplicas == other.readyReplicas;
    }
  }

  /** A pod of a revision seen in trouble: not Ready and restarted, waiting, or unschedulable. */
  record Fault(Instant at, String pod, String revision, String what) {}

  private final String name;
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<VllmDeployment> deployments;
  private final SharedIndexInformer<Deployment> workloads;
  private final List<DeploymentSample> workloadSamples = new CopyOnWriteArrayList<>();
  private final Map<String, Pod> seen = new HashMap<>();
  private final List<ReadySample> ready = new CopyOnWriteArrayList<>();
  private final List<StatusSample> statuses = new CopyOnWriteArrayList<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<Consumer<StatusSample>> listeners = new CopyOnWriteArrayList<>();

  private ReadyReplicaSampler(KubernetesClient client, String namespace, String name) {
    this.name = name;
    this.pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(Labels.INSTANCE_KEY, name)
            .inform(handler(this::podChanged));
    this.deployments =
        client
            .resources(VllmDeployment.class)
            .inNamespace(namespace)
            .withName(name)
            .inform(handler(this::deploymentChanged));
    this.workloads =
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withName(name)
            .inform(handler(this::workloadChanged));
  }

  private void workloadChanged(Deployment deployment, boolean deleted) {
    if (deleted) {
      return;
    }
    DeploymentSample sample = DeploymentSample.of(Instant.now(), deployment);
    DeploymentSample last =
        workloadSamples.isEmpty() ? null : workloadSamples.get(workloadSamples.size() - 1);
    if (last == null || !last.sameAs(sample)) {
      workloadSamples.add(sample);
    }
  }

  /** The Deployment as seen since {@code from}, one sample per change. */
  List<DeploymentSample> deploymentSince(Instant from) {
    return workloadSamples.stream().filter(s -> !s.at().isBefore(from)).toList();
  }

  /** The latest status seen, if any. */
  Optional<StatusSample> latest() {
    return statuses.isEmpty() ? Optional.empty() : Optional.of(statuses.get(statuses.size() - 1));
  }

  /** Starts both watches; returns once each has listed. */
  static ReadyReplicaSampler start(KubernetesClient client, String namespace, String name) {
    return new ReadyReplicaSampler(client, namespace, name);
  }

  /** Called (on the watch thread) with every status seen from now on. */
  void onStatus(Consumer<StatusSample> listener) {
    listeners.add(listener);
  }

  private synchronized void podChanged(Pod changed, boolean deleted) {
    Instant now = Instant.now();
    if (!deleted) {
      fault(changed).ifPresent(what -> recordFault(now, changed, what));
    }
    // Counted from the events themselves, in their order: the informer's store may already hold
    // later versions when a handler runs, and would hide a short dip.
    if (deleted) {
      seen.remove(changed.getMetadata().getName());
    } else {
      seen.put(changed.getMetadata().getName(), changed);
    }
    Map<String, Integer> byRevision = new TreeMap<>();
    int total = 0;
    for (Pod pod : seen.values()) {
      if (pod.getMetadata().getDeletionTimestamp() == null && ready(pod)) {
        total++;
        byRevision.merge(revision(pod), 1, Integer::sum);
      }
    }
    String cause =
        (deleted ? "deleted " : "")
            + changed.getMetadata().getName()
            + " "
            + (changed.getStatus() == null ? "" : changed.getStatus().getPhase());
    ReadySample last = ready.isEmpty() ? null : ready.get(ready.size() - 1);
    if (last == null || last.ready() != total || !last.readyByRevision().equals(byRevision)) {
      ready.add(new ReadySample(now, total, Map.copyOf(byRevision), cause));
    }
  }

  private void recordFault(Instant now, Pod pod, String what) {
    String podName = pod.getMetadata().getName();
    boolean known = faults.stream().anyMatch(f -> f.pod().equals(podName) && f.what().equals(what));
    if (!known) {
      faults.add(new Fault(now, podName, revision(pod), what));
    }
  }

  private void deploymentChanged(VllmDeployment vllm, boolean deleted) {
    if (deleted) {
      return;
    }
    StatusSample sample =
        new StatusSample(Instant.now(), vllm.getMetadata().getGeneration(), vllm.getStatus());
    StatusSample last = statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
    if (last != null
        && Objects.equals(
            Serialization.asJson(last.status()), Serialization.asJson(sample.status()))) {
      return;
    }
    statuses.add(sample);
    listeners.forEach(l -> l.accept(sample));
  }

  // --- what a scenario reports -----------------------------------------------------------------

  /** The least Ready pods seen since {@code from} (the count at {@code from} included). */
  int minReadySince(Instant from) {
    int min = readyAt(from);
    for (ReadySample s : ready) {
      if (!s.at().isBefore(from)) {
        min = Math.min(min, s.ready());
      }
    }
    return min;
  }

  /** Ready pods at {@code at}: the last sample before it. */
  int readyAt(Instant at) {
    int count = 0;
    for (ReadySample s : ready) {
      if (s.at().isAfter(at)) {
        break;
      }
      count = s.ready();
    }
    return count;
  }

  /**
   * How long after {@code from} capacity was back for good: the last time Ready pods went from
   * below {@code replicas} to at least {@code replicas}, minus {@code from}; zero when they were
   * never below after {@code from}; empty when they are below now.
   */
  Optional<Duration> capacityRestoredAfter(Instant from, int replicas) {
    int previous = readyAt(from);
    Instant restored = previous >= replicas ? from : null;
    for (ReadySample s : ready) {
      if (!s.at().isAfter(from)) {
        continue;
      }
      if (s.ready() >= replicas && previous < replicas) {
        restored = s.at();
      } else if (s.ready() < replicas) {
        restored = null;
      }
      previous = s.ready();
    }
    return Optional.ofNullable(restored).map(r -> Duration.between(from, r));
  }

  /** When a pod of {@code revision} was first seen in trouble, after {@code from}. */
  Optional<Fault> firstFault(String revision, Instant from) {
    return faults.stream()
        .filter(f -> f.revision().equals(revision) && !f.at().isBefore(from))
        .findFirst();
  }

  /** The first status after {@code from} that passes {@code test}. */
  Optional<StatusSample> first(Instant from, Predicate<StatusSample> test) {
    return statuses.stream().filter(s -> !s.at().isBefore(from)).filter(test).findFirst();
  }

  Optional<Instant> firstPhase(Phase phase, Instant from) {
    return first(from, s -> s.phase().map(phase::equals).orElse(false)).map(StatusSample::at);
  }

  /** Every status seen since {@code from}. */
  List<StatusSample> statusesSince(Instant from) {
    return statuses.stream().filter(s -> !s.at().isBefore(from)).toList();
  }

  /** The phases seen since {@code from}, each change once, e.g. [Progressing, RollingBack, ...]. */
  List<Phase> phasesSince(Instant from) {
    List<Phase> phases = new ArrayList<>();
    for (StatusSample s : statusesSince(from)) {
      s.phase()
          .filter(p -> phases.isEmpty() || phases.get(phases.size() - 1) != p)
          .ifPresent(phases::add);
    }
    return phases;
  }

  /** The reasons a condition had since {@code from}, each change once, with its status. */
  List<String> conditionSince(String type, Instant from) {
    List<String> seen = new ArrayList<>();
    for (StatusSample s : statusesSince(from)) {
      s.condition(type)
          .map(c -> c.getStatus() + "/" + c.getReason())
          .filter(c -> seen.isEmpty() || !seen.get(seen.size() - 1).equals(c))
          .ifPresent(seen::add);
    }
    return seen;
  }

  List<ReadySample> readySamples() {
    return List.copyOf(ready);
  }

  List<Fault> faults() {
    return List.copyOf(faults);
  }

  /** What was seen, for a failure message. */
  String describe(Instant from) {
    StringBuilder s = new StringBuilder();
    s.append(name).append(": ready pods");
    for (ReadySample r : ready) {
      if (!r.at().isBefore(from)) {
        s.append("\n  +")
            .append(seconds(Duration.between(from, r.at())))
            .append("s ready=")
            .append(r.ready())
            .append(' ')
            .append(r.readyByRevision())
            .append(" (")
            .append(r.cause())
            .append(')');
      }
    }
    s.append("\n").append(name).append(": status");
    for (StatusSample st : statusesSince(from)) {
      s.append("\n  +")
          .append(seconds(Duration.between(from, st.at())))
          .append("s phase=")
          .append(st.phase().map(Phase::value).orElse("-"));
      for (String type :
          List.of(Conditions.PROGRESSING, Conditions.DEGRADED, Conditions.ROLLED_BACK)) {
        st.condition(type)
            .ifPresent(
                c ->
                    s.append(' ')
                        .append(type)
                        .append('=')
                        .append(c.getStatus())
                        .append('/')
                        .append(c.getReason()));
      }
      Optional.ofNullable(st.status())
          .map(VllmDeploymentStatus::getRollout)
          .ifPresent(
              r ->
                  s.append(" served=")
                      .append(r.getServedRevision())
                      .append(" target=")
                      .append(r.getTargetRevision())
                      .append(" failed=")
                      .append(r.getFailedRevision())
                      .append(" rollbacks=")
                      .append(r.getRollbackCount()));
    }
    s.append("\n").append(name).append(": Deployment");
    for (DeploymentSample d : deploymentSince(from)) {
      s.append("\n  +")
          .append(seconds(Duration.between(from, d.at())))
          .append("s template=")
          .append(d.revision())
          .append(' ')
          .append(d.strategy())
          .append(d.paused() ? " paused" : "")
          .append(" ready=")
          .append(d.readyReplicas())
          .append('/')
          .append(d.replicas());
    }
    s.append("\n").append(name).append(": faults ").append(faults);
    return s.toString();
  }

  static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }

  @Override
  public void close() {
    pods.close();
    deployments.close();
    workloads.close();
  }

  // --- pods ------------------------------------------------------------------------------------

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static String revision(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations == null
        ? ""
        : annotations.getOrDefault(VllmPodTemplate.REVISION_ANNOTATION, "");
  }

  /** What a kubelet (here: kwok's fault) reports for a pod that does not come up, if anything. */
  private static Optional<String> fault(Pod pod) {
    var status = pod.getStatus();
    if (status == null || ready(pod)) {
      return Optional.empty();
    }
    if (status.getConditions() != null) {
      for (var c : status.getConditions()) {
        if ("PodScheduled".equals(c.getType()) && "Unschedulable".equals(c.getReason())) {
          return Optional.of("Unschedulable");
        }
      }
    }
    if (status.getContainerStatuses() == null) {
      return Optional.empty();
    }
    for (var c : status.getContainerStatuses()) {
      if (c.getRestartCount() != null && c.getRestartCount() > 0) {
        return Optional.of("Restarted");
      }
      if (c.getState() != null && c.getState().getWaiting() != null) {
        return Optional.of(c.getState().getWaiting().getReason());
      }
      if (c.getState() != null && c.getState().getRunning() != null) {
        return Optional.of("RunningNotReady");
      }
    }
    return Optional.empty();
  }

  private static <T> ResourceEventHandler<T> handler(Change<T> change) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        change.changed(obj, false);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        change.changed(newObj, false);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        change.changed(obj, true);
      }
    };
  }

  @FunctionalInterface
  private interface Change<T> {
    void changed(T object, boolean deleted);
  }
}
