package io.vllmoperator.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a container, with the same fake GPU fleet as the local control plane: kwok (from
 * scripts/testbin) manages the nodes of `scripts/local-cluster gpu-nodes` on the k3s API server.
 */
final class K3sCluster implements TestCluster, AutoCloseable {
  static final String IMAGE = "rancher/k3s:v1.33.4-k3s1";

  private final K3sContainer k3s;
  private final Process kwok;
  private final Path kubeconfig;
  private final Path binDir;

  private K3sCluster(K3sContainer k3s, Process kwok, Path kubeconfig, Path binDir) {
    this.k3s = k3s;
    this.kwok = kwok;
    this.kubeconfig = kubeconfig;
    this.binDir = binDir;
  }

  static K3sCluster start() throws IOException {
    Path testbin = LocalCluster.testbinDir();
    Path dir = TestManifests.repoRoot().resolve("operator/target/k3s-cluster");
    Files.createDirectories(dir);
    K3sContainer k3s = new K3sContainer(DockerImageName.parse(IMAGE));
    k3s.start();
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), k3s.getKubeConfigYaml());

    List<String> command = new ArrayList<>();
    command.add(testbin.resolve("bin/kwok").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--config=" + testbin.resolve("kwok-stages.yaml"));
    command.add("--manage-all-nodes=false");
    command.add("--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake");
    command.add("--node-lease-duration-seconds=40");
    command.add("--cidr=10.244.0.0/16");
    command.add("--node-ip=10.244.0.1");
    command.add("--server-address=127.0.0.1:" + freePort());
    Process kwok =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("kwok.log").toFile())
            .start();
    K3sCluster cluster = new K3sCluster(k3s, kwok, kubeconfig, testbin.resolve("bin"));

    var nodes =
        LocalCluster.run(
            List.of(
                "bash",
                TestManifests.repoRoot().resolve("scripts/local-cluster").toString(),
                "gpu-nodes"),
            "",
            Duration.ofSeconds(30));
    var created = cluster.kubectl(nodes.output(), "create", "-f", "-");
    if (created.exitCode() != 0) {
      cluster.close();
      throw new IllegalStateException("cannot create GPU nodes on k3s: " + created.output());
    }
    await("fake GPU nodes Ready on k3s")
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                cluster
                        .kubectl(
                            "",
                            "wait",
                            "--for=condition=Ready",
                            "node",
                            "-l",
                            "type=kwok",
                            "--timeout=5s")
                        .exitCode()
                    == 0);
    return cluster;
  }

  @Override
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
        .build();
  }

  @Override
  public Result kubectl(String stdin, String... args) {
    return LocalCluster.kubectl(binDir, kubeconfig, stdin, args);
  }

  @Override
  public void close() {
    kwok.destroy();
    k3s.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
