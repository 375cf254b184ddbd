package io.vllmoperator.monitoring;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardConfigsTest {
  private static final VllmDeployment LLAMA =
      vllm(
          "llama-8b",
          "model: {name: m, servedName: llama-chat}\n"
              + "monitoring: {alerts: {thresholds: {ttftP95Seconds: 1.5, queueDepth: 50,"
              + " errorRatio: 0.01}}}");

  @Test
  void eachDashboardGetsAStableUidOfAtMost40CharactersPerDeployment() {
    Set<String> uids = new HashSet<>();
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      String base = MonitoringAssets.get().dashboard(file).path("uid").asText();
      String uid = DashboardConfigs.dashboard(LLAMA, file).path("uid").asText();

      assertThat(uid).startsWith(base + "-").hasSizeLessThanOrEqualTo(40);
      assertThat(DashboardConfigs.dashboard(LLAMA, file).path("uid").asText()).isEqualTo(uid);
      uids.add(uid);
      uids.add(
          DashboardConfigs.dashboard(vllm("llama-8b-v2", "model: {name: m}"), file)
              .path("uid")
              .asText());
      uids.add(DashboardConfigs.uid(base, "llm2", "llama-8b"));
    }
    assertThat(uids).hasSize(3 * MonitoringAssets.DASHBOARD_FILES.size());
  }

  @Test
  void theTitleNamesTheDeploymentAndTheIdIsLeftToGrafana() {
    JsonNode serving = DashboardConfigs.dashboard(LLAMA, "vllm-serving.json");

    assertThat(serving.path("title").asText()).isEqualTo("vLLM / Serving (llm/llama-8b)");
    assertThat(serving.get("id").isNull()).isTrue();
  }

  @Test
  void variablesDefaultToThisDeploymentAndConstantsToItsThresholds() {
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      Map<String, JsonNode> variables = variables(DashboardConfigs.dashboard(LLAMA, file));

      assertSelected(variables, "namespace", "llm");
      assertSelected(variables, "deployment", "llama-8b");
      assertSelected(variables, "model", "llama-chat");
      assertSelected(variables, "ttft_p95_threshold", "1.5");
      assertSelected(variables, "itl_p95_threshold", "0.2");
      assertSelected(variables, "e2e_p95_threshold", "30");
      assertSelected(variables, "kv_cache_threshold", "0.9");
      assertSelected(variables, "queue_depth_threshold", "50");
      assertSelected(variables, "error_ratio_threshold", "0.01");
      assertThat(variables.get("queue_depth_threshold").path("query").asText()).isEqualTo("50");
      // The query variables still list the other deployments.
      assertThat(variables.get("deployment").path("query").asText()).contains("label_values(");
      assertThat(variables.get("datasource").path("type").asText()).isEqualTo("datasource");
    }
  }

  @Test
  void theConfigMapDataIsOneCompactJsonPerDashboardUnderAKeyUniquePerDeployment() throws Exception {
    Map<String, String> data = DashboardConfigs.of(LLAMA);

    assertThat(data.keySet())
        .containsExactly(
            "llm.llama-8b.vllm-serving.json",
            "llm.llama-8b.vllm-gpu.json",
            "llm.llama-8b.vllm-rollouts.json");
    for (var entry : data.entrySet()) {
      JsonNode parsed = new ObjectMapper().readTree(entry.getValue());
      String file = entry.getKey().substring("llm.llama-8b.".length());
      assertThat(parsed).isEqualTo(DashboardConfigs.dashboard(LLAMA, file));
      assertThat(entry.getValue()).startsWith("{\"id\":null,").doesNotContain("\n");
    }
    assertThat(DashboardConfigs.of(LLAMA)).isEqualTo(data);
  }

  private static void assertSelected(Map<String, JsonNode> variables, String name, String value) {
    JsonNode variable = variables.get(name);
    assertThat(variable).as(name).isNotNull();
    assertThat(variable.path("current").path("value").asText()).as(name).isEqualTo(value);
    assertThat(variable.path("current").path("text").asText()).as(name).isEqualTo(value);
    assertThat(variable.path("options")).as(name).hasSize(1);
    assertThat(variable.path("options").get(0).path("value").asText()).as(name).isEqualTo(value);
  }

  static Map<String, JsonNode> variables(JsonNode dashboard) {
    Map<String, JsonNode> variables = new java.util.LinkedHashMap<>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> variables.put(v.path("name").asText(), v));
    return variables;
  }
}
