package io.vllmoperator.desired;

import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.EngineSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the vLLM server: `vllm serve <model> --flags...`. Secrets never appear here:
 * the HF token and API key reach vLLM through environment variables from Secrets.
 */
public final class EngineArgs {
  public static final int CONTAINER_PORT = 8000;

  /**
   * Set explicitly rather than trusting the image's entrypoint: older vllm/vllm-openai images
   * (0.11.0 among them) start `python3 -m vllm.entrypoints.openai.api_server`, which ignores a
   * positional model and serves vLLM's built-in default model instead; newer ones start `vllm
   * serve`. `command` replaces either. The `vllm` console script exists in every supported version,
   * and `serve` takes the model as its first positional argument (0.11's `vllm serve` refuses
   * `--model`).
   */
  public static final List<String> COMMAND = List.of("vllm", "serve");

  private EngineArgs() {}

  public static List<String> of(VllmDeployment vllm) {
    var spec = vllm.getSpec();
    EngineSpec engine = spec.getEngine();
    List<String> args = new ArrayList<>();
    args.add(spec.getModel().getName());
    add(args, "--port", String.valueOf(CONTAINER_PORT));
    add(args, "--served-model-name", Names.servedModel(vllm));
    add(args, "--revision", spec.getModel().getRevision());
    add(args, "--tensor-parallel-size", String.valueOf(tensorParallelSize(vllm)));
    if (engine.getPipelineParallelSize() > 1) {
      add(args, "--pipeline-parallel-size", String.valueOf(engine.getPipelineParallelSize()));
    }
    add(args, "--max-model-len", engine.getMaxModelLen());
    add(args, "--gpu-memory-utilization", engine.getGpuMemoryUtilization());
    add(args, "--dtype", engine.getDtype() == null ? null : engine.getDtype().value());
    add(
        args,
        "--quantization",
        engine.getQuantization() == null ? null : engine.getQuantization().value());
    add(args, "--max-num-seqs", engine.getMaxNumSeqs());
    if (engine.getExtraArgs() != null) {
      args.addAll(engine.getExtraArgs());
    }
    return args;
  }

  /** Explicit, or all GPUs of the pod spread over the pipeline stages. */
  public static int tensorParallelSize(VllmDeployment vllm) {
    EngineSpec engine = vllm.getSpec().getEngine();
    if (engine.getTensorParallelSize() != null) {
      return engine.getTensorParallelSize();
    }
    return vllm.getSpec().getGpu().getCount() / engine.getPipelineParallelSize();
  }

  private static void add(List<String> args, String flag, Object value) {
    if (value != null) {
      args.add(flag);
      args.add(String.valueOf(value));
    }
  }
}
