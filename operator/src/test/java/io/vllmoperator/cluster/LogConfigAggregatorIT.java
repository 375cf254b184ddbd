package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.monitoring.LogConfigAggregate;
import io.vllmoperator.monitoring.LogConfigAggregator;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The one log config a Promtail/Alloy DaemonSet mounts follows VllmDeployments in and out. */
class LogConfigAggregatorIT {
  private static final String OPERATOR_NS = "log-aggregate-ops";
  private static final String WORKLOAD_NS = "log-aggregate-llm";

  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    client = LocalCluster.get().newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, OPERATOR_NS);
    ClusterFixtures.ensureNamespace(client, WORKLOAD_NS);
  }

  @AfterAll
  static void stop() {
    client.resources(VllmDeployment.class).inNamespace(WORKLOAD_NS).delete();
    client.close();
  }

  @Test
  void deploymentsAddedAndDeletedShowInTheAggregateConfig() {
    try (var aggregator = new LogConfigAggregator(client, OPERATOR_NS, Set.of()).start()) {
      create("alpha", "");
      create("beta", "\nmonitoring: {logs: {promtail: false, alloy: true}}");

      await("both deployments in the aggregate")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  promtail().contains("alpha")
                      && aggregate().containsKey(WORKLOAD_NS + ".beta.alloy"));
      assertThat(promtail()).doesNotContain("beta");

      client.resources(VllmDeployment.class).inNamespace(WORKLOAD_NS).withName("alpha").delete();
      await("alpha gone from the aggregate")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !promtail().contains("alpha"));
      assertThat(aggregate()).containsKey(WORKLOAD_NS + ".beta.alloy");
    }
  }

  private static void create(String name, String extraSpec) {
    VllmDeployment vllm = TestManifests.vllm(name, "model: {name: m}" + extraSpec);
    vllm.getMetadata().setNamespace(WORKLOAD_NS);
    vllm.getMetadata().setGeneration(null);
    client.resource(vllm).create();
  }

  private static java.util.Map<String, String> aggregate() {
    var configMap =
        client.configMaps().inNamespace(OPERATOR_NS).withName(LogConfigAggregate.NAME).get();
    return configMap == null || configMap.getData() == null
        ? java.util.Map.of()
        : configMap.getData();
  }

  private static String promtail() {
    return aggregate().getOrDefault(LogConfigAggregate.PROMTAIL_KEY, "");
  }
}
