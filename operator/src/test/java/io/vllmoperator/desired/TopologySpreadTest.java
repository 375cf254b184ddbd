package io.vllmoperator.desired;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopologySpreadTest {
  @Test
  void byDefaultThePodsSpreadSoftlyAcrossNodesWhateverTheReplicaCount() {
    for (int replicas : new int[] {1, 3}) {
      var spec =
          VllmPodTemplate.of(vllm("llama", "model: {name: m}\nreplicas: " + replicas)).getSpec();

      assertThat(spec.getTopologySpreadConstraints())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(c.getMaxSkew()).isEqualTo(1);
                assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
                assertThat(c.getLabelSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/instance", "llama");
              });
    }
  }

  @Test
  void scalingDoesNotChangeThePodTemplate() {
    assertThat(VllmPodTemplate.of(vllm("llama", "model: {name: m}\nreplicas: 1")))
        .isEqualTo(VllmPodTemplate.of(vllm("llama", "model: {name: m}\nreplicas: 4")));
  }

  @Test
  void ownConstraintsReplaceTheDefault() {
    var spec =
        VllmPodTemplate.of(
                vllm(
                    "llama",
                    "model: {name: m}\nscheduling: {topologySpreadConstraints: [{maxSkew: 2,"
                        + " topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable:"
                        + " DoNotSchedule}]}"))
            .getSpec();

    assertThat(spec.getTopologySpreadConstraints())
        .singleElement()
        .satisfies(c -> assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
  }

  @Test
  void anEmptyListTurnsSpreadingOff() {
    var spec =
        VllmPodTemplate.of(
                vllm("llama", "model: {name: m}\nscheduling: {topologySpreadConstraints: []}"))
            .getSpec();

    assertThat(spec.getTopologySpreadConstraints()).isNullOrEmpty();
  }
}
