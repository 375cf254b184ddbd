package io.vllmoperator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart ships copies of dashboards/; they must be the same files. */
class ChartFilesDriftTest {
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
