package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.status.Conditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A crashed vLLM container's whole previous log, read by the operator through the API server from
 * kwok's kubelet API: the root cause that the termination message (the last 2 KiB) lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreviousLogIT {
  private static final String WITH_LOGS = "crash-logs";
  private static final String WITHOUT_LOGS = "crash-no-logs";
  private static final String NAME = "oom";
  private static final String API_KEY_IN_LOG = "sk-vllm-9fQ2xR7mK4pL8sT1wZ6bYc";
  private static final String ROOT_CAUSE = "Tried to allocate 3.91 GiB";

  private final String log = fixture("failure-logs/cluster/CudaOutOfMemory.profiling.log");
  private final String terminationMessage = KwokFaults.terminationMessage(log);

  private LocalCluster cluster;
  private KubernetesClient client;
  private InProcessOperator operator;

  @BeforeAll
  void start() {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, WITH_LOGS);
    ClusterFixtures.ensureNamespace(client, WITHOUT_LOGS);
    operator = InProcessOperator.start(client);
  }

  @AfterAll
  void stop() {
    if (operator != null) {
      operator.close();
    }
    client.close();
  }

  @AfterEach
  void cleanUp() {
    for (String namespace : new String[] {WITH_LOGS, WITHOUT_LOGS}) {
      client.resources(VllmDeployment.class).inNamespace(namespace).delete();
      KwokFaults.clear(client, namespace, NAME);
    }
  }

  @Test
  void theRootCauseAboveTheTerminationMessageIsReadOnceFromThePreviousLog() throws Exception {
    assertThat(log).contains(ROOT_CAUSE).contains(API_KEY_IN_LOG);
    assertThat(terminationMessage)
        .as("the kubelet's tail of the log has lost the root cause")
        .doesNotContainIgnoringCase("out of memory")
        .contains("Engine core initialization failed");
    Path file =
        KwokFaults.criLogFile(
            TestManifests.repoRoot().resolve("operator/target/kwok-logs/" + WITH_LOGS + ".log"),
            log);
    KwokFaults.servePreviousLog(client, WITH_LOGS, file);
    KwokFaults.crashOnStart(client, WITH_LOGS, NAME, 1, terminationMessage);
    double readsBefore = ApiServerRequests.podLogReads(cluster);

    create(WITH_LOGS);
    Condition degraded = awaitDegraded(WITH_LOGS, "CudaOutOfMemory");

    assertThat(degraded.getMessage()).contains(ROOT_CAUSE);
    double reconcilesBefore = operator.successfulReconciles();
    touch(WITH_LOGS); // more reconciles of the same crash must not read again
    touch(WITH_LOGS);
    await("reconciles after the CR changed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> operator.successfulReconciles() >= reconcilesBefore + 2);
    assertThat(ApiServerRequests.podLogReads(cluster) - readsBefore)
        .as("pods/log requests counted by the API server")
        .isEqualTo(1.0);
    assertThat(Serialization.asJson(get(WITH_LOGS).getStatus())).doesNotContain(API_KEY_IN_LOG);
    assertThat(client.v1().events().inNamespace(WITH_LOGS).list().getItems())
        .as("events")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(Serialization.asJson(e)).doesNotContain(API_KEY_IN_LOG));
  }

  @Test
  void whenTheLogCannotBeReadTheTerminationMessageExplainsTheCrash() {
    // No ClusterLogs in this namespace: kwok's kubelet API answers 400, "no logs found".
    KwokFaults.crashOnStart(client, WITHOUT_LOGS, NAME, 1, terminationMessage);
    double readsBefore = ApiServerRequests.podLogReads(cluster);

    create(WITHOUT_LOGS);
    await("Degraded from the termination message")
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                degraded(WITHOUT_LOGS)
                    .filter(c -> "True".equals(c.getStatus()))
                    .filter(c -> c.getMessage().contains("Engine core initialization failed"))
                    .isPresent());

    // The tail holds only vLLM's wrapper: the most the termination message can tell.
    Condition degraded = degraded(WITHOUT_LOGS).orElseThrow();
    assertThat(degraded.getReason()).isEqualTo("EngineInitFailed");
    assertThat(degraded.getMessage()).doesNotContain(ROOT_CAUSE);
    double reconcilesBefore = operator.successfulReconciles();
    touch(WITHOUT_LOGS);
    await("a reconcile after the CR changed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> operator.successfulReconciles() > reconcilesBefore);
    assertThat(ApiServerRequests.podLogReads(cluster) - readsBefore)
        .as("the failed read is not retried for the same crash")
        .isEqualTo(1.0);
  }

  private void create(String namespace) {
    VllmDeployment vllm =
        TestManifests.vllm(
            NAME, "model: {name: meta-llama/Llama-3.3-70B-Instruct}\ngpu: {count: 2}");
    vllm.getMetadata().setNamespace(namespace);
    vllm.getMetadata().setGeneration(null);
    vllm.setStatus(null);
    client.resource(vllm).create();
  }

  /** An edit of a watched secondary (the Service): a reconcile, without new pods. */
  private void touch(String namespace) {
    client
        .services()
        .inNamespace(namespace)
        .withName(NAME)
        .edit(
            s -> {
              s.getMetadata().getAnnotations().merge("touched-by-test", "1", (a, b) -> a + b);
              return s;
            });
  }

  private Condition awaitDegraded(String namespace, String reason) {
    await("Degraded=" + reason)
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                degraded(namespace)
                    .filter(c -> "True".equals(c.getStatus()) && reason.equals(c.getReason()))
                    .isPresent());
    return degraded(namespace).orElseThrow();
  }

  private Optional<Condition> degraded(String namespace) {
    VllmDeployment vllm = get(namespace);
    return vllm == null || vllm.getStatus() == null
        ? Optional.empty()
        : Conditions.find(vllm.getStatus().getConditions(), Conditions.DEGRADED);
  }

  private VllmDeployment get(String namespace) {
    return client.resources(VllmDeployment.class).inNamespace(namespace).withName(NAME).get();
  }

  private static String fixture(String resource) {
    try {
      return Files.readString(
          TestManifests.repoRoot().resolve("operator/src/test/resources").resolve(resource));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
