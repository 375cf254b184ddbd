package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** The Service in front of the pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSpec {
  @Default("ClusterIP")
  @JsonPropertyDescription("Service type.")
  private ServiceType type;

  @Default("8000")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Service port; the container always listens on 8000.")
  private Integer port;

  @Size(max = 64)
  @ValidationRule(
      value = Syntax.KEYS_ARE_QUALIFIED_NAMES,
      message =
          "spec.service.annotations: each key must be an annotation key, e.g. example.com/name")
  @JsonPropertyDescription("Annotations of the Service (e.g. for a load balancer).")
  private Map<String, @Size(max = 4096) String> annotations;

  public ServiceType getType() {
    return type;
  }

  public void setType(ServiceType type) {
    this.type = type;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }
}
