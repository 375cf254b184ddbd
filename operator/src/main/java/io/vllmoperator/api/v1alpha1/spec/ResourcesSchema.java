package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Map;

/**
 * Schema only: the CRD shape of spec.resources, requests and limits of cpu, memory and
 * ephemeral-storage (the CEL rules on the field check the quantities). The operator reads the field
 * as fabric8's ResourceRequirements.
 */
public final class ResourcesSchema {
  @Size(max = 3)
  @JsonPropertyDescription("Minimum resources: cpu, memory, ephemeral-storage.")
  public Map<String, IntOrString> requests;

  @Size(max = 3)
  @JsonPropertyDescription("Maximum resources: cpu, memory, ephemeral-storage.")
  public Map<String, IntOrString> limits;

  private ResourcesSchema() {}
}
