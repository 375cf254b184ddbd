package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.status.Conditions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failure injection against the packaged operator running as its own process: an object it cannot
 * read, the prometheus-operator CRDs deleted and reinstalled, the API server gone for a minute. The
 * operator keeps running, tells the user what is wrong on the object, recovers by itself, and its
 * log stays short (lines are counted).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RobustnessIT {
  private static final String NS = "robust";
  private static final Duration RESYNC = Duration.ofSeconds(60);

  private static LocalCluster cluster;
  private static KubernetesClient client;
  private static OperatorProcess operator;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, NS);
    operator = startOperator();
  }

  @AfterAll
  static void stop() {
    try {
      client.resources(VllmDeployment.class).inNamespace(NS).delete();
      cluster.kubectl("", "delete", "--ignore-not-found", "-f", cluster.monitoringCrds());
      ClusterFixtures.installCrd(client);
    } finally {
      if (operator != null) {
        operator.close();
      }
      client.close();
    }
  }

  @AfterEach
  void operatorStillRuns() {
    assertThat(operator.isAlive()).as("the operator process is still running").isTrue();
  }

  private static OperatorProcess startOperator() {
    return OperatorProcess.start(
        cluster.kubeconfig(), "--resync-interval", RESYNC.toSeconds() + "s");
  }

  @Test
  @Order(1)
  void anObjectTheOperatorCannotReadIsReportedOnItAndHurtsNoOther() throws InterruptedException {
    relaxCrd();
    create("steady", "replicas: 1");
    awaitPhase("steady", Phase.READY, Duration.ofSeconds(120));

    int linesBefore = operator.lineCount();
    var applied =
        cluster.kubectl(
            """
            apiVersion: vllm-operator.io/v1alpha1
            kind: VllmDeployment
            metadata: {name: overflow, namespace: robust}
            spec:
              model: {name: Qwen/Qwen2.5-1.5B-Instruct}
              engine: {maxModelLen: 3000000000}
            """,
            "apply",
            "-f",
            "-");
    assertThat(applied.exitCode()).as(applied.output()).isZero();

    await("Degraded=UnreadableSpec on the object")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                degraded("overflow")
                    .map(c -> "UnreadableSpec".equals(c.getReason()))
                    .orElse(false));
    Condition degraded = degraded("overflow").orElseThrow();
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getMessage()).contains("spec.engine.maxModelLen").contains("3000000000");
    await("a Warning Event naming the field")
        .atMost(Duration.ofSeconds(10))
        .until(() -> warnings("overflow", "UnreadableSpec").size() == 1);
    assertThat(warnings("overflow", "UnreadableSpec").get(0).getMessage())
        .contains("spec.engine.maxModelLen");
    assertThat(client.apps().deployments().inNamespace(NS).withName("overflow").get())
        .as("nothing is built from a spec that could not be read")
        .isNull();

    // The healthy one keeps reconciling.
    client.resources(VllmDeployment.class).inNamespace(NS).withName("steady").scale(2);
    awaitReady("steady", 2);

    // A restart with the bad object present: the operator starts and keeps running.
    List<String> beforeRestart = operator.linesFrom(linesBefore);
    operator.close();
    operator = startOperator();
    client.resources(VllmDeployment.class).inNamespace(NS).withName("steady").scale(1);
    awaitReady("steady", 1);
    Thread.sleep(5000);
    assertThat(operator.isAlive()).isTrue();
    assertThat(warnings("overflow", "UnreadableSpec"))
        .as("the same problem is one Event, across restarts")
        .hasSize(1);

    // Fixed: it is reconciled like any other.
    // (A merge patch: a typed client could not read the object to edit it.)
    var fixed =
        cluster.kubectl(
            "",
            "-n",
            NS,
            "patch",
            "vllmdeployment",
            "overflow",
            "--type=merge",
            "-p",
            "{\"spec\":{\"engine\":{\"maxModelLen\":8192}}}");
    assertThat(fixed.exitCode()).as(fixed.output()).isZero();
    awaitPhase("overflow", Phase.READY, Duration.ofSeconds(120));
    assertThat(degraded("overflow").orElseThrow().getStatus()).isEqualTo("False");
    report("unreadable object, first operator process", beforeRestart);
    report("unreadable object, after a restart", operator.linesFrom(0));
  }

  @Test
  @Order(2)
  void monitoringObjectsComeBackAfterTheirCrdsAreDeletedAndReinstalled() {
    var installed = cluster.kubectl("", "apply", "--server-side", "-f", cluster.monitoringCrds());
    assertThat(installed.exitCode()).as(installed.output()).isZero();
    List<String> names = IntStream.range(0, 5).mapToObj(i -> "watched-" + i).toList();
    names.forEach(name -> create(name, "replicas: 0"));
    await("every ServiceMonitor and PrometheusRule, MonitoringReady=True")
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> names.stream().allMatch(n -> monitoringCreated(n) && monitoring(n, "True")));

    int linesBefore = operator.lineCount();
    Instant deleted = Instant.now();
    var removed = cluster.kubectl("", "delete", "-f", cluster.monitoringCrds());
    assertThat(removed.exitCode()).as(removed.output()).isZero();
    await("MonitoringReady=False on every VllmDeployment")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> names.stream().allMatch(n -> monitoring(n, "False")));
    System.out.printf(
        "MonitoringReady=False on all %d after %ds%n",
        names.size(), Duration.between(deleted, Instant.now()).toSeconds());
    List<String> whileMissing = operator.linesFrom(linesBefore);

    int linesAtReinstall = operator.lineCount();
    Instant reinstalled = Instant.now();
    installed = cluster.kubectl("", "apply", "--server-side", "-f", cluster.monitoringCrds());
    assertThat(installed.exitCode()).as(installed.output()).isZero();
    await("every ServiceMonitor and PrometheusRule back without a restart")
        .atMost(RESYNC.plusSeconds(60))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> names.stream().allMatch(n -> monitoringCreated(n) && monitoring(n, "True")));
    System.out.printf(
        "all %d ServiceMonitors and PrometheusRules back %ds after the CRDs were reinstalled%n",
        names.size() * 2, Duration.between(reinstalled, Instant.now()).toSeconds());

    report("CRDs deleted", whileMissing);
    report("CRDs reinstalled", operator.linesFrom(linesAtReinstall));
    assertThat(whileMissing.size())
        .as("log lines while the CRDs were missing, for %d VllmDeployments", names.size())
        .isLessThan(10 * names.size());
    names.forEach(n -> client.resources(VllmDeployment.class).inNamespace(NS).withName(n).delete());
  }

  @Test
  @Order(3)
  void theOperatorRecoversByItselfFromAnApiServerOutage() throws InterruptedException {
    create("survivor", "replicas: 1");
    awaitPhase("survivor", Phase.READY, Duration.ofSeconds(120));

    int linesBefore = operator.lineCount();
    cluster.stopApiServer();
    Thread.sleep(60_000);
    List<String> duringOutage = operator.linesFrom(linesBefore);
    cluster.startApiServer();
    Instant back = Instant.now();
    assertThat(operator.isAlive()).isTrue();

    // Watches have to be re-established for these to be noticed. (Whether the pods become ready
    // again is up to the kubelets and the node controller, which lost their leases: not asserted.)
    int linesAfter = operator.lineCount();
    await("the scale request accepted by the API server")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              client.resources(VllmDeployment.class).inNamespace(NS).withName("survivor").scale(2);
              return true;
            });
    await("the Deployment scaled by the operator")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("survivor")
                        .get()
                        .getSpec()
                        .getReplicas()
                    == 2);
    System.out.printf(
        "scale reconciled %ds after the API server came back%n",
        Duration.between(back, Instant.now()).toSeconds());
    client.services().inNamespace(NS).withName("survivor").delete();
    await("the deleted Service recreated")
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.services().inNamespace(NS).withName("survivor").get() != null);
    await("status follows the Deployment")
        .atMost(Duration.ofSeconds(60))
        .until(() -> get("survivor").getStatus().getReady().endsWith("/2"));
    System.out.printf(
        "recovered %ds after the API server came back%n",
        Duration.between(back, Instant.now()).toSeconds());
    report("API server down 60s", duringOutage);
    report("after the outage", operator.linesFrom(linesAfter));
    assertThat(duringOutage.size()).as("log lines during a one-minute outage").isLessThan(200);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * The committed CRD without bounds on spec.engine.maxModelLen, as a CRD of an older release would
   * be: the object the test stores is one the operator's Java types cannot hold.
   */
  @SuppressWarnings("unchecked")
  private static void relaxCrd() {
    CustomResourceDefinition crd;
    try (InputStream in =
        Files.newInputStream(
            TestManifests.repoRoot().resolve("crds/vllmdeployments.vllm-operator.io-v1.yml"))) {
      crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var maxModelLen =
        crd.getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec")
            .getProperties()
            .get("engine")
            .getProperties()
            .get("maxModelLen");
    maxModelLen.setMaximum(null);
    maxModelLen.setFormat(null);
    maxModelLen.setXKubernetesValidations(null);
    client.resource(crd).fieldManager("vllm-operator-tests").forceConflicts().serverSideApply();
    await("relaxed CRD served")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var served =
                  client
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName(ClusterFixtures.CRD_NAME)
                      .get();
              return served.getStatus().getConditions().stream()
                  .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
            });
  }

  private static void create(String name, String specYaml) {
    VllmDeployment vllm =
        TestManifests.vllm(name, "model: {name: Qwen/Qwen2.5-1.5B-Instruct}\n" + specYaml);
    vllm.getMetadata().setNamespace(NS);
    vllm.getMetadata().setGeneration(null);
    vllm.setStatus(null);
    client.resource(vllm).create();
  }

  private static VllmDeployment get(String name) {
    return client.resources(VllmDeployment.class).inNamespace(NS).withName(name).get();
  }

  private static Optional<Condition> condition(String name, String type) {
    // Read raw: the test's own client must not trip over the object the test made unreadable.
    var raw =
        client
            .genericKubernetesResources("vllm-operator.io/v1alpha1", "VllmDeployment")
            .inNamespace(NS)
            .withName(name)
            .get();
    if (raw == null || raw.getAdditionalProperties().get("status") == null) {
      return Optional.empty();
    }
    var status = (Map<String, Object>) raw.getAdditionalProperties().get("status");
    var conditions = (List<Map<String, Object>>) status.getOrDefault("conditions", List.of());
    return conditions.stream()
        .filter(c -> type.equals(c.get("type")))
        .findFirst()
        .map(c -> Serialization.jsonMapper().convertValue(c, Condition.class));
  }

  private static Optional<Condition> degraded(String name) {
    return condition(name, Conditions.DEGRADED);
  }

  private static boolean monitoring(String name, String value) {
    return condition(name, Conditions.MONITORING_READY)
        .map(c -> value.equals(c.getStatus()))
        .orElse(false);
  }

  private static boolean monitoringCreated(String name) {
    return client.resources(ServiceMonitor.class).inNamespace(NS).withName(name).get() != null
        && client.resources(PrometheusRule.class).inNamespace(NS).withName(name).get() != null;
  }

  private static List<Event> warnings(String name, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> "Warning".equals(e.getType()) && reason.equals(e.getReason()))
        .toList();
  }

  private static void awaitPhase(String name, Phase phase, Duration atMost) {
    await(name + " " + phase)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> get(name).getStatus().getPhase() == phase);
  }

  private static void awaitReady(String name, int replicas) {
    await(name + " ready " + replicas)
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(
            () -> {
              var status = get(name).getStatus();
              return status.getPhase() == Phase.READY
                  && Integer.valueOf(replicas).equals(status.getReadyReplicas());
            });
  }

  private static void report(String scenario, List<String> lines) {
    System.out.printf("=== %s: %d operator log lines%n", scenario, lines.size());
    lines.forEach(l -> System.out.println("    " + l));
  }
}
