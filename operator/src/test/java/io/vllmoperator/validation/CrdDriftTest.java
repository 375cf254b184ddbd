package io.vllmoperator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed CRD copies must be exactly what the Java classes generate. */
class CrdDriftTest {
  @ParameterizedTest
  @ValueSource(strings = {"crds", "charts/vllm-operator/crds"})
  void committedCrdMatchesTheGeneratedOne(String directory) throws IOException {
    Path committed =
        TestManifests.repoRoot()
            .resolve(directory)
            .resolve("vllmdeployments.vllm-operator.io-v1.yml");

    assertThat(committed).exists();
    assertThat(Files.readString(committed))
        .as(
            "%s drifted from the API classes; run `mvn -Pupdate-crds process-classes` and commit",
            committed)
        .isEqualTo(CrdSchema.text());
  }
}
