package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a rollout does when a surge pod cannot get GPUs. */
public enum InsufficientGpuPolicy {
  @JsonProperty("Wait")
  WAIT,
  @JsonProperty("ReplaceOneAtATime")
  REPLACE_ONE_AT_A_TIME;

  /** The value as written in the spec. */
  public String value() {
    try {
      return getClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
