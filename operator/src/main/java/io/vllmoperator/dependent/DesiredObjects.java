package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.util.ArrayList;
import java.util.List;

/**
 * Every object the workflow manages for one VllmDeployment, built by the dependents' own pure
 * builders. `render` prints this list; the reconciler applies the same objects.
 */
public final class DesiredObjects {
  private DesiredObjects() {}

  public static List<HasMetadata> of(VllmDeployment vllm) {
    List<HasMetadata> objects = new ArrayList<>();
    if (ModelCachePvcDependentResource.CacheSizeRequested.requested(vllm)) {
      objects.add(ModelCachePvcDependentResource.build(vllm));
    }
    objects.add(DeploymentDependentResource.build(vllm));
    objects.add(ServiceDependentResource.build(vllm));
    return objects;
  }
}
