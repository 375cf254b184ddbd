package io.vllmoperator.monitoring;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogConfigAggregateTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void joinsEveryPromtailJobIntoOneFileAndKeepsOneAlloyFilePerDeployment() throws Exception {
    var promtailOnly = vllm("b-model", "model: {name: m}");
    var both =
        vllm("a-model", "model: {name: m}\nmonitoring: {logs: {promtail: true, alloy: true}}");
    var off = vllm("c-model", "model: {name: m}\nmonitoring: {logs: {promtail: false}}");

    var configMap = LogConfigAggregate.of("ops", List.of(promtailOnly, off, both));

    assertThat(configMap.getMetadata().getName()).isEqualTo("vllm-operator-logs");
    assertThat(configMap.getMetadata().getNamespace()).isEqualTo("ops");
    JsonNode promtail = YAML.readTree(configMap.getData().get("promtail.yaml"));
    assertThat(promtail.path("scrape_configs")).hasSize(2);
    assertThat(promtail.path("scrape_configs").toString())
        .contains("a-model")
        .contains("b-model")
        .doesNotContain("c-model");
    assertThat(promtail.path("scrape_configs").get(0).toString())
        .as("sorted by namespace and name")
        .contains("a-model");
    assertThat(configMap.getData().keySet())
        .containsExactly("promtail.yaml", LogShippingConfigs.alloyKey(both));
    assertThat(configMap.getData().get(LogShippingConfigs.alloyKey(both)))
        .isEqualTo(LogShippingConfigs.alloy(both));
  }

  @Test
  void theOrderOfTheInputDoesNotChangeTheOutput() {
    var a = vllm("a", "model: {name: m}");
    var b = vllm("b", "model: {name: m}\nmonitoring: {logs: {alloy: true}}");

    assertThat(LogConfigAggregate.of("ops", List.of(a, b)))
        .isEqualTo(LogConfigAggregate.of("ops", List.of(b, a)));
  }

  @Test
  void noDeploymentsGiveAnEmptyButValidPromtailConfig() throws Exception {
    var configMap = LogConfigAggregate.of("ops", List.of());

    assertThat(YAML.readTree(configMap.getData().get("promtail.yaml")).path("scrape_configs"))
        .isEmpty();
  }
}
