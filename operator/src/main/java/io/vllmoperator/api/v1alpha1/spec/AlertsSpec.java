package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Map;

/** The PrometheusRule with this deployment's alerts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlertsSpec {
  @Default("true")
  @JsonPropertyDescription("Create a PrometheusRule (needs the prometheus-operator CRDs).")
  private Boolean enabled;

  @JsonPropertyDescription(
      "Base URL of the runbooks; each alert links to <base>/<AlertName>. Default: the runbooks shipped in the vllm-operator repository.")
  private String runbookBaseUrl;

  @JsonPropertyDescription("Labels added to every alert (e.g. team), for Alertmanager routing.")
  private Map<String, String> labels;

  @Default("{}")
  @JsonPropertyDescription("Alert thresholds.")
  private AlertThresholds thresholds;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getRunbookBaseUrl() {
    return runbookBaseUrl;
  }

  public void setRunbookBaseUrl(String runbookBaseUrl) {
    this.runbookBaseUrl = runbookBaseUrl;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public AlertThresholds getThresholds() {
    return thresholds;
  }

  public void setThresholds(AlertThresholds thresholds) {
    this.thresholds = thresholds;
  }
}
