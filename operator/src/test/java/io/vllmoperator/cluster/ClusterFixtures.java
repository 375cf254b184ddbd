package io.vllmoperator.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;

/** Cluster state the tests need: the committed CRD installed, namespaces present. */
public final class ClusterFixtures {
  public static final String CRD_NAME = "vllmdeployments.vllm-operator.io";

  private ClusterFixtures() {}

  /** Installs the committed crds/ file exactly as the README tells users to. */
  public static void installCrd(KubernetesClient client) {
    try (InputStream in =
        Files.newInputStream(
            TestManifests.repoRoot().resolve("crds/vllmdeployments.vllm-operator.io-v1.yml"))) {
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      client.resource(crd).fieldManager("vllm-operator-tests").forceConflicts().serverSideApply();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("CRD established")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              var crd =
                  client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get();
              return crd != null
                  && crd.getStatus() != null
                  && crd.getStatus().getConditions().stream()
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
            });
  }

  public static void ensureNamespace(KubernetesClient client, String name) {
    if (client.namespaces().withName(name).get() == null) {
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    try {
      await("default ServiceAccount in " + name)
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> client.serviceAccounts().inNamespace(name).withName("default").get() != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "namespace "
              + name
              + " has no default ServiceAccount after 60s; kube-controller-manager's"
              + " serviceaccount controller creates it, so it is dead or its namespace watch is"
              + " stuck."
              + LocalCluster.started()
                  .map(cluster -> " Control plane:\n" + cluster.componentReport())
                  .orElse(""),
          e);
    }
  }
}
