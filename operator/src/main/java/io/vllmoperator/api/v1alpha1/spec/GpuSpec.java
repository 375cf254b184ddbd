package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** GPUs per pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuSpec {
  @Default("1")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("GPUs per pod; becomes the container limit on spec.gpu.resource.")
  private Integer count;

  @Default("nvidia.com/gpu")
  @Size(max = 253)
  @Pattern(
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$")
  @ValidationRule(
      value = "!self.contains('kubernetes.io/') && !self.startsWith('requests.')",
      message =
          "spec.gpu.resource must be an extended resource (e.g. nvidia.com/gpu), not a kubernetes.io one")
  @JsonPropertyDescription("Extended resource name of the GPU, as advertised by the device plugin.")
  private String resource;

  @Size(max = 63)
  @Pattern(Syntax.LABEL_VALUE)
  @JsonPropertyDescription(
      "GPU model, a label value, matched against the node label nvidia.com/gpu.product set by GPU feature discovery (e.g. NVIDIA-H100-80GB-HBM3).")
  private String product;

  public Integer getCount() {
    return count;
  }

  public void setCount(Integer count) {
    this.count = count;
  }

  public String getResource() {
    return resource;
  }

  public void setResource(String resource) {
    this.resource = resource;
  }

  public String getProduct() {
    return product;
  }

  public void setProduct(String product) {
    this.product = product;
  }
}
