package io.vllmoperator.cluster;

/** The cluster tier on the local control plane of scripts/local-cluster. */
class OperatorClusterIT extends OperatorClusterSuite {
  @Override
  protected TestCluster startCluster() {
    return LocalCluster.get();
  }
}
