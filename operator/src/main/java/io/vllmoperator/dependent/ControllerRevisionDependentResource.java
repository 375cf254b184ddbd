package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.rollout.RolloutPlan;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The pod templates of good revisions, kept for rollbacks (see rollout.RevisionHistory). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ControllerRevisionDependentResource
    extends CRUDKubernetesDependentResource<ControllerRevision, VllmDeployment>
    implements BulkDependentResource<ControllerRevision, VllmDeployment, ResourceID> {

  public ControllerRevisionDependentResource() {
    super(ControllerRevision.class);
  }

  /** Without a plan (nothing decided yet) the history stays as it is. */
  @Override
  public Map<ResourceID, ControllerRevision> desiredResources(
      VllmDeployment vllm, Context<VllmDeployment> context) {
    List<ControllerRevision> kept =
        RolloutPlan.in(context)
            .map(RolloutPlan::revisions)
            .orElseGet(() -> List.copyOf(getSecondaryResources(vllm, context).values()));
    return byId(kept);
  }

  @Override
  public Map<ResourceID, ControllerRevision> getSecondaryResources(
      VllmDeployment vllm, Context<VllmDeployment> context) {
    return byId(List.copyOf(context.getSecondaryResources(ControllerRevision.class)));
  }

  private static Map<ResourceID, ControllerRevision> byId(List<ControllerRevision> revisions) {
    return revisions.stream()
        .collect(Collectors.toMap(ResourceID::fromResource, Function.identity(), (a, b) -> a));
  }
}
