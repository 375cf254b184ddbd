package io.vllmoperator.status;

/**
 * Which monitoring.coreos.com CRDs the operator found (servicemonitors, prometheusrules,
 * alertmanagerconfigs): an input of the status, observed by the workflow's activation conditions.
 */
public record PrometheusOperatorCrds(
    boolean serviceMonitors, boolean prometheusRules, boolean alertmanagerConfigs) {
  public static final PrometheusOperatorCrds INSTALLED =
      new PrometheusOperatorCrds(true, true, true);
  public static final PrometheusOperatorCrds MISSING =
      new PrometheusOperatorCrds(false, false, false);

  /**
   * The AlertmanagerConfig CRD as found with the PrometheusRule one (prometheus-operator ships
   * both).
   */
  public PrometheusOperatorCrds(boolean serviceMonitors, boolean prometheusRules) {
    this(serviceMonitors, prometheusRules, prometheusRules);
  }
}
