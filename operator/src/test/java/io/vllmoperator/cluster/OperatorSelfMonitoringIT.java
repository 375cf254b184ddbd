package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.monitoring.OperatorAlertRules;
import io.vllmoperator.status.Conditions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator, with leader election, scraped as Prometheus scrapes it: every metric name
 * the operator's own alerts (alerts/operator-alerts.yaml) read is on its /metrics, with the labels
 * the rules select on. One VllmDeployment reconciles; another is refused by a ResourceQuota, so the
 * failure series (JOSDK's failed reconciles, the client's 403s) exist too.
 */
class OperatorSelfMonitoringIT {
  private static final String NS = "selfmon";
  private static final String QUOTA_NS = "selfmon-quota";
  private static final String OPERATOR_NS = "selfmon-operator";
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^\\n]*})? (\\S+)$");

  private static LocalCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void setUp() {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    for (String ns : new String[] {NS, QUOTA_NS, OPERATOR_NS}) {
      ClusterFixtures.ensureNamespace(client, ns);
    }
    client
        .resourceQuotas()
        .inNamespace(QUOTA_NS)
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("no-services")
                .endMetadata()
                .withNewSpec()
                .addToHard("services", new Quantity("0"))
                .endSpec()
                .build())
        .serverSideApply();
  }

  @AfterAll
  static void tearDown() {
    client.resources(VllmDeployment.class).inNamespace(NS).delete();
    client.resources(VllmDeployment.class).inNamespace(QUOTA_NS).delete();
    client.resourceQuotas().inNamespace(QUOTA_NS).withName("no-services").delete();
    client.leases().inNamespace(OPERATOR_NS).delete();
    client.close();
  }

  @Test
  void everyMetricTheOperatorAlertsReadIsExportedByTheRealOperator() throws Exception {
    Instant started = Instant.now();
    try (OperatorProcess operator =
        OperatorProcess.start(
            cluster.kubeconfig(),
            "--leader-election",
            "--leader-election-namespace=" + OPERATOR_NS,
            "--leader-election-identity=selfmon")) {
      await("the operator leads")
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(() -> get(operator, "/readyz").equals("200 ok: leader"));

      create(NS, "healthy");
      create(QUOTA_NS, "blocked");
      await("healthy Ready")
          .atMost(Duration.ofSeconds(120))
          .ignoreExceptions()
          .until(() -> vllm(NS, "healthy").getStatus().getPhase() == Phase.READY);
      await("blocked refused by the ResourceQuota")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  Conditions.find(
                          vllm(QUOTA_NS, "blocked").getStatus().getConditions(),
                          Conditions.DEGRADED)
                      .filter(c -> "Forbidden".equals(c.getReason()))
                      .isPresent());

      Set<String> used = OperatorAlertRules.metricNames();
      await("every metric name the alerts use on /metrics")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(names(scrape(operator))).containsAll(used));
      String metrics = scrape(operator);
      Instant scraped = Instant.now();

      // The values the rules compare, as a leader that reconciles and is refused reports them.
      assertThat(value(metrics, "vllm_operator_leader", "")).isEqualTo(1.0);
      double acquired = value(metrics, "vllm_operator_leadership_acquired_timestamp_seconds", "");
      assertThat(acquired)
          .isBetween(started.getEpochSecond() - 1.0, scraped.getEpochSecond() + 1.0);
      assertThat(
              value(
                  metrics,
                  "operator_sdk_controllers_execution_reconcile_failure_total",
                  "controller=\"vllmdeployment\""))
          .isPositive();
      assertThat(
              value(
                  metrics,
                  "operator_sdk_controllers_execution_reconcile_seconds_count",
                  "controller=\"vllmdeployment\""))
          .isGreaterThan(
              value(
                  metrics,
                  "operator_sdk_controllers_execution_reconcile_failure_total",
                  "controller=\"vllmdeployment\""));
      assertThat(
              value(
                  metrics,
                  "operator_sdk_controllers_execution_reconcile_seconds_bucket",
                  "le=\"+Inf\""))
          .isEqualTo(
              value(metrics, "operator_sdk_controllers_execution_reconcile_seconds_count", ""));
      // The Service create the quota refuses is a server-side apply: PATCH, 403.
      assertThat(
              value(
                  metrics,
                  "vllm_operator_kubernetes_client_requests_total",
                  "code=\"403\",method=\"PATCH\""))
          .isPositive();
      assertThat(
              value(
                  metrics,
                  "vllm_operator_kubernetes_client_requests_total",
                  "code=\"200\",method=\"GET\""))
          .isPositive();
      assertThat(value(metrics, "operator_sdk_reconciliations_queue_size_vllmdeployment", ""))
          .isGreaterThanOrEqualTo(
              value(metrics, "operator_sdk_reconciliations_executions_vllmdeployment", ""));

      System.out.printf(
          "OPERATOR-SELF-METRICS names_used=%d %s requests=%s%n",
          used.size(), used, requestsByCode(metrics));
    }
  }

  /** Names of the samples on /metrics. */
  private static Set<String> names(String metrics) {
    Set<String> names = new TreeSet<>();
    Matcher m = SAMPLE.matcher(metrics);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The sum of the samples of {@code name} whose labels contain {@code labels}. */
  private static double value(String metrics, String name, String labels) {
    double sum = 0;
    boolean found = false;
    Matcher m = SAMPLE.matcher(metrics);
    while (m.find()) {
      String sampleLabels = m.group(2) == null ? "" : m.group(2);
      if (m.group(1).equals(name) && sampleLabels.contains(labels)) {
        sum += Double.parseDouble(m.group(3));
        found = true;
      }
    }
    assertThat(found).as("a sample %s{%s...} on /metrics", name, labels).isTrue();
    return sum;
  }

  private static Map<String, Double> requestsByCode(String metrics) {
    Map<String, Double> byCode = new TreeMap<>();
    Matcher m = SAMPLE.matcher(metrics);
    while (m.find()) {
      if (m.group(1).equals("vllm_operator_kubernetes_client_requests_total")) {
        byCode.merge(m.group(2), Double.parseDouble(m.group(3)), Double::sum);
      }
    }
    return byCode;
  }

  private static String scrape(OperatorProcess operator) throws IOException, InterruptedException {
    String response = get(operator, "/metrics");
    assertThat(response).startsWith("200 ");
    return response.substring(4);
  }

  private static String get(OperatorProcess operator, String path)
      throws IOException, InterruptedException {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + operator.httpPort() + path))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private static void create(String namespace, String name) {
    VllmDeployment vllm =
        TestManifests.vllm(name, "model: {name: Qwen/Qwen2.5-1.5B-Instruct}\nreplicas: 1");
    vllm.getMetadata().setNamespace(namespace);
    vllm.getMetadata().setGeneration(null);
    vllm.setStatus(null);
    client.resource(vllm).create();
  }

  private static VllmDeployment vllm(String namespace, String name) {
    return client.resources(VllmDeployment.class).inNamespace(namespace).withName(name).get();
  }
}
