package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** vLLM --quantization methods (vLLM 0.11). */
public enum Quantization {
  @JsonProperty("awq")
  AWQ,
  @JsonProperty("awq_marlin")
  AWQ_MARLIN,
  @JsonProperty("gptq")
  GPTQ,
  @JsonProperty("gptq_marlin")
  GPTQ_MARLIN,
  @JsonProperty("gptq_marlin_24")
  GPTQ_MARLIN_24,
  @JsonProperty("gptq_bitblas")
  GPTQ_BITBLAS,
  @JsonProperty("bitblas")
  BITBLAS,
  @JsonProperty("gguf")
  GGUF,
  @JsonProperty("fp8")
  FP8,
  @JsonProperty("ptpc_fp8")
  PTPC_FP8,
  @JsonProperty("fbgemm_fp8")
  FBGEMM_FP8,
  @JsonProperty("modelopt")
  MODELOPT,
  @JsonProperty("modelopt_fp4")
  MODELOPT_FP4,
  @JsonProperty("compressed-tensors")
  COMPRESSED_TENSORS,
  @JsonProperty("bitsandbytes")
  BITSANDBYTES,
  @JsonProperty("hqq")
  HQQ,
  @JsonProperty("experts_int8")
  EXPERTS_INT8,
  @JsonProperty("deepspeedfp")
  DEEPSPEEDFP,
  @JsonProperty("tpu_int8")
  TPU_INT8,
  @JsonProperty("ipex")
  IPEX,
  @JsonProperty("quark")
  QUARK,
  @JsonProperty("moe_wna16")
  MOE_WNA16,
  @JsonProperty("torchao")
  TORCHAO,
  @JsonProperty("auto-round")
  AUTO_ROUND,
  @JsonProperty("rtn")
  RTN,
  @JsonProperty("inc")
  INC,
  @JsonProperty("mxfp4")
  MXFP4,
  @JsonProperty("petit_nvfp4")
  PETIT_NVFP4;

  /** The value as written in the spec. */
  public String value() {
    try {
      return getClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
