package io.vllmoperator.rollout;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.vllmoperator.desired.VllmPodTemplate;
import io.vllmoperator.status.PodDiagnosis;
import io.vllmoperator.status.PreviousLogs;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One pod, reduced to what decides whether its revision is healthy.
 *
 * @param scheduledAt when the scheduler placed it (its startup clock starts here), if it did
 * @param readySince when it last turned Ready, if it is
 * @param restarts the most restarts of any of its containers
 * @param waitingReason the kubelet's reason a container is waiting (e.g. ErrImagePull), or ""
 * @param finding why it is not serving, if {@link PodDiagnosis} knows
 */
public record PodObservation(
    String name,
    String revision,
    boolean ready,
    Instant createdAt,
    Optional<Instant> scheduledAt,
    Optional<Instant> readySince,
    int restarts,
    String waitingReason,
    Optional<PodDiagnosis.Finding> finding) {

  /** Pods being deleted are not observed: they neither serve nor count against a revision. */
  public static List<PodObservation> of(List<Pod> pods, String gpuResource, PreviousLogs logs) {
    return pods.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null)
        .map(p -> of(p, gpuResource, logs))
        .toList();
  }

  static PodObservation of(Pod pod, String gpuResource, PreviousLogs logs) {
    var annotations = pod.getMetadata().getAnnotations();
    String revision =
        annotations == null
            ? ""
            : annotations.getOrDefault(VllmPodTemplate.REVISION_ANNOTATION, "");
    List<PodCondition> conditions =
        pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
    Optional<PodCondition> readyCondition =
        condition(conditions, "Ready").filter(c -> "True".equals(c.getStatus()));
    boolean ready = readyCondition.isPresent();
    Optional<Instant> scheduledAt =
        condition(conditions, "PodScheduled")
            .filter(c -> "True".equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(c -> Instant.parse(c.getLastTransitionTime()));
    List<ContainerStatus> containers =
        pod.getStatus().getContainerStatuses() == null
            ? List.of()
            : pod.getStatus().getContainerStatuses();
    int restarts =
        containers.stream()
            .map(ContainerStatus::getRestartCount)
            .filter(r -> r != null)
            .mapToInt(Integer::intValue)
            .max()
            .orElse(0);
    String waiting =
        containers.stream()
            .map(s -> s.getState() == null ? null : s.getState().getWaiting())
            .filter(w -> w != null && w.getReason() != null)
            .map(w -> w.getReason())
            .findFirst()
            .orElse("");
    String created = pod.getMetadata().getCreationTimestamp();
    return new PodObservation(
        pod.getMetadata().getName(),
        revision,
        ready,
        created == null ? Instant.EPOCH : Instant.parse(created),
        scheduledAt,
        readyCondition
            .map(PodCondition::getLastTransitionTime)
            .filter(t -> t != null)
            .map(Instant::parse),
        restarts,
        waiting,
        PodDiagnosis.diagnose(pod, gpuResource, logs));
  }

  /** The scheduler found no node with free GPUs for it. */
  public boolean waitingForGpus() {
    return finding.map(f -> PodDiagnosis.INSUFFICIENT_GPU.equals(f.reason())).orElse(false);
  }

  private static Optional<PodCondition> condition(List<PodCondition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
