package io.vllmoperator.rollout;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.util.List;
import java.util.Optional;

/**
 * A decision made concrete for the dependents: the pod template to serve and the
 * ControllerRevisions to keep. Put into the reconcile context before the workflow runs, so each
 * dependent's desired() stays pure.
 */
public record RolloutPlan(
    RolloutDecision decision, PodTemplateSpec servedTemplate, List<ControllerRevision> revisions) {
  private static final String KEY = "rollout-plan";

  /**
   * @param target the pod template the spec gives ({@code VllmPodTemplate.of}), as the decision's
   *     settings had it
   */
  public static RolloutPlan of(
      VllmDeployment vllm,
      PodTemplateSpec target,
      RolloutDecision decision,
      RevisionHistory history) {
    String targetRevision = decision.rollout().getTargetRevision();
    PodTemplateSpec served =
        decision.servedRevision().equals(targetRevision)
            ? target
            : history.template(decision.servedRevision()).orElse(target);
    return new RolloutPlan(decision, served, history.kept(vllm, decision, target));
  }

  public void putInto(Context<VllmDeployment> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  public static Optional<RolloutPlan> in(Context<VllmDeployment> context) {
    return context.managedWorkflowAndDependentResourceContext().get(KEY, RolloutPlan.class);
  }
}
