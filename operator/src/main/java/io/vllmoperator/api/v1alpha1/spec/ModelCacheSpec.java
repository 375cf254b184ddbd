package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * A volume for model weights, mounted as HF_HOME so restarts and new replicas skip the download.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.existingClaim) != has(self.size)",
    message = "spec.model.cache: set exactly one of existingClaim or size")
@ValidationRule(
    value = "!has(self.existingClaim) || !has(self.storageClassName)",
    message =
        "spec.model.cache.storageClassName applies only with size (a PVC the operator creates)",
    fieldPath = ".storageClassName")
@ValidationRule(
    value =
        "!has(self.size) || (size(string(self.size)) <= 64 && isQuantity(string(self.size))"
            + " && quantity(string(self.size)).isGreaterThan(quantity('0')))",
    message = "spec.model.cache.size must be a positive quantity, e.g. 200Gi",
    fieldPath = ".size")
public class ModelCacheSpec {
  @Size(max = 253)
  @Pattern(Syntax.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Name of an existing PersistentVolumeClaim to use. Mutually exclusive with size.")
  private String existingClaim;

  @JsonPropertyDescription(
      "Size of a PersistentVolumeClaim <name>-cache that the operator creates. The claim outlives the VllmDeployment: delete it by hand.")
  private Quantity size;

  @Size(max = 253)
  @Pattern(Syntax.DNS_SUBDOMAIN)
  @JsonPropertyDescription("StorageClass of the created claim; the cluster default when empty.")
  private String storageClassName;

  @Default("ReadWriteMany")
  @JsonPropertyDescription(
      "Access mode of the created claim. ReadWriteMany lets replicas on different nodes share one cache.")
  private CacheAccessMode accessMode;

  public String getExistingClaim() {
    return existingClaim;
  }

  public void setExistingClaim(String existingClaim) {
    this.existingClaim = existingClaim;
  }

  public Quantity getSize() {
    return size;
  }

  public void setSize(Quantity size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public CacheAccessMode getAccessMode() {
    return accessMode;
  }

  public void setAccessMode(CacheAccessMode accessMode) {
    this.accessMode = accessMode;
  }
}
