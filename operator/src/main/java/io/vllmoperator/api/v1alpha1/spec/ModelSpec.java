package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The model to serve. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {
  @Required
  @Size(min = 1, max = 256)
  @Pattern(Syntax.NO_WHITESPACE)
  @JsonPropertyDescription(
      "Hugging Face repo id (org/name) or a path inside the cache volume, at most 256 characters, no whitespace. The positional argument of `vllm serve`.")
  private String name;

  @Size(min = 1, max = 256)
  @Pattern(Syntax.NO_WHITESPACE)
  @JsonPropertyDescription(
      "Branch, tag or commit of the model repo (--revision). Pin a commit for reproducible rollouts.")
  private String revision;

  @Size(max = 256)
  @Pattern("^([^\\x00-\\x20\\x7F]+)?$")
  @JsonPropertyDescription(
      "Name clients use in requests, and the model_name label of the metrics (--served-model-name). Default: metadata.name.")
  private String servedName;

  @JsonPropertyDescription(
      "Secret key holding a Hugging Face token, for gated models. Reaches the pod only as env HF_TOKEN via secretKeyRef, never as an argument.")
  private SecretKeyRef tokenSecretRef;

  @JsonPropertyDescription("Volume for the model weights, mounted as HF_HOME.")
  private ModelCacheSpec cache;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public String getServedName() {
    return servedName;
  }

  public void setServedName(String servedName) {
    this.servedName = servedName;
  }

  public SecretKeyRef getTokenSecretRef() {
    return tokenSecretRef;
  }

  public void setTokenSecretRef(SecretKeyRef tokenSecretRef) {
    this.tokenSecretRef = tokenSecretRef;
  }

  public ModelCacheSpec getCache() {
    return cache;
  }

  public void setCache(ModelCacheSpec cache) {
    this.cache = cache;
  }
}
