package io.vllmoperator.monitoring;

import com.sun.net.httpserver.HttpServer;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Serves the monitoring fixtures (operator/src/test/resources/monitoring/*.prom) on 127.0.0.1, one
 * path each. Counters and histogram/summary series grow by 2% of their snapshot value on every
 * scrape of their path (the fixtures' README), so rates and quantiles are real numbers. A path can
 * also serve what a supplier produces on each scrape ({@link #serve}), e.g. the operator's own
 * metrics code.
 */
final class FakeExporters implements AutoCloseable {
  private static final Path FIXTURES =
      TestManifests.repoRoot().resolve("operator/src/test/resources/monitoring");

  private final HttpServer server;
  private final Map<String, AtomicInteger> scrapes = new ConcurrentHashMap<>();

  private FakeExporters(HttpServer server) {
    this.server = server;
  }

  /**
   * Serves each fixture file at the path given as key ("/vllm-0.11.0" ->
   * "vllm-0.11.0-metrics.prom").
   */
  static FakeExporters start(Map<String, String> fixtureByPath) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeExporters exporters = new FakeExporters(server);
    for (var entry : fixtureByPath.entrySet()) {
      List<String> lines =
          Files.readAllLines(FIXTURES.resolve(entry.getValue()), StandardCharsets.UTF_8);
      AtomicInteger count =
          exporters.scrapes.computeIfAbsent(entry.getKey(), k -> new AtomicInteger());
      server.createContext(
          entry.getKey(),
          exchange -> {
            byte[] body =
                exposition(lines, count.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
    }
    server.start();
    return exporters;
  }

  /** Serves {@code exposition.get()}, computed anew for every scrape, at {@code path}. */
  FakeExporters serve(String path, Supplier<String> exposition) {
    AtomicInteger count = scrapes.computeIfAbsent(path, k -> new AtomicInteger());
    server.createContext(
        path,
        exchange -> {
          count.incrementAndGet();
          byte[] body = exposition.get().getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    return this;
  }

  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  int scrapes(String path) {
    return scrapes.get(path).get();
  }

  /** The k-th scrape: cumulative series scaled by 1 + 0.02k, everything else as in the file. */
  static String exposition(List<String> lines, int k) {
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.startsWith("#") || line.isBlank() ? line : scale(line, 1 + 0.02 * k))
          .append('\n');
    }
    return out.toString();
  }

  private static String scale(String sample, double factor) {
    int nameEnd = sample.indexOf('{') >= 0 ? sample.indexOf('{') : sample.indexOf(' ');
    String name = sample.substring(0, nameEnd);
    boolean cumulative =
        !name.startsWith("DCGM_")
            && (name.endsWith("_total")
                || name.endsWith("_bucket")
                || name.endsWith("_count")
                || name.endsWith("_sum"));
    if (!cumulative) {
      return sample;
    }
    int valueStart = sample.lastIndexOf(' ') + 1;
    double value = Double.parseDouble(sample.substring(valueStart));
    return sample.substring(0, valueStart) + (value * factor);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
