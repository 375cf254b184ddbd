package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** The ServiceMonitor that makes Prometheus scrape the pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceMonitorSpec {
  @Default("true")
  @JsonPropertyDescription("Create a ServiceMonitor (needs the prometheus-operator CRDs).")
  private Boolean enabled;

  @Default("15s")
  @Pattern("^[0-9]+(ms|s|m|h)$")
  @JsonPropertyDescription("Scrape interval, e.g. 15s.")
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
