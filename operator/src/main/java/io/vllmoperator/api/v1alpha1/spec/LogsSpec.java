package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * Whether the fleet's log collector ships this deployment's pod logs. The collector config is one
 * file for all deployments (the chart's logShipping values); this only opts a deployment out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LogsSpec {
  @Default("true")
  @JsonPropertyDescription(
      "Ship this deployment's pod logs with the fleet log config (Grafana Alloy or Promtail,"
          + " installed by the chart). false labels the pods vllm-operator.io/logs: disabled, which"
          + " that config drops. Changing it changes the pod template, so the pods roll.")
  private Boolean enabled;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }
}
