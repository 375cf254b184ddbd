package io.vllmoperator.desired;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.SchedulingSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where GPU pods may run and what they claim. */
public final class GpuScheduling {
  /** Set by NVIDIA GPU feature discovery on every GPU node. */
  public static final String PRODUCT_LABEL = "nvidia.com/gpu.product";

  private static final int SHM_GIB_PER_GPU = 4;

  private GpuScheduling() {}

  /** The user's requests and limits plus the GPUs, which must be requested and limited alike. */
  public static ResourceRequirements resources(VllmDeployment vllm) {
    var spec = vllm.getSpec();
    ResourceRequirements own = spec.getResources();
    Quantity gpus = new Quantity(String.valueOf(spec.getGpu().getCount()));
    Map<String, Quantity> limits = new LinkedHashMap<>();
    Map<String, Quantity> requests = new LinkedHashMap<>();
    if (own != null && own.getLimits() != null) {
      limits.putAll(own.getLimits());
    }
    if (own != null && own.getRequests() != null) {
      requests.putAll(own.getRequests());
    }
    limits.put(spec.getGpu().getResource(), gpus);
    requests.put(spec.getGpu().getResource(), gpus);
    return new ResourceRequirementsBuilder().withLimits(limits).withRequests(requests).build();
  }

  public static Map<String, String> nodeSelector(VllmDeployment vllm) {
    Map<String, String> selector = new LinkedHashMap<>();
    SchedulingSpec scheduling = vllm.getSpec().getScheduling();
    if (scheduling != null && scheduling.getNodeSelector() != null) {
      selector.putAll(scheduling.getNodeSelector());
    }
    String product = vllm.getSpec().getGpu().getProduct();
    if (product != null && !product.isBlank()) {
      selector.put(PRODUCT_LABEL, product);
    }
    return selector;
  }

  /** GPU nodes are usually tainted with the GPU resource name; the pods tolerate it. */
  public static List<Toleration> tolerations(VllmDeployment vllm) {
    List<Toleration> tolerations = new ArrayList<>();
    tolerations.add(
        new TolerationBuilder()
            .withKey(vllm.getSpec().getGpu().getResource())
            .withOperator("Exists")
            .withEffect("NoSchedule")
            .build());
    SchedulingSpec scheduling = vllm.getSpec().getScheduling();
    if (scheduling != null && scheduling.getTolerations() != null) {
      tolerations.addAll(scheduling.getTolerations());
    }
    return tolerations;
  }

  /** PyTorch/NCCL exchange tensors through /dev/shm; tensor parallelism needs more of it. */
  public static Quantity sharedMemory(VllmDeployment vllm) {
    return new Quantity(SHM_GIB_PER_GPU * vllm.getSpec().getGpu().getCount() + "Gi");
  }
}
