package io.vllmoperator.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
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

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .build());

  private LogConfigAggregate() {}

  /** Pure: the same deployments, in any order, give the same ConfigMap. */
  public static ConfigMap of(String namespace, Collection<VllmDeployment> deployments) {
    ObjectNode promtail = YAML.createObjectNode();
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
    ordered.put(PROMTAIL_KEY, write(promtail));
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

  private static String write(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
