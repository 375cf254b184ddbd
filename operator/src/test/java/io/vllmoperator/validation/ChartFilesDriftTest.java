package io.vllmoperator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart ships copies of dashboards/ and logging/; they must be the same files. */
class ChartFilesDriftTest {
  private static final java.util.List<String> LOG_CONFIGS =
      java.util.List.of("alloy/config.alloy", "promtail/promtail.yaml");

  @Test
  void chartDashboardsAreExactCopiesOfTheSource() throws IOException {
    Path source = TestManifests.repoRoot().resolve("dashboards");
    Path chart = TestManifests.repoRoot().resolve("charts/vllm-operator/files/dashboards");

    assertThat(names(chart)).isEqualTo(names(source)).isNotEmpty();
    for (String name : names(source)) {
      assertThat(Files.readString(chart.resolve(name)))
          .as("%s drifted; run `mvn -Pupdate-crds process-classes` and commit", chart.resolve(name))
          .isEqualTo(Files.readString(source.resolve(name)));
    }
  }

  @Test
  void chartLogConfigsAreExactCopiesOfTheSource() throws IOException {
    Path source = TestManifests.repoRoot().resolve("logging");
    Path chart = TestManifests.repoRoot().resolve("charts/vllm-operator/files/logging");

    for (String file : LOG_CONFIGS) {
      assertThat(chart.resolve(file)).exists();
      assertThat(Files.readString(chart.resolve(file)))
          .as("%s drifted; run `mvn -Pupdate-crds process-classes` and commit", chart.resolve(file))
          .isEqualTo(Files.readString(source.resolve(file)));
    }
    try (Stream<Path> files = Files.walk(chart)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> chart.relativize(p).toString()))
          .as("no stale file in the chart's copy")
          .containsExactlyInAnyOrderElementsOf(LOG_CONFIGS);
    }
  }

  private static java.util.List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .sorted()
          .toList();
    }
  }
}
