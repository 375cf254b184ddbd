package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** Metrics scraping, alerts, dashboards and log shipping. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitoringSpec {
  @Size(max = 32)
  @ValidationRule(
      value = Syntax.KEYS_ARE_QUALIFIED_NAMES,
      message = "spec.monitoring.labels: each key must be a label key, e.g. release")
  @JsonPropertyDescription(
      "Labels added to the ServiceMonitor, PrometheusRule and AlertmanagerConfig, so Prometheus and Alertmanager select them (e.g. release: kube-prometheus-stack).")
  private Map<String, @Size(max = 63) @Pattern(Syntax.LABEL_VALUE_OR_EMPTY) String> labels;

  @Default("{}")
  @JsonPropertyDescription("Scraping.")
  private ServiceMonitorSpec serviceMonitor;

  @Default("{}")
  @JsonPropertyDescription("Alerts.")
  private AlertsSpec alerts;

  @Default("{}")
  @JsonPropertyDescription("Alertmanager routing of this deployment's alerts by severity.")
  private AlertRoutingSpec alertRouting;

  @Default("{}")
  @JsonPropertyDescription("Dashboards.")
  private DashboardsSpec dashboards;

  @Default("{}")
  @JsonPropertyDescription("Log shipping.")
  private LogsSpec logs;

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public ServiceMonitorSpec getServiceMonitor() {
    return serviceMonitor;
  }

  public void setServiceMonitor(ServiceMonitorSpec serviceMonitor) {
    this.serviceMonitor = serviceMonitor;
  }

  public AlertsSpec getAlerts() {
    return alerts;
  }

  public void setAlerts(AlertsSpec alerts) {
    this.alerts = alerts;
  }

  public AlertRoutingSpec getAlertRouting() {
    return alertRouting;
  }

  public void setAlertRouting(AlertRoutingSpec alertRouting) {
    this.alertRouting = alertRouting;
  }

  public DashboardsSpec getDashboards() {
    return dashboards;
  }

  public void setDashboards(DashboardsSpec dashboards) {
    this.dashboards = dashboards;
  }

  public LogsSpec getLogs() {
    return logs;
  }

  public void setLogs(LogsSpec logs) {
    this.logs = logs;
  }
}
