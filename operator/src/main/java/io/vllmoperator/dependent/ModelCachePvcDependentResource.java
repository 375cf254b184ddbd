package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.Names;
import java.util.Map;

/**
 * The weights cache the operator creates when spec.model.cache.size is set. Create-only and not
 * garbage-collected (no owner reference, no Deleter): downloaded weights outlive the CR.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ModelCachePvcDependentResource
    extends KubernetesDependentResource<PersistentVolumeClaim, VllmDeployment>
    implements Creator<PersistentVolumeClaim, VllmDeployment> {

  /** Tells an admin why the claim is still there after the VllmDeployment is gone. */
  public static final String RETAINED_ANNOTATION = "vllm-operator.io/retained";

  public ModelCachePvcDependentResource() {
    super(PersistentVolumeClaim.class);
  }

  @Override
  protected PersistentVolumeClaim desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  public static PersistentVolumeClaim build(VllmDeployment vllm) {
    var cache = vllm.getSpec().getModel().getCache();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(Names.cacheClaim(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(Labels.common(vllm))
        .withAnnotations(
            Map.of(
                RETAINED_ANNOTATION,
                "kept when the VllmDeployment is deleted; delete it by hand to free the space"))
        .endMetadata()
        .withNewSpec()
        .withAccessModes(cache.getAccessMode().value())
        .withStorageClassName(cache.getStorageClassName())
        .withNewResources()
        .addToRequests("storage", cache.getSize())
        .endResources()
        .endSpec()
        .build();
  }

  /** Only a cache with a size is the operator's to create; an existing claim is the user's. */
  public static class CacheSizeRequested
      implements Condition<PersistentVolumeClaim, VllmDeployment> {
    @Override
    public boolean isMet(
        DependentResource<PersistentVolumeClaim, VllmDeployment> dependentResource,
        VllmDeployment vllm,
        Context<VllmDeployment> context) {
      return requested(vllm);
    }

    public static boolean requested(VllmDeployment vllm) {
      var cache = vllm.getSpec().getModel().getCache();
      return cache != null && cache.getSize() != null;
    }
  }
}
