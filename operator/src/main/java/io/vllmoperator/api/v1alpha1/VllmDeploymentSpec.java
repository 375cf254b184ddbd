package io.vllmoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import io.vllmoperator.api.v1alpha1.spec.EngineSpec;
import io.vllmoperator.api.v1alpha1.spec.GpuSpec;
import io.vllmoperator.api.v1alpha1.spec.ModelSpec;
import io.vllmoperator.api.v1alpha1.spec.MonitoringSpec;
import io.vllmoperator.api.v1alpha1.spec.NetworkPolicySpec;
import io.vllmoperator.api.v1alpha1.spec.ResourcesSchema;
import io.vllmoperator.api.v1alpha1.spec.RolloutSpec;
import io.vllmoperator.api.v1alpha1.spec.SchedulingSpec;
import io.vllmoperator.api.v1alpha1.spec.ServiceSpec;
import io.vllmoperator.api.v1alpha1.spec.Syntax;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.engine) || !has(self.gpu) || !has(self.engine.tensorParallelSize)"
            // Out-of-bounds values are refused by their bounds; the guard keeps the product
            // from overflowing (cel-go and cel-java word that error differently).
            + " || self.engine.tensorParallelSize > 64 || self.engine.pipelineParallelSize > 64"
            + " || self.engine.tensorParallelSize * self.engine.pipelineParallelSize =="
            + " self.gpu.count",
    message =
        "spec.engine.tensorParallelSize * spec.engine.pipelineParallelSize must equal"
            + " spec.gpu.count",
    fieldPath = ".engine.tensorParallelSize")
@ValidationRule(
    value =
        "!has(self.replicas) || !has(self.rollout) || !has(self.rollout.maxUnavailable)"
            + " || self.replicas == 0 || self.rollout.maxUnavailable <= self.replicas",
    message =
        "spec.rollout.maxUnavailable must not exceed spec.replicas (it would take every pod down"
            + " at once)",
    fieldPath = ".rollout.maxUnavailable")
@ValidationRule(
    value =
        "!has(self.engine) || !has(self.gpu) || self.engine.pipelineParallelSize <= 0"
            + " || self.gpu.count % self.engine.pipelineParallelSize == 0",
    message = "spec.gpu.count must be a multiple of spec.engine.pipelineParallelSize",
    fieldPath = ".engine.pipelineParallelSize")
public class VllmDeploymentSpec {
  /** The image the operator pins when spec.image is not set: the current vLLM release. */
  public static final String DEFAULT_IMAGE = "vllm/vllm-openai:v0.33.0";

  /** More GPU pods than any one model deployment runs; also keeps every count far from int. */
  public static final int MAX_REPLICAS = 1000;

  @Required
  @JsonPropertyDescription("The model to serve: a Hugging Face repo id or a path in the cache.")
  private ModelSpec model;

  @Default(DEFAULT_IMAGE)
  @Size(max = 512)
  @Pattern(Syntax.IMAGE_REFERENCE)
  @JsonPropertyDescription(
      "Container image of the vLLM OpenAI-compatible server, vLLM 0.11.0 to 0.33.0 (the default). The pod runs `vllm serve <model>` whatever the image's entrypoint; the image must have the `vllm` command.")
  private String image;

  @SpecReplicas
  @Default("1")
  @Min(0)
  @Max(MAX_REPLICAS)
  @JsonPropertyDescription(
      "Number of model server pods, 0 to 1000. Also settable through the scale subresource.")
  private Integer replicas;

  @Default("{}")
  @JsonPropertyDescription("GPUs per pod and the GPU model to schedule on.")
  private GpuSpec gpu;

  @Default("{}")
  @JsonPropertyDescription("vLLM engine settings, passed to `vllm serve` as flags.")
  private EngineSpec engine;

  static final String RESOURCE_NAMES = "['cpu', 'memory', 'ephemeral-storage']";

  @SchemaFrom(type = ResourcesSchema.class)
  @ValidationRule(
      value =
          "(!has(self.requests) || self.requests.all(k, k in "
              + RESOURCE_NAMES
              + "))"
              + " && (!has(self.limits) || self.limits.all(k, k in "
              + RESOURCE_NAMES
              + "))",
      message =
          "spec.resources: requests and limits may name only cpu, memory and ephemeral-storage"
              + " (GPUs come from spec.gpu)")
  @ValidationRule(
      value =
          "(!has(self.requests) || self.requests.all(k, size(string(self.requests[k])) <= 64 && isQuantity(string(self.requests[k])) && quantity(string(self.requests[k])).compareTo(quantity('0')) >= 0))"
              + " && (!has(self.limits) || self.limits.all(k, size(string(self.limits[k])) <= 64 && isQuantity(string(self.limits[k])) && quantity(string(self.limits[k])).compareTo(quantity('0')) >= 0))",
      message =
          "spec.resources: every request and limit must be a non-negative quantity of at most 64"
              + " characters, e.g. 8, 500m, 64Gi")
  @ValidationRule(
      value =
          "!has(self.requests) || !has(self.limits) || self.requests.all(k, !(k in self.limits)"
              + " || !isQuantity(string(self.requests[k])) || !isQuantity(string(self.limits[k]))"
              + " || quantity(string(self.requests[k])).compareTo("
              + "quantity(string(self.limits[k]))) <= 0)",
      message = "spec.resources: a request must not exceed the limit of the same resource")
  @JsonPropertyDescription(
      "CPU, memory and ephemeral-storage requests and limits of the vLLM container; each request at most its limit. GPU limits come from spec.gpu.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Extra scheduling constraints for the pods.")
  private SchedulingSpec scheduling;

  @Default("{}")
  @JsonPropertyDescription("How changes to the model or image are rolled out, and rolled back.")
  private RolloutSpec rollout;

  @Default("{}")
  @JsonPropertyDescription("The Service in front of the pods.")
  private ServiceSpec service;

  @Default("{}")
  @JsonPropertyDescription("Metrics scraping, alerts, dashboards and log shipping.")
  private MonitoringSpec monitoring;

  @Default("{}")
  @JsonPropertyDescription(
      "An optional NetworkPolicy for the serving port (off by default). vLLM's API key does not guard every route: see the README's security notes.")
  private NetworkPolicySpec networkPolicy;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public ModelSpec getModel() {
    return model;
  }

  public void setModel(ModelSpec model) {
    this.model = model;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public GpuSpec getGpu() {
    return gpu;
  }

  public void setGpu(GpuSpec gpu) {
    this.gpu = gpu;
  }

  public EngineSpec getEngine() {
    return engine;
  }

  public void setEngine(EngineSpec engine) {
    this.engine = engine;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public SchedulingSpec getScheduling() {
    return scheduling;
  }

  public void setScheduling(SchedulingSpec scheduling) {
    this.scheduling = scheduling;
  }

  public RolloutSpec getRollout() {
    return rollout;
  }

  public void setRollout(RolloutSpec rollout) {
    this.rollout = rollout;
  }

  public ServiceSpec getService() {
    return service;
  }

  public void setService(ServiceSpec service) {
    this.service = service;
  }

  public MonitoringSpec getMonitoring() {
    return monitoring;
  }

  public void setMonitoring(MonitoringSpec monitoring) {
    this.monitoring = monitoring;
  }

  public NetworkPolicySpec getNetworkPolicy() {
    return networkPolicy;
  }

  public void setNetworkPolicy(NetworkPolicySpec networkPolicy) {
    this.networkPolicy = networkPolicy;
  }
}
