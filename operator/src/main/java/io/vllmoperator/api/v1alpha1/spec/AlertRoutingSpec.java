package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The AlertmanagerConfig that routes this deployment's alerts by severity. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.enabled) || !self.enabled"
            + " || (has(self.critical) && size(self.critical) > 0)"
            + " || (has(self.warning) && size(self.warning) > 0)",
    message =
        "spec.monitoring.alertRouting: enabled needs at least one receiver in critical or warning")
public class AlertRoutingSpec {
  private static final String INTERVAL = "^[0-9]{1,4}(s|m|h)$";

  @Default("false")
  @JsonPropertyDescription(
      "Create an AlertmanagerConfig (needs the prometheus-operator CRDs) that routes this deployment's alerts: severity critical to the critical receivers, warning to the warning ones.")
  private Boolean enabled;

  @Size(max = 8)
  @JsonPropertyDescription(
      "Where critical alerts go (e.g. a pager). Every receiver gets each notification.")
  private List<AlertReceiverSpec> critical;

  @Size(max = 8)
  @JsonPropertyDescription(
      "Where warning alerts go (e.g. a ticket queue). Every receiver gets each notification.")
  private List<AlertReceiverSpec> warning;

  @Default("30s")
  @Pattern(INTERVAL)
  @JsonPropertyDescription(
      "How long Alertmanager waits to gather alerts of a new group before the first notification, e.g. 30s.")
  private String groupWait;

  @Default("5m")
  @Pattern(INTERVAL)
  @JsonPropertyDescription(
      "How long Alertmanager waits before notifying about new alerts of a group already notified, e.g. 5m.")
  private String groupInterval;

  @Default("4h")
  @Pattern(INTERVAL)
  @JsonPropertyDescription(
      "How long Alertmanager waits before repeating a notification for alerts still firing, e.g. 4h.")
  private String repeatInterval;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public List<AlertReceiverSpec> getCritical() {
    return critical;
  }

  public void setCritical(List<AlertReceiverSpec> critical) {
    this.critical = critical;
  }

  public List<AlertReceiverSpec> getWarning() {
    return warning;
  }

  public void setWarning(List<AlertReceiverSpec> warning) {
    this.warning = warning;
  }

  public String getGroupWait() {
    return groupWait;
  }

  public void setGroupWait(String groupWait) {
    this.groupWait = groupWait;
  }

  public String getGroupInterval() {
    return groupInterval;
  }

  public void setGroupInterval(String groupInterval) {
    this.groupInterval = groupInterval;
  }

  public String getRepeatInterval() {
    return repeatInterval;
  }

  public void setRepeatInterval(String repeatInterval) {
    this.repeatInterval = repeatInterval;
  }
}
