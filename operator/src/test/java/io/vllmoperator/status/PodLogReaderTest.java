package io.vllmoperator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PodLogReaderTest {

  /** The API server waiting on a dead kubelet looks like this: connected, and no answer. */
  @Test
  void aServerThatNeverAnswersCostsTheTimeoutNotTheClientDefault() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0);
        KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
                        .withRequestTimeout(60_000)
                        .build())
                .build()) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept());
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      var pod =
          new PodBuilder()
              .withNewMetadata()
              .withName("p")
              .withNamespace("llm")
              .endMetadata()
              .build();

      long start = System.nanoTime();
      assertThatThrownBy(() -> new PodLogReader(client).previousLog(pod, "vllm"))
          .isInstanceOf(KubernetesClientException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isLessThan(PodLogReader.TIMEOUT.multipliedBy(3));
      assertThat(accepted).as("one attempt, no retries").hasSize(1);
    } finally {
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }
}
