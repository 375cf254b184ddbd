package io.vllmoperator.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One vLLM release's contract, as extracted by scripts/vllm-contract from its wheel
 * (src/test/resources/vllm-contract/vllm-VERSION.json).
 */
public final class VllmContract {
  /** Every vLLM release the operator supports, oldest first; each has a contract file. */
  public static final List<String> SUPPORTED_VERSIONS = List.of("0.11.0", "0.33.0");

  public static final String NEWEST = SUPPORTED_VERSIONS.get(SUPPORTED_VERSIONS.size() - 1);

  private final String version;
  private final JsonNode json;

  private VllmContract(String version, JsonNode json) {
    this.version = version;
    this.json = json;
  }

  public static boolean exists(String version) {
    return VllmContract.class.getResource(resource(version)) != null;
  }

  public static VllmContract of(String version) {
    try (InputStream in = VllmContract.class.getResourceAsStream(resource(version))) {
      if (in == null) {
        throw new IllegalArgumentException("no vLLM contract for " + version);
      }
      return new VllmContract(version, new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String version) {
    return "/vllm-contract/vllm-" + version + ".json";
  }

  public String version() {
    return version;
  }

  /** Option string (every spelling argparse registers) to its dest. */
  public Map<String, String> flags() {
    Map<String, String> flags = new TreeMap<>();
    json.path("flags").fields().forEachRemaining(e -> flags.put(e.getKey(), e.getValue().asText()));
    return flags;
  }

  /** All option strings whose dest is {@code dest} (e.g. --quantization and -q). */
  public Set<String> spellingsOf(String dest) {
    Set<String> spellings = new TreeSet<>();
    flags()
        .forEach(
            (flag, d) -> {
              if (d.equals(dest)) {
                spellings.add(flag);
              }
            });
    return spellings;
  }

  /** Whether the option consumes the next argument: "true", "false" or "optional". */
  public String takesValue(String option) {
    String dest = flags().get(option);
    if (dest == null) {
      throw new IllegalArgumentException(option + " is not a vllm serve " + version + " option");
    }
    return json.path("actions").path(dest).path("takesValue").asText();
  }

  public List<String> quantizations() {
    return strings(json.path("quantization").path("accepted"));
  }

  public List<String> deprecatedQuantizations() {
    return strings(json.path("quantization").path("deprecated"));
  }

  public List<String> dtypes() {
    return strings(json.path("dtype").path("choices"));
  }

  public List<String> finishReasons() {
    return strings(json.path("finishReasons"));
  }

  public Set<String> consoleScripts() {
    Set<String> scripts = new TreeSet<>();
    json.path("consoleScripts").fieldNames().forEachRemaining(scripts::add);
    return scripts;
  }

  /**
   * The series names a default `vllm serve` exposes on /metrics (counters with _total, histogram
   * _bucket/_sum/_count): metrics registered only under a condition (a LoRA config, a hidden
   * deprecated metric...) are left out.
   */
  public Set<String> defaultSeries() {
    Set<String> series = new TreeSet<>();
    json.path("metrics")
        .forEach(
            metric -> {
              if (metric.path("registeredIf").isEmpty()) {
                metric.path("exposedAs").forEach(s -> series.add(s.asText()));
              }
            });
    if (json.path("httpMetrics").path("mounted").asBoolean()) {
      json.path("httpMetrics")
          .path("defaultMetrics")
          .fields()
          .forEachRemaining(e -> series.addAll(exposed(e.getKey(), e.getValue())));
    }
    return series;
  }

  public Object quotedDefault(String dest) {
    JsonNode value = json.path("defaults").path(dest).path("default");
    return value.isNumber() ? value.numberValue() : value.asText();
  }

  private static List<String> exposed(String name, JsonNode metric) {
    return switch (metric.path("type").asText()) {
      case "counter" -> List.of(name.replaceFirst("_total$", "") + "_total");
      case "histogram" -> List.of(name + "_bucket", name + "_count", name + "_sum");
      case "summary" -> List.of(name + "_count", name + "_sum");
      default -> List.of(name);
    };
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
