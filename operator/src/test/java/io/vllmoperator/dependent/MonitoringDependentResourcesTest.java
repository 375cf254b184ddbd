package io.vllmoperator.dependent;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.monitoring.AlertRules;
import io.vllmoperator.monitoring.DashboardConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitoringDependentResourcesTest {
  private static final VllmDeployment LLAMA =
      vllm(
          "llama-8b",
          "model: {name: m, servedName: llama-chat}\n"
              + "monitoring:\n"
              + "  labels: {release: kube-prometheus-stack, app.kubernetes.io/managed-by: someone}\n"
              + "  serviceMonitor: {interval: 30s}\n"
              + "  dashboards: {enabled: true, folder: LLM Serving}");

  static {
    LLAMA
        .getMetadata()
        .setLabels(new java.util.HashMap<>(java.util.Map.of("environment", "staging")));
  }

  @Test
  void serviceMonitorScrapesTheServicesHttpPortWithBoundedExtraLabels() {
    var monitor = ServiceMonitorDependentResource.build(LLAMA);
    var service = ServiceDependentResource.build(LLAMA);

    assertThat(monitor.getMetadata().getName()).isEqualTo(service.getMetadata().getName());
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo("llm");
    assertThat(monitor.getSpec().getSelector().getMatchLabels())
        .isEqualTo(service.getSpec().getSelector());
    assertThat(monitor.getSpec().getEndpoints())
        .singleElement()
        .satisfies(
            endpoint -> {
              assertThat(endpoint.getPort())
                  .isEqualTo(service.getSpec().getPorts().get(0).getName());
              assertThat(endpoint.getPath()).isEqualTo("/metrics");
              assertThat(endpoint.getInterval()).isEqualTo("30s");
              assertThat(endpoint.getRelabelings())
                  .extracting(
                      RelabelConfig::getTargetLabel,
                      RelabelConfig::getReplacement,
                      RelabelConfig::getAction)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple("model", "llama-chat", "replace"),
                      org.assertj.core.groups.Tuple.tuple("environment", "staging", "replace"));
              assertThat(endpoint.getRelabelings())
                  .allMatch(r -> r.getSourceLabels() == null || r.getSourceLabels().isEmpty());
            });
  }

  @Test
  void withoutAnEnvironmentLabelThereIsNoEnvironmentRelabeling() {
    var monitor = ServiceMonitorDependentResource.build(vllm("qwen", "model: {name: m}"));

    assertThat(monitor.getSpec().getEndpoints().get(0).getRelabelings())
        .extracting(RelabelConfig::getTargetLabel)
        .containsExactly("model");
    assertThat(monitor.getSpec().getEndpoints().get(0).getInterval()).isEqualTo("15s");
    assertThat(monitor.getSpec().getEndpoints().get(0).getRelabelings().get(0).getReplacement())
        .isEqualTo("qwen");
  }

  @Test
  void aDollarInTheServedNameStaysLiteralInTheRelabeling() {
    var monitor =
        ServiceMonitorDependentResource.build(vllm("a", "model: {name: m, servedName: 'x$1'}"));

    assertThat(monitor.getSpec().getEndpoints().get(0).getRelabelings().get(0).getReplacement())
        .isEqualTo("x$$1");
  }

  @Test
  void serviceMonitorAndRuleCarryMonitoringLabelsButKeepTheOperatorsOwn() {
    for (HasMetadata object :
        List.of(
            ServiceMonitorDependentResource.build(LLAMA),
            PrometheusRuleDependentResource.build(LLAMA))) {
      assertThat(object.getMetadata().getLabels())
          .containsEntry("release", "kube-prometheus-stack")
          .containsEntry("app.kubernetes.io/managed-by", "vllm-operator")
          .containsEntry("app.kubernetes.io/instance", "llama-8b")
          .containsEntry("environment", "staging");
    }
  }

  @Test
  void prometheusRuleHoldsTheRenderedAlerts() {
    var rule = PrometheusRuleDependentResource.build(LLAMA);

    assertThat(rule.getMetadata().getName()).isEqualTo("llama-8b");
    assertThat(rule.getSpec()).isEqualTo(AlertRules.spec(LLAMA));
    assertThat(rule.getSpec().getGroups().get(0).getRules()).hasSize(13);
  }

  @Test
  void dashboardsConfigMapIsLabelledAndFiledForTheGrafanaSidecar() {
    var configMap = DashboardsConfigMapDependentResource.build(LLAMA);

    assertThat(configMap.getMetadata().getName()).isEqualTo("llama-8b-dashboards");
    assertThat(configMap.getMetadata().getLabels())
        .containsEntry("grafana_dashboard", "1")
        .containsEntry("app.kubernetes.io/managed-by", "vllm-operator");
    assertThat(configMap.getMetadata().getAnnotations())
        .containsEntry("grafana_folder", "LLM Serving")
        .containsEntry("k8s-sidecar-target-directory", "LLM Serving");
    assertThat(configMap.getData()).isEqualTo(DashboardConfigs.of(LLAMA)).hasSize(3);
    assertThat(
            DashboardsConfigMapDependentResource.build(vllm("q", "model: {name: m}"))
                .getMetadata()
                .getAnnotations())
        .containsEntry("grafana_folder", "vLLM");
  }

  @Test
  void enabledConditionsFollowTheSpec() {
    var off =
        vllm(
            "q",
            "model: {name: m}\nmonitoring: {serviceMonitor: {enabled: false}, alerts: {enabled:"
                + " false}, dashboards: {enabled: false}, logs: {enabled: false}}");
    var on = vllm("q", "model: {name: m}\nmonitoring: {dashboards: {enabled: true}}");
    var byDefault = vllm("q", "model: {name: m}");

    assertThat(new ServiceMonitorDependentResource.Enabled().isMet(null, on, null)).isTrue();
    assertThat(new ServiceMonitorDependentResource.Enabled().isMet(null, off, null)).isFalse();
    assertThat(new PrometheusRuleDependentResource.Enabled().isMet(null, on, null)).isTrue();
    assertThat(new PrometheusRuleDependentResource.Enabled().isMet(null, off, null)).isFalse();
    assertThat(new DashboardsConfigMapDependentResource.Enabled().isMet(null, on, null)).isTrue();
    assertThat(new DashboardsConfigMapDependentResource.Enabled().isMet(null, off, null)).isFalse();
    assertThat(new DashboardsConfigMapDependentResource.Enabled().isMet(null, byDefault, null))
        .as("per-deployment dashboards only when asked: the chart's fleet set covers all")
        .isFalse();
    assertThat(DesiredObjects.of(off))
        .extracting(HasMetadata::getKind)
        .containsExactly("Deployment", "Service");
  }

  @Test
  void desiredObjectsShowEveryMonitoringObjectOrSkipThoseNeedingPrometheusOperator() {
    assertThat(DesiredObjects.of(LLAMA))
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactly(
            "Deployment/llama-8b",
            "Service/llama-8b",
            "ServiceMonitor/llama-8b",
            "PrometheusRule/llama-8b",
            "ConfigMap/llama-8b-dashboards");
    assertThat(DesiredObjects.of(LLAMA, false))
        .extracting(HasMetadata::getKind)
        .containsExactly("Deployment", "Service", "ConfigMap");
  }

  @Test
  void buildersArePure() {
    assertThat(DesiredObjects.of(LLAMA)).isEqualTo(DesiredObjects.of(LLAMA));
  }
}
