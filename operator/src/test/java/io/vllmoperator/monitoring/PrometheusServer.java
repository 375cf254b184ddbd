package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A real Prometheus server (Debian /usr/bin/prometheus) on 127.0.0.1, for one test class. */
final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path dir;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Starts Prometheus with this configuration and waits (bounded) until it is ready. */
  static PrometheusServer start(String config, Duration readyWithin) throws IOException {
    Path binary = Tools.require("prometheus", "prometheus");
    Path dir = Files.createTempDirectory("prometheus-test-");
    Files.writeString(dir.resolve("prometheus.yml"), config);
    int port = freePort();
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer server = new PrometheusServer(process, dir, port);
    try {
      server.await("ready", readyWithin, () -> server.get("/-/ready").statusCode() == 200);
    } catch (AssertionError | RuntimeException e) {
      String log = server.log();
      server.close();
      throw new AssertionError("Prometheus did not become ready; its log:\n" + log, e);
    }
    return server;
  }

  /** An instant query at the current time; the "data" object of a successful response. */
  JsonNode query(String promql) {
    return query(promql, "");
  }

  /** An instant query at {@code at}, so that several queries see the same samples. */
  JsonNode query(String promql, Instant at) {
    return query(promql, "&time=" + at.toEpochMilli() / 1000.0);
  }

  private JsonNode query(String promql, String parameters) {
    HttpResponse<String> response =
        get(
            "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + parameters);
    try {
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        return fail(
            "query failed (HTTP "
                + response.statusCode()
                + "): "
                + body.path("error").asText()
                + "\n"
                + promql);
      }
      return body.path("data");
    } catch (IOException e) {
      return fail("unreadable answer to " + promql + ": " + response.body(), e);
    }
  }

  /** Polls {@code check} every 500 ms until it holds; fails after {@code within}. */
  void await(String what, Duration within, java.util.function.BooleanSupplier check) {
    Instant deadline = Instant.now().plus(within);
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        fail(
            "Prometheus exited ("
                + process.exitValue()
                + ") while waiting for "
                + what
                + ":\n"
                + log());
      }
      try {
        if (check.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      sleep(500);
    }
    throw new AssertionError("Prometheus: no " + what + " within " + within, last);
  }

  boolean vectorNotEmpty(String promql, Predicate<Double> valueCheck) {
    JsonNode result = query(promql).path("result");
    for (JsonNode sample : result) {
      if (valueCheck.test(Double.parseDouble(sample.path("value").get(1).asText()))) {
        return true;
      }
    }
    return false;
  }

  /** GET on the HTTP API, e.g. /api/v1/targets; the whole JSON response. */
  JsonNode api(String path) {
    HttpResponse<String> response = get(path);
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON from " + path + ": " + response.body(), e);
    }
  }

  String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("Prometheus not reachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temp directory is harmless.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
