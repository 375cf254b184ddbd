package io.vllmoperator.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the cluster shows at one reconcile.
 *
 * @param goodRevisions revisions whose pod template is kept in a ControllerRevision
 * @param newestGood the most recently recorded of them, if any
 */
public record RolloutObservation(
    Optional<DeploymentObservation> deployment,
    List<PodObservation> pods,
    Set<String> goodRevisions,
    Optional<String> newestGood,
    Instant now) {

  List<PodObservation> podsOf(String revision) {
    return pods.stream().filter(p -> p.revision().equals(revision)).toList();
  }
}
