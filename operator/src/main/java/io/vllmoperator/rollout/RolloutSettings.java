package io.vllmoperator.rollout;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.InsufficientGpuPolicy;
import io.vllmoperator.api.v1alpha1.spec.RolloutSpec;
import io.vllmoperator.desired.Durations;
import io.vllmoperator.desired.VllmPodTemplate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the spec (and the operator's own flags) ask of a rollout, reduced to what the state machine
 * decides on.
 *
 * @param retryToken value of the {@link #RETRY_ANNOTATION}, if set
 * @param imagePullGrace how long a new pod may wait on an image pull or container config error
 */
public record RolloutSettings(
    String targetRevision,
    int replicas,
    Strategy strategy,
    Duration startupTimeout,
    Duration progressDeadline,
    boolean autoRollback,
    InsufficientGpuPolicy onInsufficientGpus,
    String gpuResource,
    Optional<String> retryToken,
    boolean pauseRequested,
    Duration imagePullGrace) {

  /** A new value retries a failed target revision once more. */
  public static final String RETRY_ANNOTATION = "vllm-operator.io/retry-rollout";

  /** "true" holds the rollout where it is (the Deployment is paused). */
  public static final String PAUSE_ANNOTATION = "vllm-operator.io/pause-rollout";

  public static final Duration DEFAULT_IMAGE_PULL_GRACE = Duration.ofMinutes(3);

  /** A rolling update's surge and unavailability, as the Deployment takes them. */
  public record Strategy(int maxSurge, int maxUnavailable) {
    /** Take one old pod down before its replacement starts: no extra GPUs needed. */
    public static final Strategy ONE_AT_A_TIME = new Strategy(0, 1);
  }

  public static RolloutSettings of(VllmDeployment vllm, Duration imagePullGrace) {
    return of(vllm, VllmPodTemplate.of(vllm), imagePullGrace);
  }

  /**
   * @param target the pod template the spec gives ({@link VllmPodTemplate#of}), built once per
   *     reconcile: building it hashes it
   */
  public static RolloutSettings of(
      VllmDeployment vllm, PodTemplateSpec target, Duration imagePullGrace) {
    RolloutSpec rollout = vllm.getSpec().getRollout();
    Map<String, String> annotations = vllm.getMetadata().getAnnotations();
    Optional<String> retry =
        Optional.ofNullable(annotations)
            .map(a -> a.get(RETRY_ANNOTATION))
            .filter(v -> !v.isBlank());
    boolean pause =
        annotations != null && "true".equalsIgnoreCase(annotations.get(PAUSE_ANNOTATION));
    return new RolloutSettings(
        revisionOf(target),
        vllm.getSpec().getReplicas(),
        new Strategy(rollout.getMaxSurge(), rollout.getMaxUnavailable()),
        Duration.ofSeconds(Durations.seconds(rollout.getStartupTimeout())),
        Duration.ofSeconds(Durations.seconds(rollout.getProgressDeadline())),
        !Boolean.FALSE.equals(rollout.getAutoRollback()),
        rollout.getOnInsufficientGpus() == null
            ? InsufficientGpuPolicy.WAIT
            : rollout.getOnInsufficientGpus(),
        vllm.getSpec().getGpu().getResource(),
        retry,
        pause,
        imagePullGrace);
  }

  /** The revision of the pod template the spec gives. */
  public static String targetRevision(VllmDeployment vllm) {
    return revisionOf(VllmPodTemplate.of(vllm));
  }

  private static String revisionOf(PodTemplateSpec template) {
    return template.getMetadata().getAnnotations().get(VllmPodTemplate.REVISION_ANNOTATION);
  }

  /**
   * ReplaceOneAtATime may take a pod down only if that leaves one serving, or the user allowed it.
   */
  boolean mayReplaceOneAtATime() {
    return onInsufficientGpus == InsufficientGpuPolicy.REPLACE_ONE_AT_A_TIME
        && (replicas > 1 || strategy.maxUnavailable() >= 1);
  }
}
