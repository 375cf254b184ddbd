package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MonitoringAssetsTest {
  private static final Path DASHBOARDS = TestManifests.repoRoot().resolve("dashboards");

  @Test
  void theDashboardListIsExactlyTheFilesInDashboards() throws IOException {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")))
          .containsExactlyInAnyOrderElementsOf(MonitoringAssets.DASHBOARD_FILES);
    }
  }

  @Test
  void everyDashboardInTheJarIsTheFileInDashboards() throws IOException {
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      assertThat(MonitoringAssets.get().dashboard(file))
          .as(file)
          .isEqualTo(new ObjectMapper().readTree(DASHBOARDS.resolve(file).toFile()));
    }
  }

  @Test
  void callersGetCopiesThatCannotChangeTheLoadedAssets() {
    MonitoringAssets.get().dashboard("vllm-serving.json").put("uid", "changed");
    MonitoringAssets.get().alertTemplate().removeAll();

    assertThat(MonitoringAssets.get().dashboard("vllm-serving.json").path("uid").asText())
        .isEqualTo("vllm-serving");
    assertThat(MonitoringAssets.get().alertTemplate().has("groups")).isTrue();
  }

  @Test
  void anUnknownDashboardIsRefused() {
    assertThatThrownBy(() -> MonitoringAssets.get().dashboard("nope.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vllm-serving.json");
  }
}
