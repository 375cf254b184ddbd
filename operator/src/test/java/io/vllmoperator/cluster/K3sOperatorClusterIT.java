package io.vllmoperator.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The same cluster tier on k3s (Testcontainers), where a Docker engine exists. */
@ExtendWith(DockerAvailable.class)
class K3sOperatorClusterIT extends OperatorClusterSuite {
  private K3sCluster k3s;

  @Override
  protected TestCluster startCluster() {
    try {
      k3s = K3sCluster.start();
      return k3s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  void stopK3s() {
    if (k3s != null) {
      k3s.close();
    }
  }
}
