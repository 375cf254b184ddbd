package io.vllmoperator.desired;

import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.util.List;

/**
 * Where the pods may land relative to each other: spread across nodes by default, so a node failure
 * takes as few replicas as possible; soft (ScheduleAnyway), so GPUs on one node are still used when
 * no other has room. The default holds for any replica count: making it depend on spec.replicas
 * would change the pod template, and restart every pod, on a scale from 1 to 2.
 */
public final class TopologySpread {
  public static final String NODE_KEY = "kubernetes.io/hostname";

  private TopologySpread() {}

  /**
   * spec.scheduling.topologySpreadConstraints if set, else the default; null for [] (none), so the
   * field is left out of the pod template.
   */
  public static List<TopologySpreadConstraint> of(VllmDeployment vllm) {
    var scheduling = vllm.getSpec().getScheduling();
    if (scheduling != null && scheduling.getTopologySpreadConstraints() != null) {
      var own = scheduling.getTopologySpreadConstraints();
      return own.isEmpty() ? null : own;
    }
    return List.of(
        new TopologySpreadConstraintBuilder()
            .withMaxSkew(1)
            .withTopologyKey(NODE_KEY)
            .withWhenUnsatisfiable("ScheduleAnyway")
            .withNewLabelSelector()
            .withMatchLabels(Labels.selector(vllm))
            .endLabelSelector()
            .build());
  }
}
