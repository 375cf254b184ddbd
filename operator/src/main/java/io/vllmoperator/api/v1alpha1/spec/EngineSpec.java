package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** vLLM engine settings; each becomes a `vllm serve` flag. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = EngineSpec.DTYPE_FLAG_RULE,
    message = "spec.engine.extraArgs must not set --dtype while spec.engine.dtype is set",
    fieldPath = ".extraArgs")
@ValidationRule(
    value = EngineSpec.QUANTIZATION_FLAG_RULE,
    message =
        "spec.engine.extraArgs must not set --quantization while spec.engine.quantization is set",
    fieldPath = ".extraArgs")
@ValidationRule(
    value = EngineSpec.DEPRECATED_QUANTIZATION_RULE,
    message =
        "spec.engine.quantization fbgemm_fp8 and fp_quant are deprecated in vLLM 0.33.0, which refuses them unless spec.engine.extraArgs has --allow-deprecated-quantization",
    fieldPath = ".quantization")
public class EngineSpec {
  /**
   * Each flag in extraArgs as vLLM's FlexibleArgumentParser reads it: the name before `=` (and
   * before a `.` of the JSON-path syntax), underscores as dashes. A flag counts as an owned one
   * when it is that flag or a prefix of it, since argparse accepts unambiguous abbreviations.
   */
  // startsWith rather than a regex: the API server budgets CEL cost by string length.
  static final String FLAG_NAMES_OF_LIST =
      ".filter(a, a.startsWith('-')).map(a, a.split('=')[0].split('.')[0].replace('_', '-'))";

  static final String FLAG_NAMES = "self" + FLAG_NAMES_OF_LIST;

  /**
   * Every spelling, in vLLM 0.11.0 to 0.33.0, of the flags the operator sets from spec fields, and
   * of those that would stop the HTTP server the probes and Prometheus use.
   */
  static final String OWNED_FLAGS =
      "['--model', '--served-model-name', '--port', '--host', '--uds', '--revision',"
          + " '--tensor-parallel-size', '-tp', '--pipeline-parallel-size', '-pp',"
          + " '--data-parallel-size', '-dp', '--gpu-memory-utilization',"
          + " '--device-memory-utilization', '--max-model-len', '--max-num-seqs', '--config',"
          + " '--disable-log-stats', '--headless', '--grpc']";

  static final String SECRET_FLAGS = "['--api-key', '--hf-token']";

  static final String OWNED_FLAGS_RULE =
      FLAG_NAMES + ".all(k, !" + OWNED_FLAGS + ".exists(f, f.startsWith(k)))";

  static final String SECRET_FLAGS_RULE =
      FLAG_NAMES + ".all(k, !" + SECRET_FLAGS + ".exists(f, f.startsWith(k)))";

  /** dtype and quantization: extraArgs may set them for an older image, unless the field does. */
  static final String DTYPE_FLAG_RULE =
      "!has(self.dtype) || !has(self.extraArgs) || self.extraArgs"
          + FLAG_NAMES_OF_LIST
          + ".all(k, !'--dtype'.startsWith(k))";

  /** vLLM 0.33 refuses DEPRECATED_QUANTIZATION_METHODS without this flag (0.11 lacks it). */
  static final String DEPRECATED_QUANTIZATION_RULE =
      "!has(self.quantization) || !(self.quantization in ['fbgemm_fp8', 'fp_quant'])"
          + " || (has(self.extraArgs) && self.extraArgs.exists(a,"
          + " a.replace('_', '-') == '--allow-deprecated-quantization'))";

  static final String QUANTIZATION_FLAG_RULE =
      "!has(self.quantization) || !has(self.extraArgs) || self.extraArgs"
          + FLAG_NAMES_OF_LIST
          // argparse also reads "-qawq" as "-q awq": a one-letter option takes an attached value.
          + ".all(k, !'--quantization'.startsWith(k) && !k.startsWith('-q'))";

