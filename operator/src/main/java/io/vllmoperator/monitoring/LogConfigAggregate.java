package io.vllmoperator.monitoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ConfigMap with the log shipping config of every VllmDeployment, for a Promtail or Alloy
 * DaemonSet to mount: {@code promtail.yaml} (all scrape_configs in one file, as Promtail needs) and
 * one {@code <namespace>.<name>.alloy} per deployment (Alloy loads a directory).
 */
public final class LogConfigAggregate {
  public static final String NAME = "vllm-operator-logs";
  public static final String PROMTAIL_KEY = "promtail.yaml";

  private LogConfigAggregate() {}

  /** Pure: the same deployments, in any order, give the same ConfigMap. */
  public static ConfigMap of(String namespace, Collection<VllmDeployment> deployments) {
    ObjectNode promtail = JsonNodeFactory.instance.objectNode();
    ArrayNode jobs = promtail.putArray("scrape_configs");
    Map<String, String> data = new LinkedHashMap<>();
    deployments.stream()
        .sorted(
            Comparator.comparing((VllmDeployment v) -> v.getMetadata().getNamespace())
                .thenComparing(v -> v.getMetadata().getName()))
        .forEach(
            vllm -> {
              MonitoringSettings settings = MonitoringSettings.of(vllm);
              if (settings.promtail()) {
                LogShippingConfigs.promtailTree(vllm).path("scrape_configs").forEach(jobs::add);
              }
              if (settings.alloy()) {
                data.put(LogShippingConfigs.alloyKey(vllm), LogShippingConfigs.alloy(vllm));
              }
            });
    Map<String, String> ordered = new LinkedHashMap<>();
    ordered.put(PROMTAIL_KEY, LogShippingConfigs.promtailYaml(promtail));
    ordered.putAll(data);
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .addToLabels(Labels.MANAGED_BY_KEY, Labels.MANAGED_BY)
        .addToLabels(Labels.COMPONENT_KEY, "log-config")
        .endMetadata()
        .withData(ordered)
        .build();
  }
}
