package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Access modes of the model cache claim. */
public enum CacheAccessMode {
  @JsonProperty("ReadWriteOnce")
  READ_WRITE_ONCE,
  @JsonProperty("ReadWriteMany")
  READ_WRITE_MANY,
  @JsonProperty("ReadWriteOncePod")
  READ_WRITE_ONCE_POD;

  /** The value as written in the spec. */
  public String value() {
    try {
      return getClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
