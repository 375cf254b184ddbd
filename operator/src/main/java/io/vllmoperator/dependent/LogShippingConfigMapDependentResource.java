package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.desired.Names;
import io.vllmoperator.monitoring.LogShippingConfigs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The log shipping config of this deployment's pods: a Promtail scrape config and/or a Grafana
 * Alloy pipeline (spec.monitoring.logs), for a log collector DaemonSet to pick up by the label
 * vllm-operator.io/log-config: "true" (docs/monitoring.md shows how).
 */
@KubernetesDependent(
    informer =
        @Informer(
            labelSelector =
                Labels.MANAGED_SELECTOR
                    + ","
                    + LogShippingConfigMapDependentResource.LOG_CONFIG_LABEL
                    + "=true"))
public class LogShippingConfigMapDependentResource
    extends CRUDKubernetesDependentResource<ConfigMap, VllmDeployment> {

  public static final String LOG_CONFIG_LABEL = "vllm-operator.io/log-config";

  public LogShippingConfigMapDependentResource() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  public static ConfigMap build(VllmDeployment vllm) {
    MonitoringSettings settings = MonitoringSettings.of(vllm);
    Map<String, String> labels = new LinkedHashMap<>(Labels.common(vllm));
    labels.put(LOG_CONFIG_LABEL, "true");
    Map<String, String> data = new LinkedHashMap<>();
    if (settings.promtail()) {
      data.put(LogShippingConfigs.promtailKey(vllm), LogShippingConfigs.promtail(vllm));
    }
    if (settings.alloy()) {
      data.put(LogShippingConfigs.alloyKey(vllm), LogShippingConfigs.alloy(vllm));
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(Names.logConfig(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(labels)
        .endMetadata()
        .withData(data)
        .build();
  }

  /** spec.monitoring.logs.promtail or .alloy. */
  public static class Enabled implements Condition<ConfigMap, VllmDeployment> {
    @Override
    public boolean isMet(
        DependentResource<ConfigMap, VllmDeployment> dependentResource,
        VllmDeployment vllm,
        Context<VllmDeployment> context) {
      return MonitoringSettings.of(vllm).logShipping();
    }
  }
}
