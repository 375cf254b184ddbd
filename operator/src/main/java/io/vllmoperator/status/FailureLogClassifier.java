package io.vllmoperator.status;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the root cause in the log of a crashed vLLM container. A failure inside vLLM's engine
 * process ends with a long wrapper traceback ("Engine core initialization failed. See root cause
 * above."), so the whole log is searched and the most specific known cause wins over the wrapper.
 */
public final class FailureLogClassifier {
  /**
   * A root cause: a CamelCase reason, the log line it was found on (redacted, trimmed) and advice
   * naming the spec field to change.
   */
  public record RootCause(String reason, String line, String advice) {}

  private static final int MAX_LINE = 240;

  /**
   * ANSI colours, then vLLM's "(EngineCore_DP0 pid=274) " and "ERROR 10-21 09:14:11 [core.py:708]
   * ".
   */
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

  private static final Pattern PROCESS_PREFIX = Pattern.compile("^\\([A-Za-z0-9_-]+ pid=\\d+\\) ");
  private static final Pattern LOG_HEADER =
      Pattern.compile(
          "^(DEBUG|INFO|WARNING|ERROR|CRITICAL) \\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[[^\\]]*\\] ?");

  /** Source lines of a traceback ("raise ValueError(") name the cause but carry no detail. */
  private static final Pattern SOURCE_LINE = Pattern.compile("^(raise |File \"|self\\.|return )");

  /** Most specific first: the first rule with a match names the failure. */
  private static final List<Rule> RULES =
      List.of(
          rule(
              "UnrecognizedArguments",
              "error: unrecognized arguments:|error: argument \\S+: invalid choice:",
              line ->
                  "vLLM rejected its command line; fix spec.engine.extraArgs (or the field that"
                      + " set this flag)"),
          rule(
              "SharedMemoryTooSmall",
              "/dev/shm\\S* .*(No space left on device|failed to extend)"
                  + "|Error while creating shared memory segment"
                  + "|[Bb]us error|died unexpectedly \\(exit code: -7\\)"
                  + "|insufficient shared memory",
              line ->
                  "/dev/shm is too small for vLLM's workers: the operator mounts 4Gi of memory per"
                      + " GPU there; make sure spec.resources.limits.memory leaves room for it"),
          rule(
              "CudaOutOfMemory",
              "CUDA out of memory|torch\\.OutOfMemoryError|CUDA error: out of memory",
              line ->
                  "CUDA out of memory; lower spec.engine.maxModelLen or"
                      + " spec.engine.gpuMemoryUtilization, quantize, or add GPUs (spec.gpu.count)"),
          rule(
              "GpuMemoryInUse",
              "Free memory on device.* on startup is less than",
              line ->
                  "another process holds GPU memory"
                      + find(line, "\\(([\\d.]+/[\\d.]+ GiB)\\)")
                          .map(" (free/total %s)"::formatted)
                          .orElse("")
                      + "; lower spec.engine.gpuMemoryUtilization"
                      + find(line, "utilization \\(([\\d.]+),")
                          .map(" below %s"::formatted)
                          .orElse("")
                      + " or free the GPU"),
          rule(
              "KvCacheTooSmall",
              "KV cache is needed, which is larger than the available KV cache memory"
                  + "|No available memory for the cache blocks",
              line ->
                  find(line, "estimated maximum model length is (\\d+)")
                      .map(
                          n ->
                              "the KV cache cannot hold spec.engine.maxModelLen; vLLM estimates the"
                                  + " maximum model length is "
                                  + n
                                  + ": set spec.engine.maxModelLen <= "
                                  + n
                                  + " or raise spec.engine.gpuMemoryUtilization")
                      .orElse(
                          "the KV cache cannot hold spec.engine.maxModelLen; lower it or raise"
                              + " spec.engine.gpuMemoryUtilization")),
          rule(
              "MaxModelLenTooLarge",
              "User-specified max_model_len \\(\\d+\\) is greater than the derived max_model_len",
              line ->
                  "spec.engine.maxModelLen"
                      + find(line, "max_model_len \\((\\d+)\\)").map(" %s"::formatted).orElse("")
                      + " is above the model's limit"
                      + find(line, "=(\\d+) or model_max_length").map(" %s"::formatted).orElse("")
                      + "; lower spec.engine.maxModelLen"),
          rule(
              "UnsupportedDtypeOrQuantization",
              "Bfloat16 is only supported on GPUs"
                  + "|The quantization method \\S+ is not supported for the current GPU"
                  + "|is not supported for quantization method"
                  + "|Quantization scheme is not supported",
              FailureLogClassifier::dtypeAdvice),
          rule(
              "TensorParallelMismatch",
              "must be divisible by tensor parallel size",
              line ->
                  "spec.engine.tensorParallelSize"
                      + find(line, "tensor parallel size \\((\\d+)\\)")
                          .map(" %s"::formatted)
                          .orElse("")
                      + " does not divide the model's"
                      + find(line, "attention heads \\((\\d+)\\)").map(" %s"::formatted).orElse("")
                      + " attention heads; pick a divisor (and spec.gpu.count to match)"),
          rule(
              "InvalidRevision",
              "Revision Not Found for url|Invalid rev id:|is not a valid git identifier",
              line -> "the model revision does not exist; check spec.model.revision"),
          rule(
              "ModelAccessDenied",
              "Access to model \\S+ is restricted|Invalid credentials in Authorization header"
                  + "|Cannot access gated repo|GatedRepoError|You are trying to access a gated repo"
                  + "|403 Forbidden",
              line ->
                  "the Hugging Face Hub refused the model download (gated model or bad token: check"
                      + " spec.model.tokenSecretRef and that the token's account was granted"
                      + " access)"),
          rule(
              "HubUnreachable",
              "We couldn't connect to|Failed to resolve '[^']+'"
                  + "|Temporary failure in name resolution|Max retries exceeded with url"
                  + "|LocalEntryNotFoundError|OfflineModeIsEnabled|ConnectError|ConnectTimeout",
              line ->
                  "the Hugging Face Hub is unreachable from the pod; allow egress to huggingface.co"
                      + " (or a proxy in spec.engine.env), or pre-load the model into"
                      + " spec.model.cache"),
          rule(
              "ModelNotFound",
              "Repository Not Found for url"
                  + "|is not a local folder and is not a valid model identifier"
                  + "|RepositoryNotFoundError|Invalid repository ID or local directory specified",
              line ->
                  "the model repository does not exist or is private; check spec.model.name (and"
                      + " spec.model.tokenSecretRef for a private repo)"),
          rule(
              "DistributedInitFailed",
              "NCCL error|nccl(SystemError|UnhandledCudaError|InternalError|RemoteError)"
                  + "|DistBackendError|DistNetworkError|ProcessGroupNCCL|init_process_group",
              line ->
                  "the tensor-parallel workers could not connect (NCCL / torch.distributed);"
                      + " check spec.engine.tensorParallelSize against spec.gpu.count, GPU peer"
                      + " access on the node, and NCCL settings in spec.engine.env"),
          rule(
              "EngineInitFailed",
              "Engine core initialization failed",
              line ->
                  "vLLM's engine failed to start for a reason not recognised here; read the"
                      + " pod's previous log"));

  private FailureLogClassifier() {}

  /** The root cause in {@code log}, if any rule recognises it. */
  public static Optional<RootCause> classify(String log) {
    if (log == null || log.isBlank()) {
      return Optional.empty();
    }
    List<String> lines = log.lines().map(FailureLogClassifier::plain).toList();
    for (Rule rule : RULES) {
      Optional<Match> match = rule.match(lines);
      if (match.isPresent()) {
        String line = match.get().line();
        return Optional.of(
            new RootCause(rule.reason(), excerpt(match.get()), rule.advice().apply(line)));
      }
    }
    return Optional.empty();
  }

  private static String dtypeAdvice(String line) {
    if (line.contains("Bfloat16")) {
      return "the GPU"
          + find(line, "has compute capability ([\\d.]+)")
              .map(" (compute capability %s)"::formatted)
              .orElse("")
          + " cannot run bfloat16; set spec.engine.dtype to half, or schedule on newer GPUs"
          + " (spec.gpu.product)";
    }
    return "the GPU"
        + find(line, "Current capability: (\\d+)")
            .map(" (compute capability %s)"::formatted)
            .orElse("")
        + " does not support spec.engine.quantization"
        + find(line, "Minimum capability: (\\d+)").map(" (needs %s)"::formatted).orElse("")
        + "; change spec.engine.quantization or spec.gpu.product";
  }

  /** The line without the colours and the per-process and per-record prefixes vLLM adds. */
  private static String plain(String line) {
    String text = ANSI.matcher(line).replaceAll("").strip();
    text = PROCESS_PREFIX.matcher(text).replaceFirst("");
    return LOG_HEADER.matcher(text).replaceFirst("").strip();
  }

  /** At most MAX_LINE characters of the line, starting a little before the match if it is deep. */
  private static String excerpt(Match match) {
    String line = match.line();
    int from = match.at() + 80 > MAX_LINE ? Math.max(0, match.at() - 60) : 0;
    String text = (from > 0 ? "..." : "") + line.substring(from);
    text = SecretRedactor.redact(text);
    return text.length() <= MAX_LINE ? text : text.substring(0, MAX_LINE) + "...";
  }

  private static Optional<String> find(String line, String regex) {
    Matcher m = Pattern.compile(regex).matcher(line);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Alternatives in {@code regex} are preferred from left to right, then the latest line. */
  private static Rule rule(String reason, String regex, Function<String, String> advice) {
    List<Pattern> alternatives =
        Stream.of(regex.split("\\|(?![^()]*\\))")).map(Pattern::compile).toList();
    return new Rule(reason, alternatives, advice);
  }

  private record Rule(String reason, List<Pattern> alternatives, Function<String, String> advice) {
    Optional<Match> match(List<String> lines) {
      for (Pattern alternative : alternatives) {
        Optional<Match> found = lastMatch(alternative, lines);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }

    /** The last matching line, preferring exception messages over the source lines above them. */
    private static Optional<Match> lastMatch(Pattern pattern, List<String> lines) {
      Match fallback = null;
      for (int i = lines.size() - 1; i >= 0; i--) {
        Matcher m = pattern.matcher(lines.get(i));
        if (m.find()) {
          Match match = new Match(lines.get(i), m.start());
          if (!SOURCE_LINE.matcher(match.line()).find()) {
            return Optional.of(match);
          }
          fallback = fallback == null ? match : fallback;
        }
      }
      return Optional.ofNullable(fallback);
    }
  }

  /** A matching line and where in it the match starts. */
  private record Match(String line, int at) {}
}
