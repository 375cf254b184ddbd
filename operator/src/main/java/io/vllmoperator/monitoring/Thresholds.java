package io.vllmoperator.monitoring;

import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.AlertThresholds;
import io.vllmoperator.api.v1alpha1.spec.AlertsSpec;
import io.vllmoperator.api.v1alpha1.spec.MonitoringSpec;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The alert thresholds of one VllmDeployment with their defaults, written as plain decimals ("2",
 * "0.05"; never "2.0" or "5.0E-2"), which is what PromQL and Grafana constants need.
 */
public record Thresholds(
    BigDecimal ttftP95Seconds,
    BigDecimal interTokenP95Seconds,
    BigDecimal e2eP95Seconds,
    BigDecimal kvCacheUsage,
    BigDecimal queueDepth,
    BigDecimal errorRatio) {

  /** Normalised, so 2 and 2.0 are the same threshold. */
  public Thresholds {
    ttftP95Seconds = ttftP95Seconds.stripTrailingZeros();
    interTokenP95Seconds = interTokenP95Seconds.stripTrailingZeros();
    e2eP95Seconds = e2eP95Seconds.stripTrailingZeros();
    kvCacheUsage = kvCacheUsage.stripTrailingZeros();
    queueDepth = queueDepth.stripTrailingZeros();
    errorRatio = errorRatio.stripTrailingZeros();
  }

  /** The CRD's defaults (AlertThresholds @Default); a unit test keeps the two equal. */
  public static final Thresholds DEFAULTS =
      new Thresholds(
          new BigDecimal("2"),
          new BigDecimal("0.2"),
          new BigDecimal("30"),
          new BigDecimal("0.9"),
          new BigDecimal("20"),
          new BigDecimal("0.05"));

  public static Thresholds of(VllmDeployment vllm) {
    AlertThresholds t =
        Optional.ofNullable(vllm.getSpec().getMonitoring())
            .map(MonitoringSpec::getAlerts)
            .map(AlertsSpec::getThresholds)
            .orElseGet(AlertThresholds::new);
    return new Thresholds(
        or(t.getTtftP95Seconds(), DEFAULTS.ttftP95Seconds),
        or(t.getInterTokenP95Seconds(), DEFAULTS.interTokenP95Seconds),
        or(t.getE2eP95Seconds(), DEFAULTS.e2eP95Seconds),
        or(t.getKvCacheUsage(), DEFAULTS.kvCacheUsage),
        or(t.getQueueDepth(), DEFAULTS.queueDepth),
        or(t.getErrorRatio(), DEFAULTS.errorRatio));
  }

  /** Placeholder name of the alert template (without `${}`) to plain decimal. */
  public Map<String, String> byPlaceholder() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("ttftP95Seconds", plain(ttftP95Seconds));
    values.put("interTokenP95Seconds", plain(interTokenP95Seconds));
    values.put("e2eP95Seconds", plain(e2eP95Seconds));
    values.put("kvCacheUsage", plain(kvCacheUsage));
    values.put("queueDepth", plain(queueDepth));
    values.put("errorRatio", plain(errorRatio));
    return values;
  }

  /** Dashboard constant variable name to plain decimal. */
  public Map<String, String> byDashboardConstant() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("ttft_p95_threshold", plain(ttftP95Seconds));
    values.put("itl_p95_threshold", plain(interTokenP95Seconds));
    values.put("e2e_p95_threshold", plain(e2eP95Seconds));
    values.put("kv_cache_threshold", plain(kvCacheUsage));
    values.put("queue_depth_threshold", plain(queueDepth));
    values.put("error_ratio_threshold", plain(errorRatio));
    return values;
  }

  public static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  private static BigDecimal or(Double value, BigDecimal fallback) {
    return value == null ? fallback : BigDecimal.valueOf(value);
  }
}
