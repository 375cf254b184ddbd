package io.vllmoperator.desired;

import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.AlertRoutingSpec;
import io.vllmoperator.api.v1alpha1.spec.AlertRuleOverride;
import io.vllmoperator.api.v1alpha1.spec.AlertsSpec;
import io.vllmoperator.api.v1alpha1.spec.DashboardsSpec;
import io.vllmoperator.api.v1alpha1.spec.LogsSpec;
import io.vllmoperator.api.v1alpha1.spec.MonitoringSpec;
import io.vllmoperator.api.v1alpha1.spec.ServiceMonitorSpec;
import java.util.Map;
import java.util.Optional;

/**
 * spec.monitoring with its defaults resolved. The API server (and `render`) default these fields
 * already; this only keeps a hand-built object without them from failing.
 */
public record MonitoringSettings(
    Map<String, String> labels,
    boolean serviceMonitor,
    String interval,
    boolean alerts,
    Optional<String> runbookBaseUrl,
    Map<String, String> alertLabels,
    Map<String, AlertRuleOverride> alertRules,
    boolean alertRouting,
    boolean dashboards,
    String folder,
    boolean logs) {

  public static final String DEFAULT_INTERVAL = "15s";
  public static final String DEFAULT_FOLDER = "vLLM";

  public static MonitoringSettings of(VllmDeployment vllm) {
    MonitoringSpec m =
        Optional.ofNullable(vllm.getSpec().getMonitoring()).orElseGet(MonitoringSpec::new);
    ServiceMonitorSpec sm =
        Optional.ofNullable(m.getServiceMonitor()).orElseGet(ServiceMonitorSpec::new);
    AlertsSpec alerts = Optional.ofNullable(m.getAlerts()).orElseGet(AlertsSpec::new);
    AlertRoutingSpec routing =
        Optional.ofNullable(m.getAlertRouting()).orElseGet(AlertRoutingSpec::new);
    DashboardsSpec dashboards =
        Optional.ofNullable(m.getDashboards()).orElseGet(DashboardsSpec::new);
    LogsSpec logs = Optional.ofNullable(m.getLogs()).orElseGet(LogsSpec::new);
    return new MonitoringSettings(
        m.getLabels() == null ? Map.of() : m.getLabels(),
        !Boolean.FALSE.equals(sm.getEnabled()),
        Optional.ofNullable(sm.getInterval()).orElse(DEFAULT_INTERVAL),
        !Boolean.FALSE.equals(alerts.getEnabled()),
        Optional.ofNullable(alerts.getRunbookBaseUrl()).filter(url -> !url.isBlank()),
        alerts.getLabels() == null ? Map.of() : alerts.getLabels(),
        alerts.getRules() == null ? Map.of() : alerts.getRules(),
        Boolean.TRUE.equals(routing.getEnabled()),
        Boolean.TRUE.equals(dashboards.getEnabled()),
        Optional.ofNullable(dashboards.getFolder())
            .filter(f -> !f.isBlank())
            .orElse(DEFAULT_FOLDER),
        !Boolean.FALSE.equals(logs.getEnabled()));
  }

  /** ServiceMonitor, PrometheusRule or AlertmanagerConfig wanted: all need prometheus-operator. */
  public boolean needsPrometheusOperator() {
    return serviceMonitor || alerts || alertRouting;
  }

  /** Any object to create: scraping, alerts, routing or dashboards (log shipping creates none). */
  public boolean anything() {
    return serviceMonitor || alerts || alertRouting || dashboards;
  }
}
