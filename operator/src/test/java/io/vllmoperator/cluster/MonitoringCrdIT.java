package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.AlertmanagerConfig;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.status.Conditions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Without prometheus-operator the operator says so in status and creates what it can; once the CRDs
 * appear it creates the ServiceMonitor and PrometheusRule without a restart.
 */
class MonitoringCrdIT {
  private static final String NS = "monitoring-tier";
  private static final String NAME = "watched";

  private static LocalCluster cluster;
  private static KubernetesClient client;
  private static InProcessOperator operator;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, NS);
    operator = InProcessOperator.start(client);
  }

  @AfterAll
  static void stop() {
    client.resources(VllmDeployment.class).inNamespace(NS).delete();
    operator.close();
    cluster.kubectl("", "delete", "--ignore-not-found", "-f", cluster.monitoringCrds());
    client.close();
  }

  @Test
  void monitoringObjectsAppearOnceThePrometheusOperatorCrdsDoAndThenStayUntouched()
      throws InterruptedException {
    VllmDeployment vllm =
        TestManifests.vllm(
            NAME,
            "model: {name: Qwen/Qwen2.5-1.5B-Instruct}\n"
                + "monitoring:\n"
                + "  dashboards: {enabled: true}\n"
                + "  alertRouting:\n"
                + "    enabled: true\n"
                + "    critical: [{webhook: {urlSecret: {name: receivers, key: pager}}}]\n");
    vllm.getMetadata().setNamespace(NS);
    vllm.getMetadata().setGeneration(null);
    client.resource(vllm).create();

    await("Ready, with MonitoringReady=False/PrometheusOperatorNotInstalled")
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                phase().filter(p -> p == Phase.READY).isPresent()
                    && monitoringReason()
                        .filter("PrometheusOperatorNotInstalled"::equals)
                        .isPresent());
    assertThat(client.configMaps().inNamespace(NS).withName(NAME + "-dashboards").get())
        .as("dashboards need no prometheus-operator")
        .isNotNull();

    var installed = cluster.kubectl("", "apply", "--server-side", "-f", cluster.monitoringCrds());
    assertThat(installed.exitCode()).as(installed.output()).isZero();

    await("ServiceMonitor, PrometheusRule and AlertmanagerConfig created without a restart")
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                client.resources(ServiceMonitor.class).inNamespace(NS).withName(NAME).get() != null
                    && client.resources(PrometheusRule.class).inNamespace(NS).withName(NAME).get()
                        != null
                    && client
                            .resources(AlertmanagerConfig.class)
                            .inNamespace(NS)
                            .withName(NAME)
                            .get()
                        != null
                    && monitoringReason().filter("AllCreated"::equals).isPresent());
    PrometheusRule rule =
        client.resources(PrometheusRule.class).inNamespace(NS).withName(NAME).get();
    assertThat(rule.getSpec().getGroups().get(0).getRules())
        .hasSize(13)
        .allSatisfy(r -> assertThat(r.getAnnotations()).containsKey("runbook_url"));
    assertThat(rule.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo(NAME));
    AlertmanagerConfig routing =
        client.resources(AlertmanagerConfig.class).inNamespace(NS).withName(NAME).get();
    assertThat(routing.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo(NAME));
    assertThat(routing.getSpec().getReceivers())
        .extracting(r -> r.getName())
        .containsExactly("none", "critical");
    assertThat(routing.getSpec().getReceivers().get(1).getWebhookConfigs())
        .singleElement()
        .satisfies(w -> assertThat(w.getUrlSecret().getName()).isEqualTo("receivers"));
    // Phase events form one chain: only the first starts from "(none)", every other one leaves a
    // phase an earlier one entered. A reconcile that read a stale status would start a second
    // chain. (Event timestamps have one-second resolution, so the check ignores their order.)
    List<String[]> phases =
        client.v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> NAME.equals(e.getInvolvedObject().getName()))
            .filter(e -> e.getReason().startsWith("Phase"))
            .map(
                e -> e.getMessage().replaceFirst("^phase (\\S+) -> (\\S+):.*$", "$1>$2").split(">"))
            .toList();
    assertThat(phases).filteredOn(p -> p[0].equals("(none)")).hasSize(1);
    assertThat(phases)
        .filteredOn(p -> !p[0].equals("(none)"))
        .allSatisfy(p -> assertThat(phases).anySatisfy(q -> assertThat(q[1]).isEqualTo(p[0])));

    // With every monitoring object in place, a reconcile with nothing to change writes nothing.
    Thread.sleep(3000);
    var written =
        java.util.Set.of(
            "deployments",
            "controllerrevisions",
            "services",
            "configmaps",
            "servicemonitors",
            "prometheusrules",
            "alertmanagerconfigs",
            "vllmdeployments",
            "events");
    double reconciles = operator.successfulReconciles();
    double before = ApiServerWrites.count(cluster, written);
    client
        .services()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            svc -> {
              svc.getMetadata().getAnnotations().put("touched-by", "test");
              return svc;
            });
    await("a reconcile")
        .atMost(Duration.ofSeconds(30))
        .until(() -> operator.successfulReconciles() > reconciles);
    Thread.sleep(3000);

    assertThat(ApiServerWrites.count(cluster, written) - before)
        .as("only the test's own Service edit")
        .isEqualTo(1.0);
  }

  private static Optional<Phase> phase() {
    VllmDeployment current =
        client.resources(VllmDeployment.class).inNamespace(NS).withName(NAME).get();
    return Optional.ofNullable(current).map(VllmDeployment::getStatus).map(s -> s.getPhase());
  }

  private static Optional<String> monitoringReason() {
    VllmDeployment current =
        client.resources(VllmDeployment.class).inNamespace(NS).withName(NAME).get();
    if (current == null || current.getStatus() == null) {
      return Optional.empty();
    }
    return Conditions.find(current.getStatus().getConditions(), Conditions.MONITORING_READY)
        .map(c -> c.getReason());
  }
}
