package io.vllmoperator.desired;

import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels on everything the operator creates; the selector subset picks the pods. */
public final class Labels {
  public static final String MANAGED_BY_KEY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "vllm-operator";

  /** Informer selector: the operator only watches what it created. */
  public static final String MANAGED_SELECTOR = MANAGED_BY_KEY + "=" + MANAGED_BY;

  public static final String NAME_KEY = "app.kubernetes.io/name";
  public static final String INSTANCE_KEY = "app.kubernetes.io/instance";
  public static final String COMPONENT_KEY = "app.kubernetes.io/component";

  /** Copied from the CR, so alerts and dashboards can tell production from staging. */
  public static final String ENVIRONMENT_KEY = "environment";

  private Labels() {}

  /** Stable across spec changes: a Deployment selector cannot change. */
  public static Map<String, String> selector(VllmDeployment vllm) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME_KEY, "vllm");
    labels.put(INSTANCE_KEY, vllm.getMetadata().getName());
    return labels;
  }

  /** Pod labels: only what never changes, so relabelling a CR does not restart its pods. */
  public static Map<String, String> pod(VllmDeployment vllm) {
    Map<String, String> labels = selector(vllm);
    labels.put(COMPONENT_KEY, "model-server");
    labels.put(MANAGED_BY_KEY, MANAGED_BY);
    return labels;
  }

  /** Labels of the Deployment, Service and monitoring objects. */
  public static Map<String, String> common(VllmDeployment vllm) {
    Map<String, String> labels = pod(vllm);
    Map<String, String> own = vllm.getMetadata().getLabels();
    if (own != null && own.containsKey(ENVIRONMENT_KEY)) {
      labels.put(ENVIRONMENT_KEY, own.get(ENVIRONMENT_KEY));
    }
    return labels;
  }

  /**
   * Labels of the ServiceMonitor, PrometheusRule and AlertmanagerConfig: spec.monitoring.labels
   * (e.g. the `release` label kube-prometheus-stack selects on), then {@link #common}, which wins
   * on a clash so the operator keeps finding what it manages.
   */
  public static Map<String, String> monitoring(VllmDeployment vllm) {
    Map<String, String> labels = new LinkedHashMap<>(MonitoringSettings.of(vllm).labels());
    labels.putAll(common(vllm));
    return labels;
  }

  /** The selector as the scale subresource wants it: k=v,k=v. */
  public static String selectorString(VllmDeployment vllm) {
    return String.join(
        ",", selector(vllm).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
