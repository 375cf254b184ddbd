package io.vllmoperator.rollout;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.Names;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The pod templates of the revisions that once had every replica Ready, kept in the cluster as
 * ControllerRevisions (as StatefulSets and DaemonSets keep their history), so a rollback survives
 * an operator restart.
 */
public final class RevisionHistory {
  public static final String REVISION_LABEL = "vllm-operator.io/revision";

  /** Good revisions kept; the last good one is kept even beyond this. */
  public static final int LIMIT = 5;

  private final Map<String, ControllerRevision> byRevision;

  private RevisionHistory(Map<String, ControllerRevision> byRevision) {
    this.byRevision = byRevision;
  }

  /** Revisions without the label or without a template are not usable and ignored. */
  public static RevisionHistory of(Collection<ControllerRevision> revisions) {
    Map<String, ControllerRevision> usable = new LinkedHashMap<>();
    revisions.stream()
        .filter(r -> r.getMetadata().getDeletionTimestamp() == null)
        .filter(r -> r.getMetadata().getLabels() != null && r.getData() != null)
        .sorted(Comparator.comparing(RevisionHistory::number))
        .forEach(r -> usable.put(r.getMetadata().getLabels().get(REVISION_LABEL), r));
    usable.remove(null);
    return new RevisionHistory(usable);
  }

  public Set<String> revisions() {
    return Set.copyOf(byRevision.keySet());
  }

  /** The most recently recorded good revision. */
  public Optional<String> newest() {
    return byRevision.entrySet().stream()
        .max(Comparator.comparing(e -> number(e.getValue())))
        .map(Map.Entry::getKey);
  }

  public Optional<PodTemplateSpec> template(String revision) {
    return Optional.ofNullable(byRevision.get(revision))
        .map(r -> Serialization.jsonMapper().convertValue(r.getData(), PodTemplateSpec.class));
  }

  /**
   * The ControllerRevisions there should be after {@code decision}: those kept so far, plus the
   * target's when it just proved good, pruned to {@link #LIMIT} (never the last good or the served
   * one).
   */
  public List<ControllerRevision> kept(
      VllmDeployment vllm, RolloutDecision decision, PodTemplateSpec targetTemplate) {
    Map<String, ControllerRevision> all = new LinkedHashMap<>(byRevision);
    String target = decision.rollout().getTargetRevision();
    if (decision.recordGood() && !all.containsKey(target)) {
      long number = all.values().stream().mapToLong(RevisionHistory::number).max().orElse(0) + 1;
      all.put(
          target,
          build(
              vllm,
              target,
              Serialization.jsonMapper().convertValue(targetTemplate, Map.class),
              number));
    }
    List<String> newestFirst =
        all.entrySet().stream()
            .sorted(
                Comparator.comparing(
                        (Map.Entry<String, ControllerRevision> e) -> number(e.getValue()))
                    .reversed())
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(ArrayList::new));
    // Usually the same revision twice: Set.of would refuse the duplicate.
    Set<String> pinned =
        Stream.of(
                Optional.ofNullable(decision.rollout().getLastGoodRevision()).orElse(""),
                decision.servedRevision())
            .collect(Collectors.toSet());
    List<ControllerRevision> kept = new ArrayList<>();
    for (int i = 0; i < newestFirst.size(); i++) {
      String revision = newestFirst.get(i);
      if (i < LIMIT || pinned.contains(revision)) {
        ControllerRevision existing = all.get(revision);
        kept.add(build(vllm, revision, existing.getData(), number(existing)));
      }
    }
    return kept;
  }

  public static String name(VllmDeployment vllm, String revision) {
    return Names.workload(vllm) + "-" + revision;
  }

  /** Fresh metadata and the same data: ControllerRevision data is immutable once written. */
  private static ControllerRevision build(
      VllmDeployment vllm, String revision, Object template, long number) {
    Map<String, String> labels = new LinkedHashMap<>(Labels.common(vllm));
    labels.put(REVISION_LABEL, revision);
    return new ControllerRevisionBuilder()
        .withNewMetadata()
        .withName(name(vllm, revision))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(labels)
        .endMetadata()
        .withData(template)
        .withRevision(number)
        .build();
  }

  private static long number(ControllerRevision revision) {
    return revision.getRevision() == null ? 0 : revision.getRevision();
  }
}
