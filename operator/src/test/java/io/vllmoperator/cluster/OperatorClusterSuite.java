package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.status.Conditions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator in-process against the full control plane: the Deployment controller, the scheduler
 * placing pods on kwok's fake GPU nodes, the garbage collector.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OperatorClusterSuite {
  private static final String NS = "llm";
  private static final Duration READY = Duration.ofSeconds(120);
  private static final Set<String> OPERATOR_WRITTEN =
      Set.of(
          "deployments",
          "controllerrevisions",
          "services",
          "persistentvolumeclaims",
          "configmaps",
          "servicemonitors",
          "prometheusrules",
          "vllmdeployments",
          "events");

  private TestCluster cluster;
  private KubernetesClient client;
  private InProcessOperator operator;

  /** The cluster this suite runs against; started once per test class. */
  protected abstract TestCluster startCluster();

  @BeforeAll
  void startOperator() {
    cluster = startCluster();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, NS);
    createWhatExamplesReference();
    operator = InProcessOperator.start(client);
  }

  @AfterAll
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
    client.close();
  }

  @AfterEach
  void deleteLeftovers() {
    client.resources(VllmDeployment.class).inNamespace(NS).delete();
    await("VllmDeployments gone")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client.resources(VllmDeployment.class).inNamespace(NS).list().getItems().isEmpty());
    await("pods gone")
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                client
                    .pods()
                    .inNamespace(NS)
                    .withLabel("app.kubernetes.io/managed-by", "vllm-operator")
                    .list()
                    .getItems()
                    .isEmpty());
  }

  List<Path> examples() {
    return TestManifests.examples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleBecomesReadyOnTheRightGpuNodes(Path example) {
    VllmDeployment expected = TestManifests.readExample(example).get(0);
    String name = expected.getMetadata().getName();
    var applied = cluster.kubectl("", "apply", "-f", example.toString());
    assertThat(applied.exitCode()).as(applied.output()).isZero();

    VllmDeployment ready = awaitPhase(name, Phase.READY);

    int replicas = expected.getSpec().getReplicas();
    assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(replicas);
    assertThat(ready.getStatus().getEndpoint()).isEqualTo("http://" + name + ".llm.svc:8000/v1");
    assertThat(ready.getStatus().getObservedGeneration())
        .isEqualTo(ready.getMetadata().getGeneration());
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName(name)
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(replicas);
    assertThat(client.services().inNamespace(NS).withName(name).get()).isNotNull();
    List<Pod> pods = pods(name);
    assertThat(pods).hasSize(replicas);
    for (Pod pod : pods) {
      Node node = client.nodes().withName(pod.getSpec().getNodeName()).get();
      assertThat(node).as("node of " + pod.getMetadata().getName()).isNotNull();
      String product = expected.getSpec().getGpu().getProduct();
      if (product != null) {
        assertThat(node.getMetadata().getLabels()).containsEntry("nvidia.com/gpu.product", product);
      }
      assertThat(
              node.getStatus()
                  .getAllocatable()
                  .get("nvidia.com/gpu")
                  .getNumericalAmount()
                  .intValue())
          .isGreaterThanOrEqualTo(expected.getSpec().getGpu().getCount());
      assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits())
          .containsEntry(
              "nvidia.com/gpu",
              new Quantity(String.valueOf(expected.getSpec().getGpu().getCount())));
    }

    boolean ownsCache =
        expected.getSpec().getModel().getCache() != null
            && expected.getSpec().getModel().getCache().getSize() != null;
    var deleted = cluster.kubectl("", "delete", "-f", example.toString());
    assertThat(deleted.exitCode()).as(deleted.output()).isZero();
    await("garbage collection of " + name)
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client.apps().deployments().inNamespace(NS).withName(name).get() == null
                    && client.services().inNamespace(NS).withName(name).get() == null);
    if (ownsCache) {
      assertThat(client.persistentVolumeClaims().inNamespace(NS).withName(name + "-cache").get())
          .as("the model cache outlives its VllmDeployment")
          .isNotNull();
      client.persistentVolumeClaims().inNamespace(NS).withName(name + "-cache").delete();
    }
  }

  @Test
  void scalesThroughSpecReplicasAndTheScaleSubresource() {
    apply("scale-me", 1, 1);
    awaitPhase("scale-me", Phase.READY);

    client
        .resources(VllmDeployment.class)
        .inNamespace(NS)
        .withName("scale-me")
        .edit(
            v -> {
              v.getSpec().setReplicas(2);
              return v;
            });
    awaitReady("scale-me", 2);

    client.resources(VllmDeployment.class).inNamespace(NS).withName("scale-me").scale(3);
    awaitReady("scale-me", 3);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("scale-me")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(3);
  }

  @Test
  void aReconcileWithNothingToChangeWritesNothing() throws InterruptedException {
    apply("quiet", 1, 1);
    awaitPhase("quiet", Phase.READY);
    // The count is cluster-wide: another test's CR may write a legitimate status change (a cache
    // claim Pending for 2 minutes) during one attempt. A reconcile that writes every time fails
    // all three; the writes of every attempt are in the message.
    List<Map<String, Double>> attempts = new java.util.ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      Map<String, Double> writes = writesOfOneNoChangeReconcile(attempt);
      attempts.add(writes);
      if (writes.equals(Map.of("PATCH services", 1.0))) {
        return;
      }
    }
    org.assertj.core.api.Assertions.fail(
        "each no-change reconcile wrote more than the test's own Service edit: " + attempts);
  }

  /** Writes counted by the API server around one Service edit and the reconcile it triggers. */
  private Map<String, Double> writesOfOneNoChangeReconcile(int attempt)
      throws InterruptedException {
    // Let the last status patch and its echo settle, and whatever a test class before this one
    // left behind (a chart uninstalled, its pods garbage-collected) finish writing.
    await("no writes to what the operator writes for 3 s")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              double start = ApiServerWrites.count(cluster, OPERATOR_WRITTEN);
              Thread.sleep(3000);
              return ApiServerWrites.count(cluster, OPERATOR_WRITTEN) == start;
            });
    double reconcilesBefore = operator.successfulReconciles();
    var before = ApiServerWrites.byVerbAndResource(cluster, OPERATOR_WRITTEN);
    // One write of our own to an object the operator watches: it triggers a reconcile.
    client
        .services()
        .inNamespace(NS)
        .withName("quiet")
        .edit(
            s -> {
              s.getMetadata().getAnnotations().put("touched-by", "test-" + attempt);
              return s;
            });
    await("a reconcile after the Service changed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> operator.successfulReconciles() > reconcilesBefore);
    Thread.sleep(3000);
    var after = ApiServerWrites.byVerbAndResource(cluster, OPERATOR_WRITTEN);
    after.replaceAll((k, v) -> v - before.getOrDefault(k, 0.0));
    after.values().removeIf(v -> v == 0);
    return after;
  }

  @Test
  void moreGpusThanAnyNodeHasIsReportedInStatus() {
    apply("too-big", 1, 16);

    await("Degraded=InsufficientGpu")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Conditions.find(status("too-big"), Conditions.DEGRADED)
                    .map(
                        c ->
                            "True".equals(c.getStatus()) && "InsufficientGpu".equals(c.getReason()))
                    .orElse(false));
    var degraded = Conditions.find(status("too-big"), Conditions.DEGRADED).orElseThrow();
    assertThat(degraded.getMessage()).contains("Insufficient nvidia.com/gpu");
    assertThat(get("too-big").getStatus().getPhase()).isEqualTo(Phase.PROGRESSING);
    await("a Warning event")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.v1().events().inNamespace(NS).list().getItems().stream()
                    .anyMatch(
                        e ->
                            "too-big".equals(e.getInvolvedObject().getName())
                                && "InsufficientGpu".equals(e.getReason())
                                && "Warning".equals(e.getType())));
  }

  @Test
  void anOperatorRestartedMidwayResumesWithoutDuplicates() {
    operator.close();
    try {
      apply("restart-me", 2, 1);
      operator = InProcessOperator.start(client);
      await("Deployment created")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client.apps().deployments().inNamespace(NS).withName("restart-me").get() != null);
      operator.close();
    } finally {
      operator = InProcessOperator.start(client);
    }

    awaitReady("restart-me", 2);
    Map<String, String> selector = Map.of("app.kubernetes.io/instance", "restart-me");
    assertThat(client.apps().deployments().inNamespace(NS).withLabels(selector).list().getItems())
        .hasSize(1);
    assertThat(client.services().inNamespace(NS).withLabels(selector).list().getItems()).hasSize(1);
    assertThat(client.apps().replicaSets().inNamespace(NS).withLabels(selector).list().getItems())
        .hasSize(1);
    assertThat(pods("restart-me")).hasSize(2);
  }

  private void apply(String name, int replicas, int gpus) {
    VllmDeployment vllm =
        TestManifests.vllm(
            name,
            "model: {name: Qwen/Qwen2.5-1.5B-Instruct}\nreplicas: "
                + replicas
                + "\ngpu: {count: "
                + gpus
                + "}");
    vllm.setStatus(null);
    vllm.getMetadata().setGeneration(null);
    client.resource(vllm).create();
  }

  private VllmDeployment get(String name) {
    return client.resources(VllmDeployment.class).inNamespace(NS).withName(name).get();
  }

  private List<io.fabric8.kubernetes.api.model.Condition> status(String name) {
    VllmDeployment vllm = get(name);
    return vllm == null || vllm.getStatus() == null ? List.of() : vllm.getStatus().getConditions();
  }

  private VllmDeployment awaitPhase(String name, Phase phase) {
    await(name + " " + phase)
        .atMost(READY)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              VllmDeployment vllm = get(name);
              return vllm != null
                  && vllm.getStatus() != null
                  && vllm.getStatus().getPhase() == phase;
            });
    return get(name);
  }

  private void awaitReady(String name, int replicas) {
    await(name + " ready " + replicas)
        .atMost(READY)
        .until(
            () -> {
              VllmDeployment vllm = get(name);
              return vllm.getStatus() != null
                  && vllm.getStatus().getPhase() == Phase.READY
                  && Integer.valueOf(replicas).equals(vllm.getStatus().getReadyReplicas());
            });
  }

  private List<Pod> pods(String name) {
    return client
        .pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/instance", name)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** Secrets and volumes that the examples refer to, as a user would have them. */
  private void createWhatExamplesReference() {
    for (var secret : List.of(List.of("hf-token", "token"), List.of("llama-api-key", "key"))) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(secret.get(0))
                  .withNamespace(NS)
                  .endMetadata()
                  .addToStringData(secret.get(1), "not-a-real-" + secret.get(1))
                  .build())
          .createOr(existing -> existing.update());
    }
    persistentVolume("models-pv", "", "500Gi");
    persistentVolume("fast-rwx-pv", "fast-rwx", "300Gi");
    client
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("models")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteMany")
                .withStorageClassName("")
                .withVolumeName("models-pv")
                .withNewResources()
                .addToRequests("storage", new Quantity("500Gi"))
                .endResources()
                .endSpec()
                .build())
        .createOr(existing -> existing.update());
  }

  private void persistentVolume(String name, String storageClass, String size) {
    client
        .resource(
            new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity(size)))
                .withAccessModes("ReadWriteMany")
                .withStorageClassName(storageClass)
                .withPersistentVolumeReclaimPolicy("Retain")
                .withNewHostPath()
                .withPath("/tmp/" + name)
                .endHostPath()
                .endSpec()
                .build())
        .createOr(existing -> existing.update());
  }
}
