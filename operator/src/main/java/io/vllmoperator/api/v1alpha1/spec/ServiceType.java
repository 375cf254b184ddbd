package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kubernetes Service types offered for the model endpoint. */
public enum ServiceType {
  @JsonProperty("ClusterIP")
  CLUSTER_I_P,
  @JsonProperty("NodePort")
  NODE_PORT,
  @JsonProperty("LoadBalancer")
  LOAD_BALANCER;

  /** The value as written in the spec. */
  public String value() {
    try {
      return getClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
