package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** The PrometheusRule with this deployment's alerts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlertsSpec {
  /** The alerts of alerts/vllm-alerts.yaml, the keys spec.monitoring.alerts.rules accepts. */
  public static final List<String> ALERT_NAMES =
      List.of(
          "VllmTargetDown",
          "VllmMetricsMissing",
          "VllmHighTimeToFirstToken",
          "VllmHighInterTokenLatency",
          "VllmHighEndToEndLatency",
          "VllmKvCacheSaturated",
          "VllmRequestQueueBacklog",
          "VllmHighErrorRate",
          "VllmFrequentPreemptions",
          "VllmRolloutStuck",
          "VllmRolledBack",
          "VllmGpuXidErrors",
          "VllmGpuHighTemperature");

  /** {@link #ALERT_NAMES} as a CEL list (an annotation needs a constant). */
  public static final String ALERT_NAMES_CEL =
      "['VllmTargetDown', 'VllmMetricsMissing', 'VllmHighTimeToFirstToken', 'VllmHighInterTokenLatency', 'VllmHighEndToEndLatency', 'VllmKvCacheSaturated', 'VllmRequestQueueBacklog', 'VllmHighErrorRate', 'VllmFrequentPreemptions', 'VllmRolloutStuck', 'VllmRolledBack', 'VllmGpuXidErrors', 'VllmGpuHighTemperature']";

  @Default("true")
  @JsonPropertyDescription("Create a PrometheusRule (needs the prometheus-operator CRDs).")
  private Boolean enabled;

  @Size(max = 1024)
  @Pattern("^https?://[^\\x00-\\x20\\x7F{}]+$")
  @JsonPropertyDescription(
      "Base URL of the runbooks (http or https, no whitespace or braces); each alert links to <base>/<AlertName>. Default: the runbooks shipped in the vllm-operator repository.")
  private String runbookBaseUrl;

  @Size(max = 32)
  @ValidationRule(
      value = "self.all(k, size(k) <= 63 && k.matches('^[a-zA-Z][a-zA-Z0-9_]*$'))",
      message =
          "spec.monitoring.alerts.labels: each key must be a Prometheus label name (a letter, then letters, digits or '_'), at most 63 characters")
  @JsonPropertyDescription(
      "Labels added to every alert (e.g. team), for Alertmanager routing. Values are label values.")
  private Map<String, @Size(max = 63) @Pattern(Syntax.LABEL_VALUE_OR_EMPTY) String> labels;

  @Default("{}")
  @JsonPropertyDescription("Alert thresholds.")
  private AlertThresholds thresholds;

  @Size(max = 13)
  @ValidationRule(
      value = "self.all(k, k in " + ALERT_NAMES_CEL + ")",
      message =
          "spec.monitoring.alerts.rules: each key must be the name of one of the 13 alerts: VllmTargetDown, VllmMetricsMissing, VllmHighTimeToFirstToken, VllmHighInterTokenLatency, VllmHighEndToEndLatency, VllmKvCacheSaturated, VllmRequestQueueBacklog, VllmHighErrorRate, VllmFrequentPreemptions, VllmRolloutStuck, VllmRolledBack, VllmGpuXidErrors, VllmGpuHighTemperature")
  @JsonPropertyDescription(
      "Per-alert changes, keyed by the alert's name (e.g. VllmKvCacheSaturated): its for and its severity, like kube-prometheus-stack's customRules. Alerts not listed keep theirs.")
  private Map<String, AlertRuleOverride> rules;

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

  public Map<String, AlertRuleOverride> getRules() {
    return rules;
  }

  public void setRules(Map<String, AlertRuleOverride> rules) {
    this.rules = rules;
  }

  public AlertThresholds getThresholds() {
    return thresholds;
  }

  public void setThresholds(AlertThresholds thresholds) {
    this.thresholds = thresholds;
  }
}
