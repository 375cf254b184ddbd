package io.vllmoperator.dependent;

import io.fabric8.openshift.api.model.monitoring.v1alpha1.AlertmanagerConfig;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.AlertmanagerConfigBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.desired.Names;
import io.vllmoperator.monitoring.AlertRouting;

/**
 * Routes this deployment's alerts by severity to the receivers of spec.monitoring.alertRouting.
 * Credentials stay Secret references: prometheus-operator reads them, this operator never does.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AlertmanagerConfigDependentResource
    extends ActivatedDependentResource<AlertmanagerConfig> {

  public AlertmanagerConfigDependentResource() {
    super(AlertmanagerConfig.class);
  }

  @Override
  protected AlertmanagerConfig desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  public static AlertmanagerConfig build(VllmDeployment vllm) {
    return new AlertmanagerConfigBuilder()
        .withNewMetadata()
        .withName(Names.workload(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(Labels.monitoring(vllm))
        .endMetadata()
        .withSpec(AlertRouting.spec(vllm))
        .build();
  }

  /** spec.monitoring.alertRouting.enabled (default false). */
  public static class Enabled implements Condition<AlertmanagerConfig, VllmDeployment> {
    @Override
    public boolean isMet(
        DependentResource<AlertmanagerConfig, VllmDeployment> dependentResource,
        VllmDeployment vllm,
        Context<VllmDeployment> context) {
      return MonitoringSettings.of(vllm).alertRouting();
    }
  }

  /** The alertmanagerconfigs.monitoring.coreos.com CRD exists (re-checked until it does). */
  public static class CrdPresent extends PrometheusOperatorCrdPresent<AlertmanagerConfig> {}
}
