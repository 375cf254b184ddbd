package io.vllmoperator.rollout;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.vllmoperator.desired.VllmPodTemplate;
import io.vllmoperator.rollout.RolloutSettings.Strategy;
import java.util.Optional;

/**
 * The Deployment as the cluster has it: which revision its template is, how it rolls, and what its
 * controller reports.
 *
 * @param settled its controller has seen the latest spec (observedGeneration)
 * @param replicas pods of every ReplicaSet that are not terminating
 * @param updated pods of the current template
 */
public record DeploymentObservation(
    String revision,
    Strategy strategy,
    boolean paused,
    boolean settled,
    int replicas,
    int updated,
    int ready) {

  public static Optional<DeploymentObservation> of(Optional<Deployment> deployment) {
    return deployment.map(DeploymentObservation::of);
  }

  static DeploymentObservation of(Deployment d) {
    DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    var annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
    String revision =
        annotations == null
            ? ""
            : annotations.getOrDefault(VllmPodTemplate.REVISION_ANNOTATION, "");
    var rolling =
        d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
    Strategy strategy =
        rolling == null
            ? new Strategy(-1, -1)
            : new Strategy(count(rolling.getMaxSurge()), count(rolling.getMaxUnavailable()));
    boolean settled =
        s.getObservedGeneration() != null
            && s.getObservedGeneration() >= d.getMetadata().getGeneration();
    return new DeploymentObservation(
        revision,
        strategy,
        Boolean.TRUE.equals(d.getSpec().getPaused()),
        settled,
        zeroIfNull(s.getReplicas()),
        zeroIfNull(s.getUpdatedReplicas()),
        zeroIfNull(s.getReadyReplicas()));
  }

  /** Every replica runs {@code revision} and is Ready, and no other pod is left. */
  boolean completeAt(String revision, int desired) {
    return this.revision.equals(revision)
        && settled
        && updated >= desired
        && ready >= desired
        && replicas <= desired;
  }

  /** The operator only writes integers; a percentage set by hand counts as unknown. */
  private static int count(IntOrString value) {
    return value == null || value.getIntVal() == null ? -1 : value.getIntVal();
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }
}
