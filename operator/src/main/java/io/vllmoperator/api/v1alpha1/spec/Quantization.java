package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * vLLM --quantization methods: {@code QUANTIZATION_METHODS} of vLLM 0.33.0 (the default image), in
 * vLLM's order. VllmContractTest holds this list equal to that release's contract.
 *
 * <p>On 0.33, fbgemm_fp8 and fp_quant are deprecated: vLLM refuses them unless extraArgs carries
 * --allow-deprecated-quantization. Older releases know a different set (0.11.0 has e.g. gguf and
 * bitsandbytes but no auto_awq); see operator/src/test/resources/vllm-contract.
 */
public enum Quantization {
  @JsonProperty("awq")
  AWQ,
  @JsonProperty("auto_awq")
  AUTO_AWQ,
  @JsonProperty("fp8")
  FP8,
  @JsonProperty("fbgemm_fp8")
  FBGEMM_FP8,
  @JsonProperty("fp_quant")
  FP_QUANT,
  @JsonProperty("modelopt")
  MODELOPT,
  @JsonProperty("modelopt_fp4")
  MODELOPT_FP4,
  @JsonProperty("modelopt_mxfp8")
  MODELOPT_MXFP8,
  @JsonProperty("modelopt_mixed")
  MODELOPT_MIXED,
  @JsonProperty("auto_gptq")
  AUTO_GPTQ,
  @JsonProperty("gptq")
  GPTQ,
  @JsonProperty("gptq_marlin")
  GPTQ_MARLIN,
  @JsonProperty("awq_marlin")
  AWQ_MARLIN,
  @JsonProperty("humming")
  HUMMING,
  @JsonProperty("compressed-tensors")
  COMPRESSED_TENSORS,
  @JsonProperty("experts_int8")
  EXPERTS_INT8,
  @JsonProperty("quark")
  QUARK,
  @JsonProperty("moe_wna16")
  MOE_WNA16,
  @JsonProperty("torchao")
  TORCHAO,
  @JsonProperty("inc")
  INC,
  @JsonProperty("mxfp4")
  MXFP4,
  @JsonProperty("gpt_oss_mxfp4")
  GPT_OSS_MXFP4,
  @JsonProperty("deepseek_v4_fp8")
  DEEPSEEK_V4_FP8,
  @JsonProperty("online")
  ONLINE,
  @JsonProperty("fp8_per_tensor")
  FP8_PER_TENSOR,
  @JsonProperty("fp8_per_block")
  FP8_PER_BLOCK,
  @JsonProperty("fp8_per_channel")
  FP8_PER_CHANNEL,
  @JsonProperty("int8_per_channel_weight_only")
  INT8_PER_CHANNEL_WEIGHT_ONLY,
  @JsonProperty("nvfp4_per_token")
  NVFP4_PER_TOKEN,
  @JsonProperty("mxfp8")
  MXFP8;

  /** The value as written in the spec. */
  public String value() {
    try {
      return getClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
