package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.status.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Lint of dashboards/*.json and the alert template against the vLLM V1 metric names. */
class DashboardLintTest {
  private static final Path FIXTURES =
      TestManifests.repoRoot().resolve("operator/src/test/resources/monitoring");

  /** Removed or deprecated vLLM metrics (../shared/reference/vllm-monitoring.md §1d). */
  private static final List<String> REMOVED =
      List.of(
          "vllm:gpu_cache_usage_perc",
          "vllm:cpu_cache_usage_perc",
          "vllm:gpu_prefix_cache_queries",
          "vllm:gpu_prefix_cache_hits",
          "vllm:gpu_prefix_cache_hit_rate",
          "vllm:cpu_prefix_cache_hit_rate",
          "vllm:time_per_output_token_seconds",
          "vllm:num_requests_swapped",
          "vllm:time_in_queue_requests",
          "vllm:model_forward_time_milliseconds",
          "vllm:model_execute_time_milliseconds",
          "vllm:spec_decode_draft_acceptance_rate",
          "vllm:spec_decode_efficiency",
          "vllm:spec_decode_num_emitted_tokens",
          "vllm:avg_prompt_throughput_toks_per_s",
          "vllm:avg_generation_throughput_toks_per_s");

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @Test
  void uidsAreUniqueAndShortEnoughForThePerDeploymentSuffix() {
    Set<String> uids = new HashSet<>();
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      String uid = MonitoringAssets.get().dashboard(file).path("uid").asText();
      assertThat(uid).as(file).isNotBlank().hasSizeLessThanOrEqualTo(29);
      assertThat(uids.add(uid)).as("uid %s of %s is unique", uid, file).isTrue();
    }
  }

  @Test
  void everyPanelHasAQueryOnTheDatasourceVariable() {
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      for (JsonNode panel : panels(MonitoringAssets.get().dashboard(file))) {
        String title = file + ": " + panel.path("title").asText();
        assertThat(panel.path("targets")).as(title).isNotEmpty();
        assertThat(panel.path("datasource").path("uid").asText())
            .as(title)
            .isEqualTo("${datasource}");
        for (JsonNode target : panel.path("targets")) {
          assertThat(target.path("expr").asText()).as(title).isNotBlank();
          assertThat(target.path("datasource").path("uid").asText())
              .as(title)
              .isEqualTo("${datasource}");
        }
      }
    }
  }

  @Test
  void noDatasourceUidIsHardCoded() {
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      List<String> uids = new ArrayList<>();
      collectDatasourceUids(MonitoringAssets.get().dashboard(file), uids);
      assertThat(uids).as(file).isNotEmpty().allMatch("${datasource}"::equals);
    }
  }

  @Test
  void noRemovedVllmMetricIsQueried() {
    for (String query : allQueries()) {
      for (String name : names(query)) {
        // The family name and its series (_bucket, _count, _sum, _total).
        assertThat(REMOVED)
            .as("%s in %s", name, query)
            .noneMatch(removed -> name.equals(removed) || name.startsWith(removed + "_"));
      }
    }
  }

  @Test
  void countersAreAlwaysQueriedWithTheirTotalSuffix() throws IOException {
    Set<String> counters = familiesOfType("counter");
    assertThat(counters).contains("vllm:num_preemptions_total", "vllm:request_success_total");

    for (String query : allQueries()) {
      for (String name : names(query)) {
        assertThat(counters)
            .as("%s is a counter: query %s_total in %s", name, name, query)
            .doesNotContain(name + "_total");
      }
    }
  }

  /**
   * A name only one supported version exposes would leave a panel or alert dead on the other (e.g.
   * vllm:time_per_output_token_seconds, gone after 0.11); version differences are handled in label
   * values (finished_reason), never in names.
   */
  @Test
  void everyVllmMetricQueriedIsExposedByEverySupportedVersion() throws IOException {
    for (String version : PrometheusQueriesTest.VLLM_VERSIONS) {
      Set<String> exposed = new TreeSet<>();
      Matcher sample =
          Pattern.compile("(?m)^(vllm:[a-zA-Z0-9_:]+)")
              .matcher(fixture(PrometheusQueriesTest.vllmFixture(version)));
      while (sample.find()) {
        exposed.add(sample.group(1));
      }

      for (String query : allQueries()) {
        for (String name : names(query)) {
          if (name.startsWith("vllm:")) {
            assertThat(exposed).as("vLLM %s: %s", version, query).contains(name);
          }
        }
      }
    }
  }

  /** vllm/v1/engine/__init__.py FINISH_REASON_STRINGS of each version, as in its fixture. */
  @Test
  void eachFixtureHasTheFinishReasonsOfItsVersion() throws IOException {
    Map<String, Set<String>> reasons =
        Map.of(
            "0.11.0", Set.of("stop", "length", "abort"),
            "0.33.0", Set.of("stop", "length", "abort", "error", "repetition"));
    assertThat(reasons).containsOnlyKeys(PrometheusQueriesTest.VLLM_VERSIONS);
    for (String version : PrometheusQueriesTest.VLLM_VERSIONS) {
      Set<String> found = new TreeSet<>();
      Matcher m =
          Pattern.compile("(?m)^vllm:request_success_total\\{[^}]*finished_reason=\"([a-z]+)\"")
              .matcher(fixture(PrometheusQueriesTest.vllmFixture(version)));
      while (m.find()) {
        found.add(m.group(1));
      }
      assertThat(found).as("vLLM %s", version).isEqualTo(reasons.get(version));
    }
  }

  /**
   * The operator's names in every query are names it exports: the fixture's, whose metric and label
   * names OperatorMetricsTest holds equal to what OperatorMetrics writes.
   */
  @Test
  void everyOperatorMetricQueriedIsOneTheOperatorExports() throws IOException {
    Set<String> exported = new TreeSet<>();
    Matcher sample =
        Pattern.compile("(?m)^(vllm_operator_[a-z_]+)").matcher(fixture("operator-metrics.prom"));
    while (sample.find()) {
      exported.add(sample.group(1));
    }

    Set<String> queried = new TreeSet<>();
    for (String query : allQueries()) {
      for (String name : names(query)) {
        if (name.startsWith("vllm_operator_")) {
          assertThat(exported).as(query).contains(name);
          queried.add(name);
        }
      }
    }
    assertThat(queried)
        .contains(
            "vllm_operator_rollbacks_total",
            "vllm_operator_rollout_events_total",
            "vllm_operator_deployment_rollout_stuck",
            "vllm_operator_deployment_phase");
  }

  /** Each phase has its own colour where the rollouts dashboard shows the phase. */
  @Test
  void everyPhaseHasItsColourOnTheRolloutsDashboard() {
    Set<String> phases = new TreeSet<>();
    for (Phase phase : Phase.values()) {
      phases.add(phase.value());
    }
    JsonNode dashboard = MonitoringAssets.get().dashboard("vllm-rollouts.json");
    for (String title : List.of("Phase", "Rollout phase")) {
      JsonNode panel =
          panels(dashboard).stream()
              .filter(p -> p.path("title").asText().equals(title))
              .findFirst()
              .orElseThrow();
      Set<String> coloured = new TreeSet<>();
      panel
          .path("fieldConfig")
          .path("overrides")
          .forEach(o -> coloured.add(o.path("matcher").path("options").asText()));
      assertThat(coloured).as(title).isEqualTo(phases);
    }
  }

  /** One annotation per rollout marker, reading the marker's own series. */
  @Test
  void theRolloutsDashboardAnnotatesEveryRolloutMarker() {
    Set<String> events = new TreeSet<>();
    Pattern event =
        Pattern.compile("vllm_operator_rollout_events_total\\{[^}]*event=\"([a-z_]+)\"");
    MonitoringAssets.get()
        .dashboard("vllm-rollouts.json")
        .path("annotations")
        .path("list")
        .forEach(
            a -> {
              Matcher m = event.matcher(a.path("expr").asText());
              if (m.find()) {
                assertThat(events.add(m.group(1))).as("one annotation for %s", m.group(1)).isTrue();
              }
            });
    Set<String> markers = new TreeSet<>();
    for (RolloutEventCounter.Kind kind : RolloutEventCounter.Kind.values()) {
      markers.add(kind.label());
    }
    assertThat(events).isEqualTo(markers);
  }

  /** Every panel and annotation query of every dashboard and every alert expression. */
  static List<String> allQueries() {
    List<String> queries = new ArrayList<>();
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      JsonNode dashboard = MonitoringAssets.get().dashboard(file);
      panels(dashboard)
          .forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
      dashboard.path("annotations").path("list").forEach(a -> queries.add(a.path("expr").asText()));
    }
    MonitoringAssets.get()
        .alertTemplate()
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> queries.add(r.path("expr").asText())));
    queries.removeIf(String::isBlank);
    return queries;
  }

  /** Panels with queries (rows excluded), nested rows included. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    collectPanels(dashboard.path("panels"), panels);
    return panels;
  }

  private static void collectPanels(JsonNode list, List<JsonNode> into) {
    for (JsonNode panel : list) {
      if (!"row".equals(panel.path("type").asText())) {
        into.add(panel);
      }
      collectPanels(panel.path("panels"), into);
    }
  }

  private static void collectDatasourceUids(JsonNode node, List<String> into) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              field -> {
                if (field.getKey().equals("datasource") && field.getValue().has("uid")) {
                  into.add(field.getValue().path("uid").asText());
                }
                collectDatasourceUids(field.getValue(), into);
              });
    } else if (node.isArray()) {
      node.forEach(child -> collectDatasourceUids(child, into));
    }
  }

  /** Metric-like names of a query, with label matchers, strings and templates removed. */
  static Set<String> names(String query) {
    String stripped =
        query
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\"[^\"]*\"", " ")
            .replaceAll("\\[[^]]*]", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(stripped);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  private static Set<String> familiesOfType(String type) throws IOException {
    Set<String> families = new TreeSet<>();
    try (Stream<Path> files = Files.list(FIXTURES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".prom")).toList()) {
        for (String line : Files.readAllLines(file)) {
          String[] parts = line.split(" ");
          if (parts.length == 4 && parts[1].equals("TYPE") && parts[3].equals(type)) {
            families.add(parts[2]);
          }
        }
      }
    }
    return families;
  }

  private static String fixture(String name) throws IOException {
    return Files.readString(FIXTURES.resolve(name));
  }
}
