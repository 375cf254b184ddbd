package io.vllmoperator.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kwok GPU nodes of one test's own, so the free GPUs a test sees are exactly the ones it made: the
 * nodes carry the label and taint {@code vllm-operator.io/test-pool=<pool>}, so only pods that
 * select and tolerate the pool land there (the shared gpu-h100-* and gpu-l4-* nodes of
 * scripts/local-cluster, and other tests' pods, stay out of the count). The nodes look like the
 * scripts/local-cluster ones: annotation kwok.x-k8s.io/node=fake (kwok makes them Ready and renews
 * their leases), the nvidia.com/gpu taint and resource.
 */
record GpuPool(String name) {
  static final String POOL_KEY = "vllm-operator.io/test-pool";
  static final String GPU = "nvidia.com/gpu";

  /**
   * Creates {@code nodes} nodes of {@code gpusPerNode} GPUs each and waits until they are Ready.
   */
  static GpuPool create(KubernetesClient client, String name, int nodes, int gpusPerNode) {
    GpuPool pool = new GpuPool(name);
    pool.delete(client);
    for (int i = 0; i < nodes; i++) {
      pool.addNode(client, i, gpusPerNode);
    }
    return pool;
  }

  String nodeName(int index) {
    return "pool-" + name + "-" + index;
  }

  /** One more node, Ready and schedulable when this returns. */
  void addNode(KubernetesClient client, int index, int gpus) {
    String nodeName = nodeName(index);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", nodeName);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("nvidia.com/gpu.present", "true");
    labels.put("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    labels.put("nvidia.com/gpu.count", String.valueOf(gpus));
    labels.put("nvidia.com/gpu.memory", "81559");
    labels.put(POOL_KEY, name);
    Map<String, Quantity> resources = new LinkedHashMap<>();
    resources.put("cpu", new Quantity("192"));
    resources.put("memory", new Quantity("2048Gi"));
    resources.put("ephemeral-storage", new Quantity("1Ti"));
    resources.put("pods", new Quantity("110"));
    resources.put(GPU, new Quantity(String.valueOf(gpus)));
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(nodeName)
            .withLabels(labels)
            .withAnnotations(
                Map.of("kwok.x-k8s.io/node", "fake", "node.alpha.kubernetes.io/ttl", "0"))
            .endMetadata()
            .withNewSpec()
            .addNewTaint()
            .withKey(GPU)
            .withValue("present")
            .withEffect("NoSchedule")
            .endTaint()
            .addNewTaint()
            .withKey(POOL_KEY)
            .withValue(name)
            .withEffect("NoSchedule")
            .endTaint()
            .endSpec()
            // A Node keeps the status it is created with (as a kubelet registers it).
            .withNewStatus()
            .withCapacity(resources)
            .withAllocatable(resources)
            .endStatus()
            .build();
    client.nodes().resource(node).create();
    client.nodes().withName(nodeName).waitUntilCondition(GpuPool::schedulable, 90, SECONDS);
  }

  /** Ready, and the node lifecycle controller's not-ready taint is gone. */
  private static boolean schedulable(Node node) {
    if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    boolean ready =
        node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    boolean tainted =
        node.getSpec().getTaints() != null
            && node.getSpec().getTaints().stream()
                .anyMatch(t -> t.getKey().startsWith("node.kubernetes.io/"));
    return ready && !tainted;
  }

  void delete(KubernetesClient client) {
    client.nodes().withLabel(POOL_KEY, name).delete();
    client
        .nodes()
        .withLabel(POOL_KEY, name)
        .informOnCondition(List::isEmpty)
        .orTimeout(60, SECONDS)
        .join();
  }

  Map<String, String> nodeSelector() {
    return Map.of(POOL_KEY, name);
  }

  List<Toleration> tolerations() {
    return List.of(
        new TolerationBuilder()
            .withKey(GPU)
            .withOperator("Exists")
            .withEffect("NoSchedule")
            .build(),
        new TolerationBuilder()
            .withKey(POOL_KEY)
            .withOperator("Equal")
            .withValue(name)
            .withEffect("NoSchedule")
            .build());
  }

  /** spec.scheduling of a VllmDeployment whose pods run on this pool only (YAML). */
  String scheduling() {
    return """
        scheduling:
          nodeSelector: {%s: %s}
          tolerations:
          - {key: %s, operator: Equal, value: %s, effect: NoSchedule}
        """
        .formatted(POOL_KEY, name, POOL_KEY, name);
  }
}
