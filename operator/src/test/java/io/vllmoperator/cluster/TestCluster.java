package io.vllmoperator.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;

/** A cluster with fake GPU nodes that the cluster-tier suite runs against. */
interface TestCluster {
  KubernetesClient newClient();

  /** Runs kubectl against the cluster; returns exit code and combined output. */
  Result kubectl(String stdin, String... args);

  record Result(int exitCode, String output) {}
}
