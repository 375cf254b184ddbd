package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The ServiceMonitor that makes Prometheus scrape the pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceMonitorSpec {
  @Default("true")
  @JsonPropertyDescription("Create a ServiceMonitor (needs the prometheus-operator CRDs).")
  private Boolean enabled;

  @Default("15s")
  @Pattern("^[0-9]{1,4}(s|m|h)$")
  @ValidationRule(
      value =
          "!self.matches('^[0-9]{1,4}(s|m|h)$')"
              + " || (duration(self) >= duration('1s') && duration(self) <= duration('1h'))",
      message = "spec.monitoring.serviceMonitor.interval must be between 1s and 1h")
  @JsonPropertyDescription("Scrape interval, 1s to 1h, e.g. 15s.")
  private String interval;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }
}
