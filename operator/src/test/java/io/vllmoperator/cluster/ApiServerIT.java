package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.manifest.ManifestReader;
import io.vllmoperator.validation.ValidationCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated CRD on a real kube-apiserver: what it accepts and defaults, what it refuses and
 * with which words (the same words `render` prints), and what kubectl shows.
 */
class ApiServerIT {
  private static final String NAMESPACE = "api-tier";
  private static LocalCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void installCrd() {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, NAMESPACE);
    ClusterFixtures.ensureNamespace(client, "llm");
  }

  @AfterAll
  static void close() {
    client.close();
  }

  static List<Path> examples() {
    return TestManifests.examples();
  }

  static List<ValidationCases.Case> invalidCases() {
    return ValidationCases.invalid();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void acceptsEveryExampleAndDefaultsItAsRenderDoes(Path example) throws IOException {
    var result =
        cluster.kubectl("", "apply", "--dry-run=server", "-o", "json", "-f", example.toString());
    assertThat(result.exitCode()).as(result.output()).isZero();

    // Both sides go through the API classes, so 2 and 2.0 compare equal.
    VllmDeployment fromServer =
        Serialization.jsonMapper().readValue(result.output(), VllmDeployment.class);
    VllmDeployment offline = TestManifests.readExample(example).get(0);
    assertThat(tree(fromServer.getSpec()))
        .as("the API server's defaulted spec equals render's")
        .isEqualTo(tree(offline.getSpec()));
  }

  private static JsonNode tree(Object value) {
    return Serialization.jsonMapper().valueToTree(value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCases")
  void refusesEachInvalidSpecWithTheSameMessageAsRender(ValidationCases.Case invalid) {
    var result =
        cluster.kubectl(
            invalid.manifestYaml(), "apply", "--dry-run=server", "-n", NAMESPACE, "-f", "-");

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains(invalid.expectedError());
  }

  /** Anchors, aliases, merge keys and YAML 1.1 scalars: kubectl and render read the same spec. */
  @Test
  void yamlOneOneFeaturesReadAsKubectlReadsThem() throws IOException {
    Path manifest =
        TestManifests.repoRoot()
            .resolve("operator/src/test/resources/validation/yaml-1.1-features.yaml");
    var result =
        cluster.kubectl("", "apply", "--dry-run=server", "-o", "json", "-f", manifest.toString());
    assertThat(result.exitCode()).as(result.output()).isZero();

    VllmDeployment fromServer =
        Serialization.jsonMapper().readValue(result.output(), VllmDeployment.class);
    VllmDeployment offline =
        new ManifestReader("default")
            .read(Files.newBufferedReader(manifest), manifest.toString())
            .get(0);
    assertThat(tree(offline.getSpec())).isEqualTo(tree(fromServer.getSpec()));
    // The quirks themselves, so a reader that ignores them cannot pass by accident.
    assertThat(offline.getSpec().getReplicas()).isEqualTo(2);
    assertThat(offline.getSpec().getService().getPort()).isEqualTo(8080);
    assertThat(offline.getSpec().getScheduling().getNodeSelector())
        .containsEntry("pool", "a")
        .containsEntry("zone", "z");
    assertThat(offline.getSpec().getRollout().getAutoRollback()).isFalse();
    assertThat(offline.getSpec().getRollout().getMaxSurge()).isEqualTo(8);
  }

  @Test
  void kubectlExplainShowsTheFieldDescriptions() {
    var result = cluster.kubectl("", "explain", "vllmdeployment.spec.model");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("Hugging Face repo id")
        .contains("tokenSecretRef")
        .contains("servedName");
    assertThat(cluster.kubectl("", "explain", "vllm.spec.rollout.onInsufficientGpus").output())
        .contains("ReplaceOneAtATime");
    assertThat(cluster.kubectl("", "explain", "vllm.spec.monitoring.alerts.rules").output())
        .contains("keyed by the alert's name")
        .contains("customRules");
  }

  @Test
  void kubectlGetShowsThePrinterColumns() throws IOException {
    var cr =
        Serialization.unmarshal(
            Files.newInputStream(TestManifests.repoRoot().resolve("examples/minimal.yaml")),
            GenericKubernetesResource.class);
    cr.getMetadata().setNamespace(NAMESPACE);
    cr.getMetadata().setName("columns");
    client.resource(cr).create();
    try {
      var table = cluster.kubectl("", "get", "vllm", "-n", NAMESPACE);
      // The CRD generator orders columns by jsonPath: NAME AGE MODEL PHASE READY.
      assertThat(table.output().lines().findFirst().orElse("").split("\\s+"))
          .containsExactly("NAME", "AGE", "MODEL", "PHASE", "READY");
      assertThat(table.output()).contains("columns").contains("Qwen/Qwen2.5-1.5B-Instruct");
      assertThat(cluster.kubectl("", "get", "vllm", "-n", NAMESPACE, "-o", "wide").output())
          .contains("ENDPOINT");
    } finally {
      client.resource(cr).delete();
    }
  }
}
