package io.vllmoperator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart ships copies of dashboards/, logging/ and the operator's alerts: the same files. */
class ChartFilesDriftTest {
  private static final Path ROOT = TestManifests.repoRoot();
  private static final Path CHART_FILES = ROOT.resolve("charts/vllm-operator/files");
  private static final List<String> LOG_CONFIGS =
      List.of("alloy/config.alloy", "promtail/promtail.yaml");

  @Test
  void chartDashboardsAreExactCopiesOfTheSource() throws IOException {
    Path source = ROOT.resolve("dashboards");
    Path chart = CHART_FILES.resolve("dashboards");

    assertThat(names(chart, ".json")).isEqualTo(names(source, ".json")).isNotEmpty();
    for (String name : names(source, ".json")) {
      assertSameFile(source.resolve(name), chart.resolve(name));
    }
  }

  @Test
  void chartLogConfigsAreExactCopiesOfTheSource() throws IOException {
    Path source = ROOT.resolve("logging");
    Path chart = CHART_FILES.resolve("logging");

    for (String file : LOG_CONFIGS) {
      assertThat(chart.resolve(file)).exists();
      assertSameFile(source.resolve(file), chart.resolve(file));
    }
    try (Stream<Path> files = Files.walk(chart)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> chart.relativize(p).toString()))
          .as("no stale file in the chart's copy")
          .containsExactlyInAnyOrderElementsOf(LOG_CONFIGS);
    }
  }

  @Test
  void chartOperatorAlertsAreAnExactCopyOfTheSource() throws IOException {
    Path chart = CHART_FILES.resolve("alerts");

    assertThat(names(chart, ".yaml")).containsExactly("operator-alerts.yaml");
    assertSameFile(
        ROOT.resolve("alerts/operator-alerts.yaml"), chart.resolve("operator-alerts.yaml"));
  }

  private static void assertSameFile(Path source, Path copy) throws IOException {
    assertThat(Files.readString(copy))
        .as("%s drifted; run `mvn -Pupdate-crds process-classes` and commit", copy)
        .isEqualTo(Files.readString(source));
  }

  private static List<String> names(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix))
          .sorted()
          .toList();
    }
  }
}
