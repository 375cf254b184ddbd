package io.vllmoperator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle phase of a VllmDeployment. */
public enum Phase {
  @JsonProperty("Pending")
  PENDING,
  @JsonProperty("Progressing")
  PROGRESSING,
  /** The served revision is the target; added replicas are loading within their budget. */
  @JsonProperty("Scaling")
  SCALING,
  @JsonProperty("Ready")
  READY,
  /** spec.replicas is 0 and no pod runs: deliberately not serving, not Ready. */
  @JsonProperty("ScaledToZero")
  SCALED_TO_ZERO,
  @JsonProperty("Degraded")
  DEGRADED,
  /** The target revision failed; the Deployment is going back to the last good revision. */
  @JsonProperty("RollingBack")
  ROLLING_BACK,
  /** Every replica serves the last good revision again; the failed target is not retried. */
  @JsonProperty("RolledBack")
  ROLLED_BACK,
  @JsonProperty("Failed")
  FAILED;

  /** The value as written in the spec. */
  public String value() {
    try {
      return getClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
