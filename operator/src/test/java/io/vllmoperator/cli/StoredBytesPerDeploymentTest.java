package io.vllmoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What one VllmDeployment costs in etcd: the objects `render` prints for it, as the compact JSON
 * the API server stores (before its own metadata). The fleet's dashboards come from the chart once,
 * so a deployment without its own copy stays small; a copy is compact JSON.
 */
class StoredBytesPerDeploymentTest {
  /** Issue budget for what the operator stores per deployment by default. */
  private static final int DEFAULT_BUDGET = 25 * 1024;

  /** A per-deployment copy of the three dashboards, compact (it was 177 KB pretty-printed). */
  private static final int DASHBOARDS_COPY_BUDGET = 112 * 1024;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Path> examples() {
    return TestManifests.examples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void aDeploymentStoresLittleUnlessItAsksForItsOwnDashboards(Path example) throws IOException {
    var result = Cli.run("render", "-f", example.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();

    int total = 0;
    int dashboards = 0;
    for (JsonNode object : documents(result.out())) {
      int bytes = JSON.writeValueAsString(object).getBytes(StandardCharsets.UTF_8).length;
      total += bytes;
      if (object.at("/metadata/name").asText().endsWith("-dashboards")) {
        dashboards += bytes;
      }
    }
    System.out.printf(
        "STORED-BYTES example=%s total=%d dashboards=%d%n",
        example.getFileName(), total, dashboards);
    if (dashboards == 0) {
      assertThat(total).as("bytes stored for " + example.getFileName()).isLessThan(DEFAULT_BUDGET);
    } else {
      assertThat(dashboards).as("its own dashboards copy").isLessThan(DASHBOARDS_COPY_BUDGET);
      assertThat(total - dashboards).as("everything else").isLessThan(DEFAULT_BUDGET);
    }
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    try (var it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      return it.readAll().stream()
          .map(JsonNode.class::cast)
          .filter(d -> d != null && !d.isNull() && !d.isEmpty())
          .toList();
    }
  }
}
