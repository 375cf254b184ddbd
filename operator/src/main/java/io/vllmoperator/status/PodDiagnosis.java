package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Why pods of a VllmDeployment are not serving, in words an on-call engineer can act on:
 * unschedulable for lack of GPUs, a missing Secret, or the root cause {@link FailureLogClassifier}
 * finds in a crashed container's log. Only the reason, the advice and the matched root-cause line
 * reach a message; messages are cut short and stripped of anything shaped like a token.
 */
public final class PodDiagnosis {
  /** A finding: a CamelCase reason for conditions and events, and a one-line explanation. */
  public record Finding(String reason, String message) {}

  public static final String INSUFFICIENT_GPU = "InsufficientGpu";
  public static final String UNSCHEDULABLE = "Unschedulable";
  public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
  public static final String CONTAINER_CONFIG_ERROR = "ContainerConfigError";

  /** Reasons about a pod that never ran its container: a restart count beside them is stale. */
  public static final Set<String> BEFORE_START =
      Set.of(INSUFFICIENT_GPU, UNSCHEDULABLE, IMAGE_PULL_FAILED, CONTAINER_CONFIG_ERROR);

  private static final int MAX_MESSAGE = 300;

  /** The scheduler's words for a pod whose claim has no volume yet (immediate binding mode). */
  static final String UNBOUND_CLAIMS = "unbound immediate PersistentVolumeClaims";

  private PodDiagnosis() {}

  /** The most severe finding among the pods, if any pod is in trouble. */
  public static Optional<Finding> of(Collection<Pod> pods, String gpuResource) {
    return of(pods, gpuResource, PreviousLogs.NONE);
  }

  /** As above, classifying each crashed container's previous log when {@code logs} has it. */
  public static Optional<Finding> of(Collection<Pod> pods, String gpuResource, PreviousLogs logs) {
    return mostSevere(
        pods.stream()
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .map(pod -> diagnose(pod, gpuResource, logs))
            .flatMap(Optional::stream)
            .toList());
  }

  /** The most severe of {@code findings}; the first of equals, so order them stably. */
  public static Optional<Finding> mostSevere(List<Finding> findings) {
    return findings.stream().min(Comparator.comparingInt(f -> severity(f.reason())));
  }

