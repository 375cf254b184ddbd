package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What one alert of this deployment changes from alerts/vllm-alerts.yaml, as
 * kube-prometheus-stack's customRules does: its `for` and its `severity`. The rule is on the field,
 * so CEL never has to name `for` (a CEL reserved word).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlertRuleOverride {
  private String forDuration;

  @JsonPropertyDescription(
      "critical (pages) or warning (ticket): the alert's severity label, which Alertmanager routes on (spec.monitoring.alertRouting too). Default: the alert's own.")
  private AlertSeverity severity;

  @JsonProperty("for")
  @Pattern(Syntax.BOUNDED_DURATION)
  @Size(min = 2, max = 20)
  @ValidationRule(
      value =
          "!self.matches('"
              + Syntax.BOUNDED_DURATION
              + "') || self == ''"
              + " || (duration(self) >= duration('1m') && duration(self) <= duration('1h'))",
      message = "spec.monitoring.alerts.rules: for must be between 1m and 1h")
  @JsonPropertyDescription(
      "How long the alert's condition must hold before it fires, 1m to 1h, in hours, minutes and seconds, e.g. 2m or 1h. Default: the alert's own (2m to 10m, see the alert table).")
  public String getFor() {
    return forDuration;
  }

  @JsonProperty("for")
  public void setFor(String forDuration) {
    this.forDuration = forDuration;
  }

  public AlertSeverity getSeverity() {
    return severity;
  }

  public void setSeverity(AlertSeverity severity) {
    this.severity = severity;
  }
}
