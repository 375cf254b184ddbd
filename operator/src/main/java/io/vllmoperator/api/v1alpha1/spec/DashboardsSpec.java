package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Grafana dashboards, as ConfigMaps for the Grafana sidecar. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DashboardsSpec {
  @Default("true")
  @JsonPropertyDescription(
      "Create the ConfigMap <name>-dashboards, labelled grafana_dashboard: \"1\".")
  private Boolean enabled;

  @Default("vLLM")
  @Size(min = 1, max = 128)
  @Pattern(Syntax.NO_CONTROL_CHARACTERS)
  @JsonPropertyDescription("Grafana folder of the dashboards (annotation grafana_folder).")
  private String folder;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getFolder() {
    return folder;
  }

  public void setFolder(String folder) {
    this.folder = folder;
  }
}
