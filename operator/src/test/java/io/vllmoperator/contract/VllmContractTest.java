package io.vllmoperator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentSpec;
import io.vllmoperator.api.v1alpha1.spec.Dtype;
import io.vllmoperator.api.v1alpha1.spec.Quantization;
import io.vllmoperator.desired.EngineArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator's claims about vLLM, held to what each supported release's source says. */
class VllmContractTest {
  private static final Path ROOT = TestManifests.repoRoot();

  /**
   * Names a dashboard or the alert template may read although a release does not emit them, per
   * version. Each entry must be needed (the test fails on a stale one) and explained.
   */
  private static final Map<String, Map<String, String>> METRIC_GUARDS = Map.of();

  /** Same for values of the {@code finished_reason} label. */
  private static final Map<String, Map<String, String>> FINISH_REASON_GUARDS =
      Map.of(
          "0.11.0",
          Map.of(
              "error",
              // 0.11 has only stop/length/abort: the engine error ratio is empty there, and the
              // alert and dashboard fall back to http_requests_total{status=~"5.."}.
              "added after 0.11; VllmHighErrorRate and the error panel fall back to HTTP 5xx"));

  private static final Pattern VLLM_METRIC = Pattern.compile("(?<![\\w:])vllm:[A-Za-z_]\\w*");
  private static final Pattern HTTP_METRIC = Pattern.compile("(?<![\\w:])http_[a-z_]+");
  private static final Pattern FINISHED_REASON =
      Pattern.compile("finished_reason\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

  static Stream<String> versions() {
    return VllmContract.SUPPORTED_VERSIONS.stream();
  }

  static Stream<Arguments> manifestsAndVersions() {
    List<Arguments> cases = new ArrayList<>();
    Map<String, VllmDeployment> manifests = new LinkedHashMap<>();
    for (Path example : TestManifests.examples()) {
      for (VllmDeployment vllm : TestManifests.readExample(example)) {
        manifests.put(example.getFileName() + "/" + vllm.getMetadata().getName(), vllm);
      }
    }
    manifests.put("every engine field set", everyEngineField());
    manifests.forEach(
        (name, vllm) -> versions().forEach(v -> cases.add(Arguments.of(name, vllm, v))));
    return cases.stream();
  }

  private static VllmDeployment everyEngineField() {
    return TestManifests.vllm(
        "full",
        """
        model:
          name: meta-llama/Llama-3.1-70B-Instruct
          revision: abc123
          servedName: llama-70b
          tokenSecretRef: {name: hf, key: token}
        gpu: {count: 8}
        engine:
          tensorParallelSize: 4
          pipelineParallelSize: 2
          maxModelLen: 8192
          gpuMemoryUtilization: 0.85
          dtype: bfloat16
          quantization: fp8
          maxNumSeqs: 128
          apiKeySecretRef: {name: key, key: key}
        """);
  }

  @ParameterizedTest(name = "{0} on vLLM {2}")
  @MethodSource("manifestsAndVersions")
  void everyFlagTheOperatorPassesIsAVllmServeOption(
      String manifest, VllmDeployment vllm, String version) {
    VllmContract contract = VllmContract.of(version);
    List<String> args = EngineArgs.of(vllm);

    assertThat(args.get(0))
        .as("the model is the positional model_tag")
        .isEqualTo(vllm.getSpec().getModel().getName());
    List<String> unknown = new ArrayList<>();
    List<String> stray = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("-")) {
        stray.add(arg);
        continue;
      }
      String option = arg.split("=", 2)[0];
      if (!contract.flags().containsKey(option)) {
        unknown.add(option);
        continue;
      }
      boolean attached = arg.contains("=");
      String takes = contract.takesValue(option);
      boolean nextIsValue = i + 1 < args.size() && !args.get(i + 1).startsWith("-");
      if (!attached && (takes.equals("true") || (takes.equals("optional") && nextIsValue))) {
        i++;
      }
    }

