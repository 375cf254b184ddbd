package io.vllmoperator.rollout;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.desired.VllmPodTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RevisionHistoryTest {
  private final VllmDeployment vllm = vllm("llama", "model: {name: m}");
  private final PodTemplateSpec template = VllmPodTemplate.of(vllm);
  private final String target = RolloutSettings.targetRevision(vllm);

  @Test
  void aRevisionThatProvedGoodIsKeptWithTheNextNumberAndItsTemplate() {
    var history = RevisionHistory.of(List.of(stored("aaaaaaaaaa", 1), stored("bbbbbbbbbb", 2)));

    List<ControllerRevision> kept = history.kept(vllm, decision(target, target, true), template);

    assertThat(kept).hasSize(3);
    ControllerRevision added =
        kept.stream()
            .filter(r -> r.getMetadata().getName().equals("llama-" + target))
            .findFirst()
            .orElseThrow();
    assertThat(added.getRevision()).isEqualTo(3L);
    assertThat(added.getMetadata().getLabels())
        .containsEntry(RevisionHistory.REVISION_LABEL, target)
        .containsEntry("app.kubernetes.io/managed-by", "vllm-operator");
    var reread = RevisionHistory.of(kept);
    assertThat(reread.newest()).contains(target);
    // The kept template is the same pod template: it hashes to the same revision.
    assertThat(reread.template(target))
        .get()
        .extracting(io.vllmoperator.desired.Revision::of)
        .isEqualTo(target);
  }

  @Test
  void theHistoryIsPrunedToTheLimitButKeepsTheLastGoodOne() {
    List<ControllerRevision> stored = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      stored.add(stored(("r" + i).repeat(5), i));
    }
    var history = RevisionHistory.of(stored);

    // The oldest one is what serves (a rollback to it), so it stays too.
    List<ControllerRevision> kept =
        history.kept(vllm, decision(target, "r1r1r1r1r1", false), template);

    assertThat(kept)
        .extracting(r -> r.getMetadata().getLabels().get(RevisionHistory.REVISION_LABEL))
        .containsExactly(
            "r7r7r7r7r7", "r6r6r6r6r6", "r5r5r5r5r5", "r4r4r4r4r4", "r3r3r3r3r3", "r1r1r1r1r1");
  }

  @Test
  void nothingIsWrittenWhenNothingProvedGood() {
    var history = RevisionHistory.of(List.of(stored("aaaaaaaaaa", 1)));

    assertThat(history.kept(vllm, decision(target, "aaaaaaaaaa", false), template))
        .singleElement()
        .satisfies(r -> assertThat(r.getRevision()).isEqualTo(1L));
  }

  @Test
  void revisionsWithoutLabelOrTemplateAreIgnored() {
    var unlabelled = stored("cccccccccc", 4);
    unlabelled.getMetadata().setLabels(Map.of());
    var empty = stored("dddddddddd", 5);
    empty.setData(null);

    assertThat(RevisionHistory.of(List.of(unlabelled, empty, stored("aaaaaaaaaa", 1))).revisions())
        .containsExactly("aaaaaaaaaa");
  }

  private ControllerRevision stored(String revision, long number) {
    ControllerRevision r =
        new io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder()
            .withNewMetadata()
            .withName("llama-" + revision)
            .withNamespace("llm")
            .withLabels(Map.of(RevisionHistory.REVISION_LABEL, revision))
            .endMetadata()
            .withData(Serialization.jsonMapper().convertValue(template, Map.class))
            .withRevision(number)
            .build();
    return r;
  }

  private static RolloutDecision decision(String target, String served, boolean good) {
    RolloutStatus status = new RolloutStatus();
    status.setTargetRevision(target);
    status.setLastGoodRevision(good ? target : served);
    return new RolloutDecision(
        RolloutState.STABLE,
        served,
        new RolloutSettings.Strategy(1, 0),
        false,
        "",
        Optional.empty(),
        status,
        List.of(),
        good,
        Optional.empty());
  }
}
