package io.vllmoperator.desired;

import io.vllmoperator.api.v1alpha1.VllmDeployment;

/** Names of the objects created for a VllmDeployment. */
public final class Names {
  private Names() {}

  /** Deployment, Service, ServiceMonitor and PrometheusRule share the CR's name. */
  public static String workload(VllmDeployment vllm) {
    return vllm.getMetadata().getName();
  }

  public static String cacheClaim(VllmDeployment vllm) {
    return vllm.getMetadata().getName() + "-cache";
  }

  public static String dashboards(VllmDeployment vllm) {
    return vllm.getMetadata().getName() + "-dashboards";
  }

  /** The name clients send and the model_name metric label: servedName, else the CR's name. */
  public static String servedModel(VllmDeployment vllm) {
    String served = vllm.getSpec().getModel().getServedName();
    return served == null || served.isBlank() ? vllm.getMetadata().getName() : served;
  }

  /** The claim mounted as the weights cache, if any. */
  public static String cacheClaimInUse(VllmDeployment vllm) {
    var cache = vllm.getSpec().getModel().getCache();
    if (cache == null) {
      return null;
    }
    return cache.getExistingClaim() != null ? cache.getExistingClaim() : cacheClaim(vllm);
  }

  public static String endpoint(VllmDeployment vllm) {
    return "http://"
        + workload(vllm)
        + "."
        + vllm.getMetadata().getNamespace()
        + ".svc:"
        + vllm.getSpec().getService().getPort()
        + "/v1";
  }
}
