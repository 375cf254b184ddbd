package io.vllmoperator.dependent;

import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfigBuilder;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitorBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.desired.Names;
import io.vllmoperator.desired.VllmPodTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes prometheus-operator scrape the pods through the Service: job = Service name, plus the
 * target labels `model` (served name) and `environment` (the CR's environment label), both of one
 * value per deployment.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ServiceMonitorDependentResource extends ActivatedDependentResource<ServiceMonitor> {

  public static final String METRICS_PATH = "/metrics";

  public ServiceMonitorDependentResource() {
    super(ServiceMonitor.class);
  }

  @Override
  protected ServiceMonitor desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  public static ServiceMonitor build(VllmDeployment vllm) {
    MonitoringSettings settings = MonitoringSettings.of(vllm);
    return new ServiceMonitorBuilder()
        .withNewMetadata()
        .withName(Names.workload(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(Labels.monitoring(vllm))
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(Labels.selector(vllm))
        .endSelector()
        .addNewEndpoint()
        .withPort(VllmPodTemplate.PORT_NAME)
        .withPath(METRICS_PATH)
        .withInterval(settings.interval())
        .withRelabelings(relabelings(vllm))
        .endEndpoint()
        .endSpec()
        .build();
  }

  private static List<RelabelConfig> relabelings(VllmDeployment vllm) {
    List<RelabelConfig> relabelings = new ArrayList<>();
    relabelings.add(staticLabel("model", Names.servedModel(vllm)));
    Map<String, String> own = vllm.getMetadata().getLabels();
    if (own != null && own.get(Labels.ENVIRONMENT_KEY) != null) {
      relabelings.add(staticLabel(Labels.ENVIRONMENT_KEY, own.get(Labels.ENVIRONMENT_KEY)));
    }
    return relabelings;
  }

  /** "$" in a relabel replacement starts a reference; "$$" is a literal dollar. */
  private static RelabelConfig staticLabel(String label, String value) {
    return new RelabelConfigBuilder()
        .withAction("replace")
        .withTargetLabel(label)
        .withReplacement(value.replace("$", "$$"))
        .build();
  }

  /** spec.monitoring.serviceMonitor.enabled (default true). */
  public static class Enabled implements Condition<ServiceMonitor, VllmDeployment> {
    @Override
    public boolean isMet(
        DependentResource<ServiceMonitor, VllmDeployment> dependentResource,
        VllmDeployment vllm,
        Context<VllmDeployment> context) {
      return MonitoringSettings.of(vllm).serviceMonitor();
    }
  }

  /** The servicemonitors.monitoring.coreos.com CRD exists (re-checked until it does). */
  public static class CrdPresent extends PrometheusOperatorCrdPresent<ServiceMonitor> {}
}
