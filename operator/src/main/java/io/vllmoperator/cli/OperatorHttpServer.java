package io.vllmoperator.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vllmoperator.leader.Leadership;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Liveness, readiness and Prometheus metrics of the operator process.
 *
 * <p>{@code /readyz} is 200 on the leader and on a standby alike once their informers are synced: a
 * standby is ready to take over at once, and the PodDisruptionBudget counts it as available. The
 * body says which it is ({@code ok: leader}, {@code ok: standby, leader <pod>}). From SIGTERM on it
 * is 503 ({@code shutting down}) while the graceful shutdown runs.
 */
final class OperatorHttpServer implements AutoCloseable {
  private final HttpServer server;

  private OperatorHttpServer(HttpServer server) {
    this.server = server;
  }

  static OperatorHttpServer start(
      int port, Operator operator, PrometheusMeterRegistry registry, Leadership leadership)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> respond(exchange, 200, () -> "ok"));
    server.createContext(
        "/readyz",
        exchange -> {
          if (leadership.isShuttingDown()) {
            respond(exchange, 503, () -> "shutting down");
            return;
          }
          boolean ready = operator.getRuntimeInfo().allEventSourcesAreHealthy();
          respond(
              exchange,
              ready ? 200 : 503,
              () -> (ready ? "ok: " : "event sources not healthy: ") + role(leadership));
        });
    server.createContext("/metrics", exchange -> respond(exchange, 200, registry::scrape));
    server.start();
    return new OperatorHttpServer(server);
  }

  static String role(Leadership leadership) {
    if (!leadership.isElected()) {
      return "leader election off";
    }
    if (leadership.isLeading()) {
      return "leader";
    }
    return "standby, leader " + leadership.leader().orElse("unknown");
  }

  private static void respond(HttpExchange exchange, int code, Supplier<String> body)
      throws IOException {
    byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
