package io.vllmoperator.dependent;

import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRuleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.desired.Names;
import io.vllmoperator.monitoring.AlertRules;

/** This deployment's alerts (alerts/vllm-alerts.yaml with its thresholds and runbook links). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class PrometheusRuleDependentResource extends ActivatedDependentResource<PrometheusRule> {

  public PrometheusRuleDependentResource() {
    super(PrometheusRule.class);
  }

  @Override
  protected PrometheusRule desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  public static PrometheusRule build(VllmDeployment vllm) {
    return new PrometheusRuleBuilder()
        .withNewMetadata()
        .withName(Names.workload(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(Labels.monitoring(vllm))
        .endMetadata()
        .withSpec(AlertRules.spec(vllm))
        .build();
  }

  /** spec.monitoring.alerts.enabled (default true). */
  public static class Enabled implements Condition<PrometheusRule, VllmDeployment> {
    @Override
    public boolean isMet(
        DependentResource<PrometheusRule, VllmDeployment> dependentResource,
        VllmDeployment vllm,
        Context<VllmDeployment> context) {
      return MonitoringSettings.of(vllm).alerts();
    }
  }

  /** The prometheusrules.monitoring.coreos.com CRD exists (re-checked until it does). */
  public static class CrdPresent extends PrometheusOperatorCrdPresent<PrometheusRule> {}
}