  public static Optional<Finding> diagnose(Pod pod, String gpuResource, PreviousLogs logs) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
      return Optional.empty();
    }
    Optional<Finding> scheduling = unschedulable(pod, gpuResource);
    if (scheduling.isPresent()) {
      return scheduling;
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses == null) {
      return Optional.empty();
    }
    return statuses.stream()
        .map(s -> container(pod, s, logs))
        .flatMap(Optional::stream)
        .findFirst();
  }

  private static Optional<Finding> unschedulable(Pod pod, String gpuResource) {
    if (pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if ("PodScheduled".equals(condition.getType())
          && "False".equals(condition.getStatus())
          && "Unschedulable".equals(condition.getReason())) {
        String message = String.valueOf(condition.getMessage());
        if (message.contains(UNBOUND_CLAIMS)) {
          return Optional.of(
              new Finding(
                  CacheClaimDiagnosis.REASON,
                  bounded(
                      "pod "
                          + pod.getMetadata().getName()
                          + " cannot be scheduled: its model cache PersistentVolumeClaim"
                          + claimNames(pod)
                          + " is not bound (kubectl describe pvc): "
                          + message)));
        }
        String reason =
            message.contains("Insufficient " + gpuResource) ? INSUFFICIENT_GPU : UNSCHEDULABLE;
        return Optional.of(
            new Finding(
                reason, "pod " + pod.getMetadata().getName() + " cannot be scheduled: " + message));
      }
    }
    return Optional.empty();
  }

  private static String claimNames(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
      return "";
    }
    String names =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getPersistentVolumeClaim() != null)
            .map(v -> v.getPersistentVolumeClaim().getClaimName())
            .collect(Collectors.joining(", "));
    return names.isEmpty() ? "" : " " + names;
  }

  /** The finding that most likely explains the others; on a tie the earlier one. */
  @SafeVarargs
  public static Optional<Finding> mostSevere(Optional<Finding>... findings) {
    Optional<Finding> worst = Optional.empty();
    for (Optional<Finding> f : findings) {
      if (f.isPresent()
          && (worst.isEmpty() || severity(f.get().reason()) < severity(worst.get().reason()))) {
        worst = f;
      }
    }
    return worst;
  }

  private static Optional<Finding> container(Pod pod, ContainerStatus status, PreviousLogs logs) {
    String prefix = "pod " + pod.getMetadata().getName() + ": ";
    var waiting = status.getState() == null ? null : status.getState().getWaiting();
    if (waiting != null && waiting.getReason() != null) {
      switch (waiting.getReason()) {
        case "ImagePullBackOff", "ErrImagePull", "InvalidImageName" -> {
          return Optional.of(
              new Finding(
                  IMAGE_PULL_FAILED, prefix + clean(waiting.getMessage(), status.getImage())));
        }
        case "CreateContainerConfigError", "CreateContainerError" -> {
          return Optional.of(
              new Finding(CONTAINER_CONFIG_ERROR, prefix + clean(waiting.getMessage(), "")));
        }
        default -> {}
      }
    }
    boolean restarted =
        status.getLastState() != null && status.getLastState().getTerminated() != null;
    ContainerStateTerminated last =
        restarted
            ? status.getLastState().getTerminated()
            : status.getState() == null ? null : status.getState().getTerminated();
    // vLLM can exit 0 after a crash past startup; a restart after exit 0 is still a crash.
    if (last == null || (!restarted && Integer.valueOf(0).equals(last.getExitCode()))) {
      return Optional.empty();
    }
    String restarts = " (restarted " + status.getRestartCount() + " times)";
    if ("OOMKilled".equals(last.getReason())) {
      return Optional.of(
          new Finding(
              "OOMKilled",
              prefix
                  + "killed for exceeding its memory limit; raise spec.resources.limits.memory"
                  + restarts));
    }
    String log =
        logs.of(pod, status.getName()).orElse(last.getMessage() == null ? "" : last.getMessage());
    return Optional.of(
        FailureLogClassifier.classify(log)
            .map(
                cause ->
                    new Finding(
                        cause.reason(),
                        bounded(prefix + cause.advice() + restarts + ": " + cause.line())))
            .orElseGet(
                () ->
                    new Finding(
                        "ContainerCrashing",
                        prefix
                            + "vLLM exited with code "
                            + last.getExitCode()
                            + restarts
                            + "; no known root cause in its log (kubectl logs --previous)")));
  }

  /** Lower sorts first: what most likely explains the others. */
  private static int severity(String reason) {
    return switch (reason) {
      case CONTAINER_CONFIG_ERROR, IMAGE_PULL_FAILED, "UnrecognizedArguments" -> 0;
      case "ModelAccessDenied",
          "ModelNotFound",
          "InvalidRevision",
          "HubUnreachable",
          "CudaOutOfMemory",
          "GpuMemoryInUse",
          "KvCacheTooSmall",
          "MaxModelLenTooLarge",
          "UnsupportedDtypeOrQuantization",
          "TensorParallelMismatch",
          "SharedMemoryTooSmall",
          "DistributedInitFailed",
          "OOMKilled",
          CacheClaimDiagnosis.REASON ->
          1;
      case INSUFFICIENT_GPU, UNSCHEDULABLE -> 2;
      default -> 3;
    };
  }

  private static String clean(String message, String fallback) {
    String text = message == null || message.isBlank() ? fallback : message.strip();
    return bounded(SecretRedactor.redact(text));
  }

  private static String bounded(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
  }
}
