package io.vllmoperator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code helm template} of the chart for the default values and a few non-default sets, against
 * reviewed golden files, with no cluster. After an intended change to the chart, refresh them with
 * {@code mvn -B -ntp -q -pl operator test -Dtest=ChartGoldenTest -Dgolden.update=true} and review
 * the diff of operator/src/test/resources/chart-golden/: it is what `helm install` applies.
 */
class ChartGoldenTest {
  private static final Path GOLDEN =
      TestManifests.repoRoot().resolve("operator/src/test/resources/chart-golden");
  private static final String API = "--api-versions=" + Helm.MONITORING_API;

  /** A golden case: its file name (without .yaml) and the arguments after the chart. */
  record Case(String name, List<String> args) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        // A cluster without prometheus-operator: no ServiceMonitor, no PrometheusRule.
        new Case("defaults", List.of()),
        new Case("defaults-with-prometheus-operator", List.of(API)),
        new Case(
            "monitoring-off",
            List.of(
                API,
                "--set=metrics.serviceMonitor.enabled=false",
                "--set=metrics.prometheusRule.enabled=false")),
        new Case(
            "monitoring-labels-and-runbooks",
            List.of(
                API,
                "--set=metrics.serviceMonitor.labels.release=kube-prometheus-stack",
                "--set=metrics.prometheusRule.labels.release=kube-prometheus-stack",
                "--set=metrics.prometheusRule.runbookBaseUrl=https://runbooks.example.com/vllm",
                "--set=nameOverride=llm-operator")),
        new Case(
            "single-replica-without-leader-election",
            List.of(API, "--set=replicaCount=1", "--set=leaderElection.enabled=false")),
        new Case("paused", List.of(API, "--set=replicaCount=0")),
        new Case(
            "watch-namespaces",
            List.of("--set=watchNamespaces={llm,llm-staging}", "--set=logLevel=debug")),
        new Case(
            "affinity", List.of("--values=" + GOLDEN.resolve("affinity.values.yaml").toString())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void helmTemplateMatchesTheReviewedGoldenFile(Case c) throws IOException {
    String rendered = Helm.render(c.args());

    Path golden = GOLDEN.resolve(c.name() + ".yaml");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, rendered, StandardCharsets.UTF_8);
    }
    assertThat(golden).as("golden file for " + c.name()).exists();
    assertThat(rendered).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @Test
  void everyGoldenFileHasItsCase() throws IOException {
    var names = cases().stream().map(c -> c.name() + ".yaml").toList();
    try (Stream<Path> files = Files.list(GOLDEN)) {
      assertThat(
              files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".values.yaml")))
          .allMatch(names::contains);
    }
  }

  @Test
  void theOperatorIsMonitoredByDefaultWheneverPrometheusOperatorIsInstalled() {
    assertThat(kinds(List.of())).doesNotContain("ServiceMonitor", "PrometheusRule");
    assertThat(kinds(List.of(API))).contains("ServiceMonitor", "PrometheusRule");
    assertThat(kinds(List.of(API, "--set=metrics.prometheusRule.enabled=false")))
        .contains("ServiceMonitor")
        .doesNotContain("PrometheusRule");
    assertThat(kinds(List.of(API, "--set=metrics.serviceMonitor.enabled=false")))
        .as("the rules read the ServiceMonitor's series")
        .doesNotContain("ServiceMonitor", "PrometheusRule");
    assertThat(kinds(List.of(API, "--set=replicaCount=0")))
        .as("a paused operator is not alerted about")
        .contains("ServiceMonitor")
        .doesNotContain("PrometheusRule");
  }

  @Test
  void theServiceMonitorScrapesTheMetricsServicePort() {
    List<JsonNode> docs = Helm.documents(Helm.render(List.of(API)));
    JsonNode monitor = Helm.ofKind(docs, "ServiceMonitor").get(0);
    JsonNode service = Helm.ofKind(docs, "Service").get(0);

    assertThat(monitor.at("/spec/selector/matchLabels").properties())
        .allSatisfy(
            e ->
                assertThat(service.at("/metadata/labels").path(e.getKey()))
                    .isEqualTo(e.getValue()));
    assertThat(monitor.at("/spec/endpoints/0/port").asText())
        .isEqualTo(service.at("/spec/ports/0/name").asText());
    assertThat(monitor.at("/spec/namespaceSelector/matchNames/0").asText())
        .isEqualTo(Helm.NAMESPACE);
  }

  private static List<String> kinds(List<String> args) {
    return Helm.documents(Helm.render(args)).stream().map(d -> d.path("kind").asText()).toList();
  }
}
