package io.vllmoperator.desired;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineArgsTest {

  @Test
  void everyEngineFieldBecomesItsFlag() {
    var vllm =
        vllm(
            "llama",
            """
            model: {name: meta-llama/Llama-3.1-70B-Instruct, revision: abc123, servedName: llama-70b}
            gpu: {count: 8}
            engine:
              tensorParallelSize: 4
              pipelineParallelSize: 2
              maxModelLen: 8192
              gpuMemoryUtilization: 0.85
              dtype: bfloat16
              quantization: compressed-tensors
              maxNumSeqs: 128
              extraArgs: ["--enable-prefix-caching", "--kv-cache-dtype=fp8"]
            """);

    List<String> args = EngineArgs.of(vllm);

    assertThat(args.get(0)).isEqualTo("meta-llama/Llama-3.1-70B-Instruct");
    assertThat(flags(args))
        .containsEntry("--port", "8000")
        .containsEntry("--served-model-name", "llama-70b")
        .containsEntry("--revision", "abc123")
        .containsEntry("--tensor-parallel-size", "4")
        .containsEntry("--pipeline-parallel-size", "2")
        .containsEntry("--max-model-len", "8192")
        .containsEntry("--gpu-memory-utilization", "0.85")
        .containsEntry("--dtype", "bfloat16")
        .containsEntry("--quantization", "compressed-tensors")
        .containsEntry("--max-num-seqs", "128");
    assertThat(args).endsWith("--enable-prefix-caching", "--kv-cache-dtype=fp8");
  }

  @Test
  void defaultsLeaveVllmToChooseAndSpreadTensorParallelismOverAllGpus() {
    var vllm = vllm("small", "model: {name: Qwen/Qwen2.5-1.5B-Instruct}\ngpu: {count: 2}");

    List<String> args = EngineArgs.of(vllm);

    assertThat(args)
        .containsExactly(
            "Qwen/Qwen2.5-1.5B-Instruct",
            "--port",
            "8000",
            "--served-model-name",
            "small",
            "--tensor-parallel-size",
            "2");
  }

  @Test
  void tensorParallelDefaultsToGpusPerPipelineStage() {
    var vllm = vllm("pp", "model: {name: m}\ngpu: {count: 8}\nengine: {pipelineParallelSize: 2}");

    assertThat(EngineArgs.tensorParallelSize(vllm)).isEqualTo(4);
    assertThat(flags(EngineArgs.of(vllm))).containsEntry("--pipeline-parallel-size", "2");
  }

  private static java.util.Map<String, String> flags(List<String> args) {
    var map = new java.util.LinkedHashMap<String, String>();
    for (int i = 1; i + 1 < args.size(); i++) {
      if (args.get(i).startsWith("--") && !args.get(i + 1).startsWith("--")) {
        map.put(args.get(i), args.get(i + 1));
      }
    }
    return map;
  }
}
