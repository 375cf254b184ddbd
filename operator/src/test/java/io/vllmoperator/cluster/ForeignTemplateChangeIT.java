package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.status.Conditions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Someone else's change to the pod template (`kubectl set env` on the Deployment) is reported,
 * named by its field manager as the API server records it, and the report clears once the change is
 * removed again.
 */
class ForeignTemplateChangeIT {
  private static final String NS = "foreign-change";
  private static final String NAME = "edited";

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
    try {
      client.resources(VllmDeployment.class).inNamespace(NS).delete();
    } finally {
      if (operator != null) {
        operator.close();
      }
      client.close();
    }
  }

  @Test
  void anEnvVarAddedByKubectlIsReportedAndClearsWhenRemoved() {
    VllmDeployment vllm =
        TestManifests.vllm(NAME, "model: {name: Qwen/Qwen2.5-1.5B-Instruct}\nreplicas: 1");
    vllm.getMetadata().setNamespace(NS);
    vllm.getMetadata().setGeneration(null);
    vllm.setStatus(null);
    client.resource(vllm).create();
    await("Ready")
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(() -> get().getStatus().getPhase() == Phase.READY);
    assertThat(degraded()).get().extracting(Condition::getStatus).isEqualTo("False");

    var set = cluster.kubectl("", "-n", NS, "set", "env", "deployment/" + NAME, "EXTRA=1");
    assertThat(set.exitCode()).as(set.output()).isZero();
    await("Degraded=TemplateModifiedExternally naming kubectl-set")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                degraded()
                    .filter(c -> "TemplateModifiedExternally".equals(c.getReason()))
                    .filter(
                        c ->
                            c.getMessage()
                                .contains(
                                    "kubectl-set"
                                        + " (spec.template.spec.containers[name=vllm].env[name=EXTRA])"))
                    .isPresent());
    assertThat(
            Conditions.find(get().getStatus().getConditions(), Conditions.PROGRESSING)
                .orElseThrow()
                .getMessage())
        .contains("with changes by another field manager");

    var unset = cluster.kubectl("", "-n", NS, "set", "env", "deployment/" + NAME, "EXTRA-");
    assertThat(unset.exitCode()).as(unset.output()).isZero();
    await("Degraded clears once the change is gone")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> "False".equals(degraded().orElseThrow().getStatus()));
  }

  private static VllmDeployment get() {
    return client.resources(VllmDeployment.class).inNamespace(NS).withName(NAME).get();
  }

  private static Optional<Condition> degraded() {
    return Conditions.find(get().getStatus().getConditions(), Conditions.DEGRADED);
  }
}
