package io.vllmoperator.contract;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vllmoperator.TestManifests;
import io.vllmoperator.validation.InvalidResourceException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds the CRD's extraArgs guard to every option string `vllm serve` accepts in each supported
 * version (the committed vLLM contract): an owned flag is refused in every spelling vLLM's parser
 * would read as it (underscores, abbreviations, aliases, `=value`), and every other flag passes.
 */
class ExtraArgsGuardContractTest {
  static final List<String> VERSIONS = List.of("0.11.0", "0.33.0");

  /** Destinations the operator sets from spec fields, or that would break serving or leak. */
  static final Set<String> OWNED =
      Set.of(
          "model",
          "served_model_name",
          "port",
          "host",
          "uds",
          "revision",
          "tensor_parallel_size",
          "pipeline_parallel_size",
          "data_parallel_size",
          "gpu_memory_utilization",
          "max_model_len",
          "max_num_seqs",
          "config",
          "disable_log_stats",
          "headless",
          "grpc",
          "api_key",
          "hf_token");

  /** Allowed while engine.dtype / engine.quantization are unset: an older image's values. */
  static final Set<String> FIELD_OWNED = Set.of("dtype", "quantization");

  static Map<String, String> flags() throws IOException {
    Map<String, String> flags = new TreeMap<>();
    for (String version : VERSIONS) {
      JsonNode contract =
          new ObjectMapper()
              .readTree(
                  TestManifests.repoRoot()
                      .resolve(
                          "operator/src/test/resources/vllm-contract/vllm-" + version + ".json")
                      .toFile());
      contract
          .path("flags")
          .properties()
          .forEach(e -> flags.put(e.getKey(), e.getValue().asText()));
    }
    return flags;
  }

  static Stream<String> ownedSpellings() throws IOException {
    List<String> spellings = new ArrayList<>();
    flags()
        .forEach(
            (flag, dest) -> {
              if (!OWNED.contains(dest)) {
                return;
              }
              spellings.add(flag);
              spellings.add(flag + "=x");
              if (flag.startsWith("--")) {
                spellings.add("--" + flag.substring(2).replace('-', '_'));
                // The shortest prefix argparse could still resolve to it, when unambiguous.
                spellings.add(flag.substring(0, Math.max(4, flag.length() - 2)));
              }
            });
    return spellings.stream();
  }

  static Stream<String> otherFlags() throws IOException {
    return flags().entrySet().stream()
        .filter(e -> !OWNED.contains(e.getValue()) && !FIELD_OWNED.contains(e.getValue()))
        .map(Map.Entry::getKey);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ownedSpellings")
  void everySpellingOfAnOwnedFlagIsRefused(String spelling) {
    assertThatThrownBy(
            () -> vllm("owned", "model: {name: m}\nengine: {extraArgs: ['" + spelling + "']}"))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("spec.engine.extraArgs");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherFlags")
  void everyOtherFlagOfVllmPasses(String flag) {
    var vllm = vllm("other", "model: {name: m}\nengine: {extraArgs: ['" + flag + "']}");
    assertThat(vllm.getSpec().getEngine().getExtraArgs()).containsExactly(flag);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fieldOwnedFlags")
  void dtypeAndQuantizationFlagsPassOnlyWhileTheirFieldIsUnset(String flag) {
    var field = flag.startsWith("--d") ? "dtype: half" : "quantization: awq";
    assertThat(vllm("free", "model: {name: m}\nengine: {extraArgs: ['" + flag + "', 'x']}"))
        .isNotNull();
    assertThatThrownBy(
            () ->
                vllm(
                    "both",
                    "model: {name: m}\nengine: {" + field + ", extraArgs: ['" + flag + "', 'x']}"))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("spec.engine.extraArgs");
  }

  static Stream<String> fieldOwnedFlags() throws IOException {
    return Stream.concat(
        flags().entrySet().stream()
            .filter(e -> FIELD_OWNED.contains(e.getValue()))
            .map(Map.Entry::getKey),
        Stream.of("-qawq", "--quantization=gptq", "--dty"));
  }
}
