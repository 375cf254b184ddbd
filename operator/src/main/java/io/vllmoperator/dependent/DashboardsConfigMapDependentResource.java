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
import io.vllmoperator.monitoring.DashboardConfigs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Grafana dashboards of this deployment, for the Grafana dashboard sidecar (label
 * grafana_dashboard: "1"; folder from the grafana_folder or k8s-sidecar-target-directory
 * annotation, whichever the sidecar is configured to read).
 */
@KubernetesDependent(
    informer =
        @Informer(
            labelSelector =
                Labels.MANAGED_SELECTOR
                    + ","
                    + DashboardsConfigMapDependentResource.DASHBOARD_LABEL
                    + "="
                    + DashboardsConfigMapDependentResource.DASHBOARD_LABEL_VALUE))
public class DashboardsConfigMapDependentResource
    extends CRUDKubernetesDependentResource<ConfigMap, VllmDeployment> {

  /** What the Grafana sidecar selects (kube-prometheus-stack: label grafana_dashboard="1"). */
  public static final String DASHBOARD_LABEL = "grafana_dashboard";

  public static final String DASHBOARD_LABEL_VALUE = "1";

  /** Folder annotation, as set with sidecar.dashboards.folderAnnotation: grafana_folder. */
  public static final String FOLDER_ANNOTATION = "grafana_folder";

  /** The annotation k8s-sidecar reads when no FOLDER_ANNOTATION is configured. */
  public static final String SIDECAR_FOLDER_ANNOTATION = "k8s-sidecar-target-directory";

  public DashboardsConfigMapDependentResource() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  public static ConfigMap build(VllmDeployment vllm) {
    Map<String, String> labels = new LinkedHashMap<>(Labels.common(vllm));
    labels.put(DASHBOARD_LABEL, DASHBOARD_LABEL_VALUE);
    String folder = MonitoringSettings.of(vllm).folder();
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(FOLDER_ANNOTATION, folder);
    annotations.put(SIDECAR_FOLDER_ANNOTATION, folder);
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(Names.dashboards(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withData(DashboardConfigs.of(vllm))
        .build();
  }

  /** spec.monitoring.dashboards.enabled (default true). */
  public static class Enabled implements Condition<ConfigMap, VllmDeployment> {
    @Override
    public boolean isMet(
        DependentResource<ConfigMap, VllmDeployment> dependentResource,
        VllmDeployment vllm,
        Context<VllmDeployment> context) {
      return MonitoringSettings.of(vllm).dashboards();
    }
  }
}
