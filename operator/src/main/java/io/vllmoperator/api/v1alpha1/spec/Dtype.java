package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * vLLM --dtype values ({@code ModelDType}), the same in vLLM 0.11.0 and 0.33.0. VllmContractTest
 * holds this list equal to 0.33.0's contract.
 */
public enum Dtype {
  @JsonProperty("auto")
  AUTO,
  @JsonProperty("half")
  HALF,
  @JsonProperty("float16")
  FLOAT16,
  @JsonProperty("bfloat16")
  BFLOAT16,
  @JsonProperty("float")
  FLOAT,
  @JsonProperty("float32")
  FLOAT32;

  /** The value as written in the spec. */
  public String value() {
    try {
      return getClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