    assertThat(unknown)
        .as("%s: flags vllm serve %s does not register (exact spelling)", manifest, version)
        .isEmpty();
    assertThat(stray)
        .as("%s: arguments that are no flag's value (vLLM %s would refuse them)", manifest, version)
        .isEmpty();
  }

  @Test
  void theQuantizationEnumIsExactlyWhatTheNewestVllmAccepts() throws IOException {
    VllmContract newest = VllmContract.of(VllmContract.NEWEST);
    List<String> javaEnum = Arrays.stream(Quantization.values()).map(Quantization::value).toList();

    assertThat(new TreeSet<>(javaEnum))
        .as("Quantization.java vs vLLM %s; %s", newest.version(), differences(newest, javaEnum))
        .containsExactlyElementsOf(newest.quantizations());
    assertThat(crdEnum("quantization")).containsExactlyInAnyOrderElementsOf(javaEnum);
  }

  @Test
  void theDtypeEnumIsExactlyWhatTheNewestVllmAccepts() throws IOException {
    VllmContract newest = VllmContract.of(VllmContract.NEWEST);
    List<String> javaEnum = Arrays.stream(Dtype.values()).map(Dtype::value).toList();

    assertThat(new TreeSet<>(javaEnum))
        .as("Dtype.java vs vLLM %s; older: %s", newest.version(), dtypeDifferences())
        .containsExactlyElementsOf(newest.dtypes());
    assertThat(crdEnum("dtype")).containsExactlyInAnyOrderElementsOf(javaEnum);
  }

  @Test
  void theCrdQuotesTheNewestVllmDefaultGpuMemoryUtilization() throws IOException {
    Object vllmDefault =
        VllmContract.of(VllmContract.NEWEST).quotedDefault("gpu_memory_utilization");

    assertThat(engineProperty("gpuMemoryUtilization").path("description").asText())
        .contains("vLLM's default, " + vllmDefault + " in vLLM " + VllmContract.NEWEST);
  }

  @ParameterizedTest(name = "vLLM {0}")
  @MethodSource("versions")
  void everyMetricTheDashboardsAndAlertsReadIsEmittedOrGuarded(String version) throws IOException {
    VllmContract contract = VllmContract.of(version);
    Set<String> referenced = referencedNames(VLLM_METRIC);
    referenced.addAll(referencedNames(HTTP_METRIC));
    Map<String, String> guards = METRIC_GUARDS.getOrDefault(version, Map.of());

    Set<String> missing = new TreeSet<>(referenced);
    missing.removeAll(contract.defaultSeries());

    assertThat(referenced).as("queries were found at all").isNotEmpty();
    assertThat(missing)
        .as(
            "series the dashboards/alerts read that a default vllm serve %s does not expose",
            version)
        .isSubsetOf(guards.keySet());
    assertThat(guards.keySet()).as("stale guards for %s", version).isSubsetOf(missing);
  }

  @ParameterizedTest(name = "vLLM {0}")
  @MethodSource("versions")
  void everyFinishedReasonTheDashboardsAndAlertsMatchExistsOrIsGuarded(String version)
      throws IOException {
    VllmContract contract = VllmContract.of(version);
    Set<String> values = new TreeSet<>();
    for (String query : queries()) {
      Matcher m = FINISHED_REASON.matcher(query);
      while (m.find()) {
        values.addAll(Arrays.asList(m.group(2).split("\\|")));
      }
    }
    Map<String, String> guards = FINISH_REASON_GUARDS.getOrDefault(version, Map.of());

    Set<String> unknown = new TreeSet<>(values);
    unknown.removeAll(contract.finishReasons());

    assertThat(unknown)
        .as(
            "finished_reason values vLLM %s never sets (it has %s)",
            version, contract.finishReasons())
        .isSubsetOf(guards.keySet());
    assertThat(guards.keySet()).as("stale guards for %s", version).isSubsetOf(unknown);
  }

  @ParameterizedTest(name = "vLLM {0}")
  @MethodSource("versions")
  void theVllmConsoleScriptExists(String version) {
    // The pod runs `vllm serve <model>` on any image.
    assertThat(VllmContract.of(version).consoleScripts()).contains("vllm");
  }

  @Test
  void theDefaultImageIsASupportedVllmRelease() {
    String tag =
        VllmDeploymentSpec.DEFAULT_IMAGE.substring(
            VllmDeploymentSpec.DEFAULT_IMAGE.lastIndexOf(':') + 2);

    assertThat(VllmContract.SUPPORTED_VERSIONS).contains(tag);
    assertThat(VllmContract.exists(tag)).isTrue();
  }

  // -- helpers --

  private static String differences(VllmContract newest, List<String> javaEnum) {
    List<String> lines = new ArrayList<>();
    Set<String> inJava = new TreeSet<>(javaEnum);
    Set<String> notInVllm = new TreeSet<>(inJava);
    newest.quantizations().forEach(notInVllm::remove);
    Set<String> notInJava = new TreeSet<>(newest.quantizations());
    notInJava.removeAll(inJava);
    lines.add("not in vLLM " + newest.version() + ": " + notInVllm);
    lines.add("missing in Java: " + notInJava);
    lines.add("deprecated in " + newest.version() + ": " + newest.deprecatedQuantizations());
    for (String version : VllmContract.SUPPORTED_VERSIONS) {
      if (!version.equals(newest.version())) {
        Set<String> older = new TreeSet<>(VllmContract.of(version).quantizations());
        Set<String> onlyOlder = new TreeSet<>(older);
        newest.quantizations().forEach(onlyOlder::remove);
        Set<String> onlyNewer = new TreeSet<>(newest.quantizations());
        onlyNewer.removeAll(older);
        lines.add("vLLM " + version + " also accepts " + onlyOlder + " but not " + onlyNewer);
      }
    }
    return String.join("; ", lines);
  }

  private static String dtypeDifferences() {
    List<String> newest = VllmContract.of(VllmContract.NEWEST).dtypes();
    List<String> lines = new ArrayList<>();
    for (String version : VllmContract.SUPPORTED_VERSIONS) {
      List<String> dtypes = VllmContract.of(version).dtypes();
      lines.add(version + (dtypes.equals(newest) ? " same" : " accepts " + dtypes));
    }
    return String.join(", ", lines);
  }

  private static JsonNode engineProperty(String name) throws IOException {
    JsonNode crd =
        new YAMLMapper()
            .readTree(ROOT.resolve("crds/vllmdeployments.vllm-operator.io-v1.yml").toFile());
    return crd.path("spec")
        .path("versions")
        .path(0)
        .path("schema")
        .path("openAPIV3Schema")
        .path("properties")
        .path("spec")
        .path("properties")
        .path("engine")
        .path("properties")
        .path(name);
  }

  private static List<String> crdEnum(String engineField) throws IOException {
    List<String> values = new ArrayList<>();
    engineProperty(engineField).path("enum").forEach(v -> values.add(v.asText()));
    return values;
  }

  /** Names matching {@code pattern} in any PromQL query of the dashboards and alert template. */
  private static Set<String> referencedNames(Pattern pattern) throws IOException {
    Set<String> names = new TreeSet<>();
    for (String query : queries()) {
      Matcher m = pattern.matcher(query);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** Panel and variable queries of every dashboard, and every rule expression (not comments). */
  private static List<String> queries() throws IOException {
    List<String> queries = new ArrayList<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("dashboards"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        collect(
            new ObjectMapper().readTree(file.toFile()),
            Set.of("expr", "query", "definition"),
            queries);
      }
    }
    collect(
        new YAMLMapper().readTree(ROOT.resolve("alerts/vllm-alerts.yaml").toFile()),
        Set.of("expr"),
        queries);
    return queries;
  }

  private static void collect(JsonNode node, Set<String> keys, List<String> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if (keys.contains(e.getKey()) && e.getValue().isTextual()) {
                  out.add(e.getValue().asText());
                } else {
                  collect(e.getValue(), keys, out);
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, keys, out));
    }
  }
}
