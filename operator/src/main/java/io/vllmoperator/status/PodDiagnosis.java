package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Why pods of a VllmDeployment are not serving, in words an on-call engineer can act on:
 * unschedulable for lack of GPUs, CUDA out of memory, a gated model without access, a missing
 * Secret. Messages are cut short and stripped of anything shaped like a token.
 */
public final class PodDiagnosis {
  /** A finding: a CamelCase reason for conditions and events, and a one-line explanation. */
  public record Finding(String reason, String message) {}

  private static final int MAX_MESSAGE = 300;
  private static final Pattern TOKENS =
      Pattern.compile("(hf_[A-Za-z0-9]{8,}|sk-[A-Za-z0-9_-]{8,}|Bearer\\s+\\S+)");

  private PodDiagnosis() {}

  /** The most severe finding among the pods, if any pod is in trouble. */
  public static Optional<Finding> of(Collection<Pod> pods, String gpuResource) {
    return of(pods, gpuResource, PreviousLogs.NONE);
  }

  /** As above, classifying each crashed container's previous log when {@code logs} has it. */
  public static Optional<Finding> of(Collection<Pod> pods, String gpuResource, PreviousLogs logs) {
    return pods.stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(pod -> diagnose(pod, gpuResource, logs))
        .flatMap(Optional::stream)
        .min(Comparator.comparingInt(f -> severity(f.reason())));
  }

  static Optional<Finding> diagnose(Pod pod, String gpuResource, PreviousLogs logs) {
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
        String reason =
            message.contains("Insufficient " + gpuResource) ? "InsufficientGpu" : "Unschedulable";
        return Optional.of(
            new Finding(
                reason, "pod " + pod.getMetadata().getName() + " cannot be scheduled: " + message));
      }
    }
    return Optional.empty();
  }

  private static Optional<Finding> container(Pod pod, ContainerStatus status, PreviousLogs logs) {
    String prefix = "pod " + pod.getMetadata().getName() + ": ";
    var waiting = status.getState() == null ? null : status.getState().getWaiting();
    if (waiting != null && waiting.getReason() != null) {
      switch (waiting.getReason()) {
        case "ImagePullBackOff", "ErrImagePull", "InvalidImageName" -> {
          return Optional.of(
              new Finding(
                  "ImagePullFailed", prefix + clean(waiting.getMessage(), status.getImage())));
        }
        case "CreateContainerConfigError", "CreateContainerError" -> {
          return Optional.of(
              new Finding("ContainerConfigError", prefix + clean(waiting.getMessage(), "")));
        }
        default -> {}
      }
    }
    ContainerStateTerminated last =
        status.getLastState() == null ? null : status.getLastState().getTerminated();
    if (last == null && status.getState() != null) {
      last = status.getState().getTerminated();
    }
    if (last == null || Integer.valueOf(0).equals(last.getExitCode())) {
      return Optional.empty();
    }
    String log =
        logs.of(pod, status.getName()).orElse(last.getMessage() == null ? "" : last.getMessage());
    String lower = log.toLowerCase(Locale.ROOT);
    String restarts = " (restarted " + status.getRestartCount() + " times)";
    if ("OOMKilled".equals(last.getReason())) {
      return Optional.of(
          new Finding(
              "OOMKilled",
              prefix
                  + "killed for exceeding its memory limit; raise spec.resources.limits.memory"
                  + restarts));
    }
    if (lower.contains("cuda out of memory") || lower.contains("outofmemoryerror")) {
      return Optional.of(
          new Finding(
              "CudaOutOfMemory",
              prefix
                  + "CUDA out of memory; lower engine.maxModelLen or engine.gpuMemoryUtilization,"
                  + " quantize, or add GPUs"
                  + restarts
                  + ": "
                  + lastLine(log, "out of memory")));
    }
    if (lower.contains("gatedrepoerror")
        || lower.contains("401 client error")
        || lower.contains("access to model")
        || lower.contains("is restricted")) {
      return Optional.of(
          new Finding(
              "ModelAccessDenied",
              prefix
                  + "the Hugging Face Hub refused the model download (gated model: check"
                  + " spec.model.tokenSecretRef and that the token's account was granted access)"
                  + restarts));
    }
    if (lower.contains("repositorynotfounderror") || lower.contains("404 client error")) {
      return Optional.of(
          new Finding(
              "ModelNotFound", prefix + "model repository or revision not found" + restarts));
    }
    return Optional.of(
        new Finding(
            "ContainerCrashing",
            prefix
                + "vLLM exited with code "
                + last.getExitCode()
                + restarts
                + (log.isBlank() ? "" : ": " + lastLine(log, ""))));
  }

  /** Lower sorts first: what most likely explains the others. */
  private static int severity(String reason) {
    return switch (reason) {
      case "ContainerConfigError", "ImagePullFailed" -> 0;
      case "ModelAccessDenied", "ModelNotFound", "CudaOutOfMemory", "OOMKilled" -> 1;
      case "InsufficientGpu", "Unschedulable" -> 2;
      default -> 3;
    };
  }

  private static String lastLine(String log, String preferring) {
    String[] lines = log.strip().split("\n");
    String chosen = lines[lines.length - 1];
    if (!preferring.isEmpty()) {
      for (String line : lines) {
        if (line.toLowerCase(Locale.ROOT).contains(preferring)) {
          chosen = line;
        }
      }
    }
    return clean(chosen, "");
  }

  private static String clean(String message, String fallback) {
    String text = message == null || message.isBlank() ? fallback : message.strip();
    text = TOKENS.matcher(text).replaceAll("[redacted]");
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
  }
}
