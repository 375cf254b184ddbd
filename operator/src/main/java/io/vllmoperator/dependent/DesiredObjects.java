package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.MonitoringSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Every object the workflow manages for one VllmDeployment, built by the dependents' own pure
 * builders. `render` prints this list; the reconciler applies the same objects.
 */
public final class DesiredObjects {
  private DesiredObjects() {}

  /** As on a cluster with prometheus-operator installed. */
  public static List<HasMetadata> of(VllmDeployment vllm) {
    return of(vllm, true);
  }

  /**
   * @param prometheusOperator whether the monitoring.coreos.com CRDs exist; without them the
   *     ServiceMonitor, PrometheusRule and AlertmanagerConfig are skipped, as the operator skips
   *     them
   */
  public static List<HasMetadata> of(VllmDeployment vllm, boolean prometheusOperator) {
    List<HasMetadata> objects = new ArrayList<>();
    if (ModelCachePvcDependentResource.CacheSizeRequested.requested(vllm)) {
      objects.add(ModelCachePvcDependentResource.build(vllm));
    }
    objects.add(DeploymentDependentResource.build(vllm));
    objects.add(ServiceDependentResource.build(vllm));
    if (NetworkPolicyDependentResource.Enabled.enabled(vllm)) {
      objects.add(NetworkPolicyDependentResource.build(vllm));
    }
    MonitoringSettings monitoring = MonitoringSettings.of(vllm);
    if (prometheusOperator && monitoring.serviceMonitor()) {
      objects.add(ServiceMonitorDependentResource.build(vllm));
    }
    if (prometheusOperator && monitoring.alerts()) {
      objects.add(PrometheusRuleDependentResource.build(vllm));
    }
    if (prometheusOperator && monitoring.alertRouting()) {
      objects.add(AlertmanagerConfigDependentResource.build(vllm));
    }
    if (monitoring.dashboards()) {
      objects.add(DashboardsConfigMapDependentResource.build(vllm));
    }
    return objects;
  }
}
