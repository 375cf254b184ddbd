package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Thresholds of this deployment's alerts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlertThresholds {
  @Default("2")
  @Min(value = 0, inclusive = false)
  @Max(3600)
  @JsonPropertyDescription("p95 time to first token, seconds (VllmHighTimeToFirstToken).")
  private Double ttftP95Seconds;

  @Default("0.2")
  @Min(value = 0, inclusive = false)
  @Max(60)
  @JsonPropertyDescription("p95 inter-token latency, seconds (VllmHighInterTokenLatency).")
  private Double interTokenP95Seconds;

  @Default("30")
  @Min(value = 0, inclusive = false)
  @Max(86400)
  @JsonPropertyDescription("p95 end-to-end request latency, seconds (VllmHighEndToEndLatency).")
  private Double e2eP95Seconds;

  @Default("0.9")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("KV-cache usage fraction, in (0, 1] (VllmKvCacheSaturated).")
  private Double kvCacheUsage;

  @Default("20")
  @Min(value = 0, inclusive = false)
  @Max(1000000)
  @JsonPropertyDescription("Requests waiting per pod (VllmRequestQueueBacklog).")
  private Double queueDepth;

  @Default("0.05")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("Share of failed requests, in (0, 1] (VllmHighErrorRate).")
  private Double errorRatio;

  public Double getTtftP95Seconds() {
    return ttftP95Seconds;
  }

  public void setTtftP95Seconds(Double ttftP95Seconds) {
    this.ttftP95Seconds = ttftP95Seconds;
  }

  public Double getInterTokenP95Seconds() {
    return interTokenP95Seconds;
  }

  public void setInterTokenP95Seconds(Double interTokenP95Seconds) {
    this.interTokenP95Seconds = interTokenP95Seconds;
  }

  public Double getE2eP95Seconds() {
    return e2eP95Seconds;
  }

  public void setE2eP95Seconds(Double e2eP95Seconds) {
    this.e2eP95Seconds = e2eP95Seconds;
  }

  public Double getKvCacheUsage() {
    return kvCacheUsage;
  }

  public void setKvCacheUsage(Double kvCacheUsage) {
    this.kvCacheUsage = kvCacheUsage;
  }

  public Double getQueueDepth() {
    return queueDepth;
  }

  public void setQueueDepth(Double queueDepth) {
    this.queueDepth = queueDepth;
  }

  public Double getErrorRatio() {
    return errorRatio;
  }

  public void setErrorRatio(Double errorRatio) {
    this.errorRatio = errorRatio;
  }
}
