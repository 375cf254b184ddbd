package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Grafana dashboards, as ConfigMaps for the Grafana sidecar. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DashboardsSpec {
  @Default("false")
  @JsonPropertyDescription(
      "Also create this deployment's own copy of the dashboards: the ConfigMap <name>-dashboards,"
          + " labelled grafana_dashboard: \"1\", with this deployment preselected and its alert"
          + " thresholds drawn. About 110 KB in etcd per deployment. Off by default: the chart's"
          + " shared dashboards (value dashboards.enabled) cover every deployment with"
          + " namespace, deployment and model pickers.")
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
