package io.vllmoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vllmoperator.TestManifests;
import io.vllmoperator.validation.CrdSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
  private static final String VALID =
      """
      apiVersion: vllm-operator.io/v1alpha1
      kind: VllmDeployment
      metadata: {name: a, namespace: team}
      spec: {model: {name: m}}
      ---
      apiVersion: vllm-operator.io/v1alpha1
      kind: VllmDeployment
      metadata: {name: b}
      spec: {model: {name: m, cache: {size: 10Gi}}, monitoring: {dashboards: {enabled: true}}}
      """;

  @Test
  void readsStandardInputWithSeveralDocumentsAndDefaultsTheNamespace() throws IOException {
    var result = Cli.runWithStdin(VALID, "render", "-f", "-", "-n", "ml");

    assertThat(result.exitCode()).as(result.err()).isZero();
    List<JsonNode> docs = documents(result.out());
    assertThat(docs)
        .extracting(
            d ->
                d.at("/kind").asText()
                    + "/"
                    + d.at("/metadata/namespace").asText()
                    + "/"
                    + d.at("/metadata/name").asText())
        .containsExactly(
            "Deployment/team/a",
            "Service/team/a",
            "ServiceMonitor/team/a",
            "PrometheusRule/team/a",
            "PersistentVolumeClaim/ml/b-cache",
            "Deployment/ml/b",
            "Service/ml/b",
            "ServiceMonitor/ml/b",
            "PrometheusRule/ml/b",
            "ConfigMap/ml/b-dashboards");
  }

  @Test
  void withoutPrometheusOperatorThereIsNoServiceMonitorOrPrometheusRule() throws IOException {
    var result = Cli.runWithStdin(VALID, "render", "-f", "-", "--no-prometheus-operator");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(documents(result.out()))
        .extracting(d -> d.at("/kind").asText() + "/" + d.at("/metadata/name").asText())
        .containsExactly(
            "Deployment/a",
            "Service/a",
            "PersistentVolumeClaim/b-cache",
            "Deployment/b",
            "Service/b",
            "ConfigMap/b-dashboards");
  }

  @Test
  void envValuesStayStringsInTheYaml() throws IOException {
    var result = Cli.runWithStdin(VALID, "render", "-f", "-");

    JsonNode env =
        documents(result.out()).get(0).at("/spec/template/spec/containers/0/env/0/value");
    assertThat(env.isTextual()).as("env value must stay a YAML string").isTrue();
    assertThat(result.out()).contains("value: \"1\"");
  }

  @Test
  void invalidFieldsAreRefusedWithExitCodeTwoAndTheFieldNamed() {
    var result =
        Cli.runWithStdin(
            VALID.replace("spec: {model: {name: m}}", "spec: {model: {name: m}, replicas: -3}"),
            "render",
            "-f",
            "-");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .contains("The VllmDeployment \"a\" is invalid")
        .contains("spec.replicas: Invalid value: -3");
  }

  /** What the issue found: each gave exit 1 and a Java stack trace, or a wrong error set. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "engine: {maxModelLen: 3000000000}",
        "replicas: 99999999999999999999",
        "replicas: 2.5",
        "replicas: .inf",
        "engine: {maxNumSeqs: 1e400}",
        "rollout: {startupTimeout: 1000000h, progressDeadline: 2000000h}",
        "gpu: {count: [1]}",
        "monitoring: {alerts: {thresholds: {queueDepth: 1e308}}}",
        "replicas: -0x10",
        "gpu: {count: 0b102}",
      })
  void anyBadNumberIsOneLineAndExitTwo(String field) {
    var result =
        Cli.runWithStdin(
            VALID.replace("spec: {model: {name: m}}", "spec: {model: {name: m}, " + field + "}"),
            "render",
            "-f",
            "-");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith("error: ")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  @Test
  void negativeReplicasGiveTheApiServersTwoErrors() {
    var result =
        Cli.runWithStdin(
            VALID.replace("spec: {model: {name: m}}", "spec: {model: {name: m}, replicas: -1}"),
            "render",
            "-f",
            "-");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "* spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or"
                + " equal to 0")
        .contains("* .spec.replicas: Invalid value: -1: should be a non-negative integer");
  }

  @Test
  void yamlAnchorsAliasesAndMergeKeysAreRead() {
    var result =
        Cli.runWithStdin(
            """
            apiVersion: vllm-operator.io/v1alpha1
            kind: VllmDeployment
            metadata: {name: a}
            spec:
              model: {name: &m Qwen/Qwen2.5-1.5B-Instruct, servedName: *m}
              monitoring:
                labels: &l {release: kps}
                alerts: {labels: {<<: *l, team: ml}}
            """,
            "render",
            "-f",
            "-");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("--served-model-name")
        .contains("team: ml")
        .contains("release: kps");
  }

  @Test
  void anotherKindIsRefused() {
    var result =
        Cli.runWithStdin(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "render", "-f", "-");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("unknown kind \"ConfigMap\"");
  }

  @Test
  void unreadableYamlIsRefusedWithItsPosition() {
    var result = Cli.runWithStdin("spec: {model: [unclosed\n", "render", "-f", "-");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("not valid YAML").contains("line");
  }

  @Test
  void aMissingFileIsRefused(@TempDir Path dir) {
    var result = Cli.run("render", "-f", dir.resolve("nope.yaml").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("no such file");
  }

  @Test
  void anEmptyFileIsRefused(@TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing\n");
    var result = Cli.run("render", "-f", empty.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("no VllmDeployment found");
  }

  @Test
  void crdPrintsTheGeneratedDefinition() {
    var result = Cli.run("crd");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo(CrdSchema.text());
    assertThat(result.out()).contains("name: \"vllmdeployments.vllm-operator.io\"");
  }

  @Test
  void everyExampleRendersWithoutSecretValuesInArguments() throws IOException {
    for (Path example : TestManifests.examples()) {
      var result = Cli.run("render", "-f", example.toString());
      for (JsonNode doc : documents(result.out())) {
        for (JsonNode arg : doc.at("/spec/template/spec/containers/0/args")) {
          assertThat(arg.asText()).doesNotContainIgnoringCase("token").doesNotContain("api-key");
        }
        for (JsonNode env : doc.at("/spec/template/spec/containers/0/env")) {
          if (List.of("HF_TOKEN", "VLLM_API_KEY").contains(env.path("name").asText())) {
            assertThat(env.has("value")).as(example + " " + env).isFalse();
            assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).isNotEmpty();
          }
        }
      }
    }
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    var mapper = new ObjectMapper(new YAMLFactory());
    try (var it = mapper.readerFor(JsonNode.class).readValues(yaml)) {
      return it.readAll().stream().map(JsonNode.class::cast).toList();
    }
  }
}
