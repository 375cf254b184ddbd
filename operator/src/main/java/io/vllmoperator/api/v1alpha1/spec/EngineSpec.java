package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** vLLM engine settings; each becomes a `vllm serve` flag. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EngineSpec {
  /** Flags set from spec fields (or that would empty /metrics), refused in extraArgs. */
  // startsWith and == rather than a regex: the API server budgets CEL cost by string length.
  static final String OWNED_FLAGS_RULE =
      "self.all(a, !("
          + "a == '--model' || a.startsWith('--model=') ||"
          + " a == '--served-model-name' || a.startsWith('--served-model-name=') ||"
          + " a == '--port' || a.startsWith('--port=') ||"
          + " a == '--host' || a.startsWith('--host=') ||"
          + " a == '--revision' || a.startsWith('--revision=') ||"
          + " a == '--tensor-parallel-size' || a.startsWith('--tensor-parallel-size=') ||"
          + " a == '--pipeline-parallel-size' || a.startsWith('--pipeline-parallel-size=') ||"
          + " a == '--max-model-len' || a.startsWith('--max-model-len=') ||"
          + " a == '--gpu-memory-utilization' || a.startsWith('--gpu-memory-utilization=') ||"
          + " a == '--dtype' || a.startsWith('--dtype=') ||"
          + " a == '--quantization' || a.startsWith('--quantization=') ||"
          + " a == '--max-num-seqs' || a.startsWith('--max-num-seqs=') ||"
          + " a == '--disable-log-stats' || a.startsWith('--disable-log-stats=') ||"
          + " a == '-tp' || a.startsWith('-tp=') ||"
          + " a == '-pp' || a.startsWith('-pp=') ||"
          + " a == '-q' || a.startsWith('-q=')"
          + "))";

  @Min(1)
  @JsonPropertyDescription(
      "GPUs a model replica is sharded across (--tensor-parallel-size). Default: spec.gpu.count / pipelineParallelSize. tensorParallelSize * pipelineParallelSize must equal spec.gpu.count.")
  private Integer tensorParallelSize;

  @Default("1")
  @Min(1)
  @JsonPropertyDescription("Pipeline stages (--pipeline-parallel-size).")
  private Integer pipelineParallelSize;

  @Min(1)
  @JsonPropertyDescription(
      "Maximum context length in tokens (--max-model-len). Default: the model's own.")
  private Integer maxModelLen;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription(
      "Fraction of GPU memory vLLM may use, in (0, 1] (--gpu-memory-utilization). vLLM's default is 0.92 (0.9 in vLLM 0.11).")
  private Double gpuMemoryUtilization;

  @JsonPropertyDescription("Weights and activations data type (--dtype).")
  private Dtype dtype;

  @JsonPropertyDescription("Quantization method of the weights (--quantization).")
  private Quantization quantization;

  @Min(1)
  @JsonPropertyDescription("Maximum sequences in one batch (--max-num-seqs).")
  private Integer maxNumSeqs;

  @JsonPropertyDescription(
      "Secret key with the API key clients must send. Reaches the pod only as env VLLM_API_KEY via secretKeyRef.")
  private SecretKeyRef apiKeySecretRef;

  @Size(max = 64)
  @ValidationRule(
      value = "self.all(a, !a.startsWith('--api-key') && !a.startsWith('--hf-token'))",
      message =
          "spec.engine.extraArgs must not carry secrets: use spec.engine.apiKeySecretRef or spec.model.tokenSecretRef")
  @ValidationRule(
      value = OWNED_FLAGS_RULE,
      message =
          "spec.engine.extraArgs must not repeat a flag the operator sets from a spec field, nor --disable-log-stats (it empties /metrics)")
  @JsonPropertyDescription(
      "Further `vllm serve` flags, passed as they are (e.g. --enable-prefix-caching).")
  private List<String> extraArgs;

  @Size(max = 64)
  @ValidationRule(
      value =
          "self.all(e, !(e.name in ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'VLLM_API_KEY']) || has(e.valueFrom))",
      message =
          "spec.engine.env: HF_TOKEN, HUGGING_FACE_HUB_TOKEN and VLLM_API_KEY must come from a Secret (valueFrom.secretKeyRef), never a literal value")
  @JsonPropertyDescription("Extra environment variables of the vLLM container.")
  private List<EnvVar> env;

  public Integer getTensorParallelSize() {
    return tensorParallelSize;
  }

  public void setTensorParallelSize(Integer tensorParallelSize) {
    this.tensorParallelSize = tensorParallelSize;
  }

  public Integer getPipelineParallelSize() {
    return pipelineParallelSize;
  }

  public void setPipelineParallelSize(Integer pipelineParallelSize) {
    this.pipelineParallelSize = pipelineParallelSize;
  }

  public Integer getMaxModelLen() {
    return maxModelLen;
  }

  public void setMaxModelLen(Integer maxModelLen) {
    this.maxModelLen = maxModelLen;
  }

  public Double getGpuMemoryUtilization() {
    return gpuMemoryUtilization;
  }

  public void setGpuMemoryUtilization(Double gpuMemoryUtilization) {
    this.gpuMemoryUtilization = gpuMemoryUtilization;
  }

  public Dtype getDtype() {
    return dtype;
  }

  public void setDtype(Dtype dtype) {
    this.dtype = dtype;
  }

  public Quantization getQuantization() {
    return quantization;
  }

  public void setQuantization(Quantization quantization) {
    this.quantization = quantization;
  }

  public Integer getMaxNumSeqs() {
    return maxNumSeqs;
  }

  public void setMaxNumSeqs(Integer maxNumSeqs) {
    this.maxNumSeqs = maxNumSeqs;
  }

  public SecretKeyRef getApiKeySecretRef() {
    return apiKeySecretRef;
  }

  public void setApiKeySecretRef(SecretKeyRef apiKeySecretRef) {
    this.apiKeySecretRef = apiKeySecretRef;
  }

  public List<String> getExtraArgs() {
    return extraArgs;
  }

  public void setExtraArgs(List<String> extraArgs) {
    this.extraArgs = extraArgs;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }
}