  @Min(1)
  @Max(64)
  @JsonPropertyDescription(
      "GPUs a model replica is sharded across (--tensor-parallel-size). Default: spec.gpu.count / pipelineParallelSize. tensorParallelSize * pipelineParallelSize must equal spec.gpu.count.")
  private Integer tensorParallelSize;

  @Default("1")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Pipeline stages (--pipeline-parallel-size), 1 to 64.")
  private Integer pipelineParallelSize;

  @Min(1)
  @Max(10_000_000)
  @JsonPropertyDescription(
      "Maximum context length in tokens (--max-model-len), at most 10,000,000. Default: the model's own.")
  private Integer maxModelLen;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription(
      "Fraction of GPU memory vLLM may use, in (0, 1] (--gpu-memory-utilization). Unset: vLLM's default, 0.92 in vLLM 0.33.0 (0.9 in 0.11.0).")
  private Double gpuMemoryUtilization;

  @JsonPropertyDescription("Weights and activations data type (--dtype).")
  private Dtype dtype;

  @JsonPropertyDescription(
      "Quantization method of the weights (--quantization): the methods the default image (vLLM 0.33.0) accepts. For a method only an older image knows, leave this unset and pass --quantization in extraArgs.")
  private Quantization quantization;

  @Min(1)
  @Max(65536)
  @JsonPropertyDescription("Maximum sequences in one batch (--max-num-seqs), 1 to 65536.")
  private Integer maxNumSeqs;

  @JsonPropertyDescription(
      "Secret key with the API key clients must send. Reaches the pod only as env VLLM_API_KEY via secretKeyRef.")
  private SecretKeyRef apiKeySecretRef;

  @Size(max = 64)
  @ValidationRule(
      value = SECRET_FLAGS_RULE,
      message =
          "spec.engine.extraArgs must not carry secrets (--api-key, --hf-token, in any spelling): use spec.engine.apiKeySecretRef or spec.model.tokenSecretRef")
  @ValidationRule(
      value = OWNED_FLAGS_RULE,
      message =
          "spec.engine.extraArgs must not set, in any spelling (underscores, abbreviations, aliases), a flag the operator owns: --model, --served-model-name, --port, --host, --uds, --revision, --tensor-parallel-size, --pipeline-parallel-size, --data-parallel-size, --gpu-memory-utilization, --max-model-len, --max-num-seqs, --config; nor --disable-log-stats, --headless or --grpc, which stop the metrics or the HTTP server")
  @JsonPropertyDescription(
      "Further `vllm serve` flags, passed as they are (e.g. --enable-prefix-caching). Flags the operator sets from spec fields and secrets are refused in every spelling vLLM accepts. --dtype and --quantization are allowed here only while engine.dtype and engine.quantization are unset, for values only an older image accepts.")
  private List<@Size(max = 512) String> extraArgs;

  @Size(max = 64)
  @ValidationRule(
      value =
          "self.all(e, !(e.name in ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'VLLM_API_KEY'])"
              + " || (has(e.valueFrom) && has(e.valueFrom.secretKeyRef)))",
      message =
          "spec.engine.env: HF_TOKEN, HUGGING_FACE_HUB_TOKEN and VLLM_API_KEY must come from a Secret (valueFrom.secretKeyRef), never a literal value, a ConfigMap or a field")
  @ValidationRule(
      value = "self.all(e, !has(e.value) || !has(e.valueFrom) || size(e.value) == 0)",
      message = "spec.engine.env: value and valueFrom are mutually exclusive")
  @ValidationRule(
      value =
          "self.all(e, !has(e.valueFrom) || ((has(e.valueFrom.secretKeyRef) ? 1 : 0)"
              + " + (has(e.valueFrom.configMapKeyRef) ? 1 : 0)"
              + " + (has(e.valueFrom.fieldRef) ? 1 : 0) == 1))",
      message =
          "spec.engine.env: valueFrom takes exactly one of secretKeyRef, configMapKeyRef or fieldRef")
  @SchemaFrom(type = EnvVarSchema[].class)
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
