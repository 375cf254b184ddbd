package io.vllmoperator.cluster;

import static io.vllmoperator.cluster.ChartDocuments.allowed;
import static io.vllmoperator.cluster.ChartDocuments.chart;
import static io.vllmoperator.cluster.ChartDocuments.documents;
import static io.vllmoperator.cluster.ChartDocuments.kind;
import static io.vllmoperator.cluster.ChartDocuments.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's log shipping: the one fleet config as ConfigMaps (the repository's logging/ files,
 * unchanged), and the optional Alloy DaemonSet with its least-privilege RBAC, installed into the
 * cluster: the API server accepts it, it lands on every node (the tainted GPU nodes too), and its
 * ServiceAccount may read pods and nothing else.
 */
class LogShippingChartIT {
  private static final String RELEASE = "logship";
  private static final String NS = "logship-it";

  /** The chart's <fullname> for this release name. */
  private static final String FULLNAME = RELEASE + "-vllm-operator";

  private static final String LOKI = "http://loki-gateway.loki.svc/loki/api/v1/push";
  private static final String[] DAEMON_SET = {
    "--set",
    "logShipping.alloy.daemonSet.enabled=true",
    "--set",
    "logShipping.alloy.daemonSet.lokiUrl=" + LOKI
  };

  private static LocalCluster cluster;
  private static KubernetesClient admin;

  @BeforeAll
  static void setUp() {
    cluster = LocalCluster.get();
    admin = cluster.newClient();
  }

  @AfterAll
  static void tearDown() {
    cluster.helm("uninstall", RELEASE, "-n", NS);
    admin.close();
  }

  @Test
  void byDefaultTheChartShipsTheAlloyConfigFileAndNothingElseOfLogShipping() throws IOException {
    List<JsonNode> docs = template();

    List<JsonNode> configMaps = logShippingConfigMaps(docs);
    assertThat(configMaps).hasSize(1);
    assertThat(configMaps.get(0).at("/metadata/name").asText()).isEqualTo(FULLNAME + "-alloy");
    assertThat(configMaps.get(0).at("/metadata/namespace").asText()).isEqualTo(NS);
    assertThat(configMaps.get(0).path("data").size()).isOne();
    assertThat(configMaps.get(0).at("/data/config.alloy").asText())
        .as("the repository's file, byte for byte")
        .isEqualTo(file("logging/alloy/config.alloy"));
    assertThat(kind(docs, "DaemonSet")).isEmpty();
    assertThat(docs.toString()).doesNotContain("promtail");
  }

  @Test
  void promtailIsOptInAndBothConfigsCanGoToTheCollectorsNamespace() throws IOException {
    List<JsonNode> docs =
        template(
            "--set",
            "logShipping.promtail.enabled=true",
            "--set",
            "logShipping.namespace=monitoring");

    assertThat(logShippingConfigMaps(docs))
        .extracting(
            d -> d.at("/metadata/namespace").asText() + "/" + d.at("/metadata/name").asText())
        .containsExactlyInAnyOrder(
            "monitoring/" + FULLNAME + "-alloy", "monitoring/" + FULLNAME + "-promtail");
    JsonNode promtail =
        kind(docs, "ConfigMap").stream()
            .filter(d -> d.at("/metadata/name").asText().endsWith("-promtail"))
            .findFirst()
            .orElseThrow();
    assertThat(promtail.at("/data/promtail.yaml").asText())
        .isEqualTo(file("logging/promtail/promtail.yaml"));
    assertThat(kind(docs, "Deployment").get(0).at("/metadata/namespace").asText())
        .as("the operator stays in the release namespace")
        .isEqualTo(NS);
  }

