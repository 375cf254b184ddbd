package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Argo CD health check (docs/argocd/vllmdeployment-health.lua) run by a real Lua interpreter
 * against sample VllmDeployments (src/test/resources/argocd/), the way Argo CD runs it: the object
 * as the global {@code obj}, the script's returned table read back. Lua 5.4 (Debian's lua5.4,
 * scripts/install-test-deps) always; gopher-lua's glua as well when it has been built (the
 * interpreter Argo CD embeds, docs/argocd.md).
 */
class ArgoCdHealthCheckTest {
  private static final Path SAMPLES =
      TestManifests.repoRoot().resolve("operator/src/test/resources/argocd");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of("ready", "Healthy", "2/2 replicas ready"),
        Arguments.of("no-status", "Progressing", "Waiting for the operator to reconcile"),
        Arguments.of(
            "stale-generation",
            "Progressing",
            "Waiting for the operator to reconcile generation 4"),
        Arguments.of("pending", "Progressing", "creating Deployment llama-8b"),
        Arguments.of(
            "progressing", "Progressing", "rolling out revision 9e1b22c3d4: 1/2 replicas updated"),
        Arguments.of(
            "insufficient-gpus",
            "Progressing",
            "Waiting for GPUs: surge pod llama-8b-6f7c9-x2k4p cannot be scheduled: 0/6 nodes are"
                + " available: 6 Insufficient nvidia.com/gpu"),
        Arguments.of(
            "paused", "Suspended", "rollout paused by annotation vllm-operator.io/pause-rollout"),
        Arguments.of("scaling", "Progressing", "2 replicas loading the model (startup budget 30m)"),
        Arguments.of("scaled-to-zero", "Suspended", "Scaled to zero (spec.replicas is 0)"),
        Arguments.of(
            "rolling-back",
            "Degraded",
            "Rollback under way from failed revision 9e1b22c3d4 to 5d8c7f01ab: pod"
                + " llama-8b-7d9f-abcde: CUDA out of memory while profiling"
                + " (torch.OutOfMemoryError); lower engine.gpuMemoryUtilization or"
                + " engine.maxModelLen"),
        Arguments.of(
            "rolled-back",
            "Degraded",
            "revision 9e1b22c3d4 failed (CUDA out of memory while profiling); serving 5d8c7f01ab"
                + " again"),
        Arguments.of(
            "degraded",
            "Degraded",
            "pod llama-8b-7d9f-fghij: container vllm was OOMKilled (memory limit 96Gi); raise"
                + " resources.limits.memory"),
        Arguments.of(
            "failed",
            "Degraded",
            "model meta-llama/Llama-3.1-8B-Instruct not found on the Hugging Face Hub (check"
                + " spec.model.name)"),
        Arguments.of("unknown-phase", "Unknown", "Unknown phase Hibernating"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("samples")
  void mapsTheStatusToArgoCdHealth(String sample, String health, String message)
      throws IOException {
    JsonNode object = YAML.readTree(SAMPLES.resolve(sample + ".yaml").toFile());
    for (Path lua : ArgoCdHealth.interpreters()) {
      assertThat(ArgoCdHealth.run(lua, object))
          .as(lua.getFileName() + " on " + sample)
          .containsExactly(health, message);
    }
  }

  @Test
  void everySampleIsTested() throws IOException {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      assertThat(files.map(f -> f.getFileName().toString().replace(".yaml", "")))
          .containsExactlyInAnyOrderElementsOf(
              samples().map(a -> (String) a.get()[0]).collect(Collectors.toList()));
    }
  }

  @Test
  void theArgocdCmSnippetCarriesTheScriptUnchanged() throws IOException {
    JsonNode snippet =
        YAML.readTree(TestManifests.repoRoot().resolve("docs/argocd/argocd-cm.yaml").toFile());
    assertThat(snippet.at("/metadata/name").asText()).isEqualTo("argocd-cm");
    assertThat(
            snippet
                .path("data")
                .path("resource.customizations.health.vllm-operator.io_VllmDeployment")
                .asText())
        .isEqualTo(Files.readString(ArgoCdHealth.SCRIPT));
  }
}
