package io.vllmoperator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.desired.VllmPodTemplate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The last good revision is usually the served one too: pinning it twice is no error. */
class RevisionHistoryPinnedTest {

  @Test
  void aTargetThatIsBothLastGoodAndServedIsKeptOnce() {
    var vllm = TestManifests.vllm("pinned", "model: {name: Qwen/Qwen2.5-1.5B-Instruct}");
    var template = VllmPodTemplate.of(vllm);
    String revision = template.getMetadata().getAnnotations().get("vllm-operator.io/revision");
    RolloutStatus rollout = new RolloutStatus();
    rollout.setTargetRevision(revision);
    rollout.setLastGoodRevision(revision);
    var decision =
        new RolloutDecision(
            RolloutState.STABLE,
            revision,
            new RolloutSettings.Strategy(1, 0),
            false,
            "all replicas run revision " + revision,
            Optional.empty(),
            rollout,
            List.of(),
            true,
            Optional.empty());

    var kept = RevisionHistory.of(List.of()).kept(vllm, decision, template);

    assertThat(kept).singleElement().satisfies(r -> assertThat(r.getRevision()).isEqualTo(1L));
  }
}
