package io.vllmoperator.status;

/**
 * Which monitoring.coreos.com CRDs the operator found (servicemonitors, prometheusrules): an input
 * of the status, observed by the workflow's activation conditions.
 */
public record PrometheusOperatorCrds(boolean serviceMonitors, boolean prometheusRules) {
  public static final PrometheusOperatorCrds INSTALLED = new PrometheusOperatorCrds(true, true);
  public static final PrometheusOperatorCrds MISSING = new PrometheusOperatorCrds(false, false);
}
