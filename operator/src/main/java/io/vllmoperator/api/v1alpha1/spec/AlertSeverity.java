package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The `severity` label of an alert: what Alertmanager routes on. */
public enum AlertSeverity {
  /** Pages someone. */
  @JsonProperty("critical")
  CRITICAL,
  /** A ticket, for working hours. */
  @JsonProperty("warning")
  WARNING;

  /** The label value as written in the spec and on the alert. */
  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
