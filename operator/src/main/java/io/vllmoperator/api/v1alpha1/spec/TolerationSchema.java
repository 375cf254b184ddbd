package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * Schema only: the CRD shape of one spec.scheduling.tolerations item, the Kubernetes Toleration
 * with its syntax. The operator reads the field as fabric8's Toleration.
 */
public final class TolerationSchema {
  @Size(max = 253)
  @Pattern(Syntax.QUALIFIED_NAME)
  @JsonPropertyDescription("Taint key; empty only with operator Exists (all taints).")
  public String key;

  @Pattern("^(Equal|Exists)$")
  @JsonPropertyDescription("Equal (default) or Exists.")
  public String operator;

  @Size(max = 63)
  @Pattern(Syntax.LABEL_VALUE_OR_EMPTY)
  @JsonPropertyDescription("Taint value for Equal; empty for Exists.")
  public String value;

  @Pattern("^(NoSchedule|PreferNoSchedule|NoExecute)?$")
  @JsonPropertyDescription("NoSchedule, PreferNoSchedule or NoExecute; empty: all effects.")
  public String effect;

  @JsonPropertyDescription("For NoExecute: seconds the pod stays bound after the taint appears.")
  public Long tolerationSeconds;

  private TolerationSchema() {}
}
