package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Log shipping configuration for the pods of this deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LogsSpec {
  @Default("true")
  @JsonPropertyDescription(
      "Emit a Promtail scrape config (Promtail reached end of life on 2026-03-02; prefer alloy).")
  private Boolean promtail;

  @Default("false")
  @JsonPropertyDescription("Emit a Grafana Alloy pipeline.")
  private Boolean alloy;

  public Boolean getPromtail() {
    return promtail;
  }

  public void setPromtail(Boolean promtail) {
    this.promtail = promtail;
  }

  public Boolean getAlloy() {
    return alloy;
  }

  public void setAlloy(Boolean alloy) {
    this.alloy = alloy;
  }
}
