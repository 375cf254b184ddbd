package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.config.OperatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Which TLS cipher suite the operator's client gets from a real kube-apiserver: ChaCha20-Poly1305,
 * the fast one on the C1-only JVM the operator runs on, where a JDK client left alone gets AES-GCM.
 */
class TlsCipherIT {

  @Test
  void theOperatorsClientNegotiatesChaCha20WhereTheJdkDefaultGetsAesGcm() throws Exception {
    try (KubernetesClient admin = LocalCluster.get().newClient();
        KubernetesClient operator = OperatorConfig.client(admin.getConfiguration())) {
      URI version = URI.create(admin.getConfiguration().getMasterUrl()).resolve("/version");

      assertThat(negotiatedSuite(jdkClientOf(operator), version))
          .isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
      assertThat(negotiatedSuite(jdkClientOf(admin), version))
          .as("a client with the JDK's own order, so the operator's differs because of its order")
          .startsWith("TLS_AES_");
    }
  }

  /** The java.net.http client inside fabric8's (package-private there; a test may reach in). */
  private static HttpClient jdkClientOf(KubernetesClient client)
      throws ReflectiveOperationException {
    Object fabric8 = client.getHttpClient();
    var getter = fabric8.getClass().getDeclaredMethod("getHttpClient");
    getter.setAccessible(true);
    return (HttpClient) getter.invoke(fabric8);
  }

  private static String negotiatedSuite(HttpClient http, URI uri) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.sslSession().orElseThrow().getCipherSuite();
  }
}