  @Test
  void theDaemonSetRunsThatConfigFileWithTheLokiUrlAndReadsOnlyThePodLogs() throws IOException {
    List<JsonNode> docs = template(DAEMON_SET);
    JsonNode daemonSet = only(docs, "DaemonSet");
    JsonNode pod = daemonSet.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");

    assertThat(args(container))
        .startsWith("run", "/etc/alloy/config.alloy")
        .contains("--disable-reporting");
    assertThat(env(container)).containsEntry("LOKI_URL", LOKI);
    assertThat(volume(pod, "config").at("/configMap/name").asText()).isEqualTo(FULLNAME + "-alloy");
    assertThat(mount(container, "config").path("mountPath").asText()).isEqualTo("/etc/alloy");
    assertThat(volume(pod, "pod-logs").at("/hostPath/path").asText()).isEqualTo("/var/log/pods");
    assertThat(mount(container, "pod-logs").path("readOnly").asBoolean()).isTrue();
    assertThat(pod.path("volumes"))
        .as("no other hostPath")
        .filteredOn(v -> v.has("hostPath"))
        .hasSize(1);
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(container.at("/securityContext/capabilities/drop").toString())
        .isEqualTo("[\"ALL\"]");
    assertThat(container.at("/securityContext/privileged").asBoolean(false)).isFalse();
    assertThat(named(docs, "ClusterRole", FULLNAME + "-alloy").path("rules").toString())
        .isEqualTo(
            "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\",\"list\",\"watch\"]}]");
    // The operator's Deployment and PodDisruptionBudget must never select the collector's pods.
    JsonNode alloyLabels = daemonSet.at("/spec/template/metadata/labels");
    for (JsonNode selecting :
        List.of(only(docs, "Deployment"), only(docs, "PodDisruptionBudget"))) {
      Map<String, String> selector = map(selecting.at("/spec/selector/matchLabels"));
      assertThat(selector.entrySet())
          .as(selecting.path("kind").asText() + " selector")
          .isNotEmpty()
          .anySatisfy(
              e -> assertThat(alloyLabels.path(e.getKey()).asText()).isNotEqualTo(e.getValue()));
    }

    var noUrl =
        cluster.helm(
            "template", RELEASE, chart(), "--set", "logShipping.alloy.daemonSet.enabled=true");
    assertThat(noUrl.exitCode()).isNotZero();
    assertThat(noUrl.output()).contains("logShipping.alloy.daemonSet.lokiUrl is required");
    var badUrl =
        cluster.helm(
            "template",
            RELEASE,
            chart(),
            "--set",
            "logShipping.alloy.daemonSet.enabled=true",
            "--set",
            "logShipping.alloy.daemonSet.lokiUrl=loki:3100");
    assertThat(badUrl.exitCode()).isNotZero();
    assertThat(badUrl.output()).contains("lokiUrl").contains("does not match pattern");
    var withoutConfig =
        cluster.helm(
            "template",
            RELEASE,
            chart(),
            DAEMON_SET[0],
            DAEMON_SET[1],
            DAEMON_SET[2],
            DAEMON_SET[3],
            "--set",
            "logShipping.alloy.enabled=false");
    assertThat(withoutConfig.exitCode()).isNotZero();
    assertThat(withoutConfig.output()).contains("needs logShipping.alloy.enabled");
    var typo = cluster.helm("template", RELEASE, chart(), "--set", "logShipping.alloy.enable=true");
    assertThat(typo.exitCode()).as("the schema refuses unknown keys").isNotZero();
  }

  @Test
  void installedTheDaemonSetCoversEveryNodeAndItsAccountReadsPodsOnly() {
    var installed =
        cluster.helm(
            "upgrade",
            "--install",
            RELEASE,
            chart(),
            "-n",
            NS,
            "--create-namespace",
            "--set",
            "replicaCount=0",
            DAEMON_SET[0],
            DAEMON_SET[1],
            DAEMON_SET[2],
            DAEMON_SET[3]);
    assertThat(installed.exitCode()).as(installed.output()).isZero();

    int nodes = admin.nodes().list().getItems().size();
    long tainted =
        admin.nodes().list().getItems().stream()
            .filter(n -> n.getSpec().getTaints() != null && !n.getSpec().getTaints().isEmpty())
            .count();
    await("the DaemonSet scheduled on every node")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                admin
                        .apps()
                        .daemonSets()
                        .inNamespace(NS)
                        .withName(FULLNAME + "-alloy")
                        .get()
                        .getStatus()
                        .getDesiredNumberScheduled()
                    == nodes);
    System.out.printf("LOG-SHIPPER nodes=%d tainted=%d%n", nodes, tainted);
    assertThat(tainted).as("the GPU nodes carry taints the DaemonSet tolerates").isPositive();

    try (KubernetesClient alloy = cluster.newClientAs(NS, FULLNAME + "-alloy")) {
      assertThat(allowed(alloy, "", "list", "pods")).as("pods in every namespace").isTrue();
      assertThat(allowed(alloy, "llm", "watch", "pods")).isTrue();
      assertThat(allowed(alloy, "llm", "get", "secrets")).isFalse();
      assertThat(allowed(alloy, NS, "get", "configmaps")).isFalse();
      assertThat(allowed(alloy, "llm", "get", "pods/log")).isFalse();
      assertThat(allowed(alloy, "llm", "create", "pods")).isFalse();
      assertThat(allowed(alloy, "", "list", "nodes")).isFalse();
    }
  }

  private static List<JsonNode> template(String... set) throws IOException {
    List<String> command = new ArrayList<>(List.of("template", RELEASE, chart(), "-n", NS));
    command.addAll(List.of(set));
    var result = cluster.helm(command.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.output()).isZero();
    return documents(result.output());
  }

  /** The chart's ConfigMaps but the fleet dashboards (on by default, for the Grafana sidecar). */
  private static List<JsonNode> logShippingConfigMaps(List<JsonNode> docs) {
    return kind(docs, "ConfigMap").stream()
        .filter(d -> d.at("/metadata/labels/grafana_dashboard").isMissingNode())
        .toList();
  }

  private static JsonNode named(List<JsonNode> docs, String kind, String name) {
    return kind(docs, kind).stream()
        .filter(d -> name.equals(d.at("/metadata/name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static List<String> args(JsonNode container) {
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new java.util.TreeMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    return env;
  }

  private static Map<String, String> map(JsonNode object) {
    Map<String, String> out = new java.util.TreeMap<>();
    object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
    return out;
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.path("volumes")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  private static JsonNode mount(JsonNode container, String name) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (name.equals(m.path("name").asText())) {
        return m;
      }
    }
    throw new AssertionError("no mount " + name);
  }

  private static String file(String path) throws IOException {
    return Files.readString(TestManifests.repoRoot().resolve(path));
  }
}
