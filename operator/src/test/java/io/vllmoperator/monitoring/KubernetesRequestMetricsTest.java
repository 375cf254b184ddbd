package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vllmoperator.config.OperatorConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's real client (fabric8 with the JDK HTTP client, built as {@code run} builds it)
 * against a local HTTP server that answers like an API server: every attempt is counted by method
 * and code, and a request that gets no response at all is counted as {@code <error>}.
 */
class KubernetesRequestMetricsTest {
  private static final Pattern SERIES =
      Pattern.compile(
          "(?m)^vllm_operator_kubernetes_client_requests_total\\{code=\"([^\"]+)\",method=\"([A-Z]+)\"} ([0-9.]+)$");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private HttpServer server;

  @BeforeEach
  void startFakeApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String configMap =
        Serialization.asJson(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ok")
                .withNamespace("ns")
                .endMetadata()
                .build());
    server.createContext("/api/v1/namespaces/ns/configmaps/ok", e -> respond(e, 200, configMap));
    server.createContext(
        "/api/v1/namespaces/ns/configmaps/missing", e -> respond(e, 404, status(404, "NotFound")));
    server.createContext(
        "/api/v1/namespaces/ns/configmaps/forbidden",
        e -> respond(e, 403, status(403, "Forbidden")));
    server.createContext(
        "/api/v1/namespaces/ns/configmaps/broken",
        e -> respond(e, 500, status(500, "InternalError")));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void everyAttemptIsCountedByMethodAndCode() {
    try (KubernetesClient client = client("http://127.0.0.1:" + server.getAddress().getPort())) {
      var configMaps = client.configMaps().inNamespace("ns");
      assertThat(configMaps.withName("ok").get()).isNotNull();
      assertThat(configMaps.withName("ok").get()).isNotNull();
      assertThat(configMaps.withName("missing").get()).isNull();
      assertThatThrownBy(() -> configMaps.withName("forbidden").get())
          .isInstanceOf(KubernetesClientException.class);
      // 5xx is retried by fabric8 (once here): two attempts, both reached the server.
      assertThatThrownBy(() -> configMaps.withName("broken").get())
          .isInstanceOf(KubernetesClientException.class);
      assertThatThrownBy(() -> configMaps.withName("forbidden").delete())
          .isInstanceOf(KubernetesClientException.class);
    }

    assertThat(series())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "GET 200", 2.0,
                "GET 404", 1.0,
                "GET 403", 1.0,
                "GET 500", 2.0,
                "DELETE 403", 1.0));
  }

  @Test
  void aRequestWithoutAResponseIsCountedAsError() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    try (KubernetesClient client = client("http://127.0.0.1:" + closed, 3)) {
      assertThatThrownBy(() -> client.configMaps().inNamespace("ns").withName("ok").get())
          .isInstanceOf(KubernetesClientException.class);
    }

    // Four attempts: fabric8 reports the three it retries; the last one it gives up on is not
    // passed to interceptors.
    assertThat(series()).containsExactlyEntriesOf(Map.of("GET <error>", 3.0));
  }

  private KubernetesClient client(String url) {
    return client(url, 1);
  }

  private KubernetesClient client(String url, int retries) {
    return OperatorConfig.client(
        new ConfigBuilder()
            .withMasterUrl(url)
            .withRequestRetryBackoffLimit(retries)
            .withRequestRetryBackoffInterval(10)
            .build(),
        new KubernetesRequestMetrics(registry));
  }

  /** "METHOD code" to the counter's value. */
  private Map<String, Double> series() {
    Map<String, Double> found = new TreeMap<>();
    Matcher m = SERIES.matcher(registry.scrape());
    while (m.find()) {
      found.put(m.group(2) + " " + m.group(1), Double.parseDouble(m.group(3)));
    }
    return found;
  }

  private static String status(int code, String reason) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\""
        + reason
        + "\",\"code\":"
        + code
        + "}";
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int code, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
