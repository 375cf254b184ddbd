package io.vllmoperator.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Alertmanager webhook receivers on 127.0.0.1, one path each ("/pager", "/ticket"): every
 * notification posted to a path is kept, as Alertmanager sent it (the webhook JSON, version 4).
 */
final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  static WebhookReceiver start(String... paths) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      WebhookReceiver receiver = new WebhookReceiver(server);
      for (String path : paths) {
        List<JsonNode> notifications = java.util.Collections.synchronizedList(new ArrayList<>());
        receiver.received.put(path, notifications);
        server.createContext(
            path,
            exchange -> {
              notifications.add(JSON.readTree(exchange.getRequestBody()));
              exchange.sendResponseHeaders(200, -1);
              exchange.close();
            });
      }
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Every notification posted to {@code path} so far, as Alertmanager sent it. */
  List<JsonNode> notifications(String path) {
    synchronized (received.get(path)) {
      return new ArrayList<>(received.get(path));
    }
  }

  /** Every alert of every notification posted to {@code path} so far (firing or resolved). */
  List<JsonNode> alerts(String path) {
    List<JsonNode> alerts = new ArrayList<>();
    synchronized (received.get(path)) {
      for (JsonNode notification : received.get(path)) {
        notification.path("alerts").forEach(alerts::add);
      }
    }
    return alerts;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
