package io.vllmoperator.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fake vLLM server: {@code /metrics} and {@code /health} on an address and port of this
 * machine, serving the vLLM 0.33.0 fixture (exact V1 names, labels and buckets, see the fixtures'
 * README) for one served model. Cumulative series grow by 2% of the snapshot per scrape, as in the
 * metrics tier, so every rate is real and no alert fires. {@link #breach} then adds, from its next
 * scrape on, what a struggling server shows: slow first tokens, a full KV cache, a queue, failing
 * requests. {@link #stop} takes the server away: the address refuses connections, as a dead pod's
 * does.
 */
public final class FakeVllmPod implements AutoCloseable {
  /** What a breach drives past the default alert thresholds (2 s, 0.9, 20, 5%). */
  public enum Breach {
    /** 60 more requests per scrape whose first token took 2.5-5 s: p95 TTFT about 4.5 s. */
    TTFT,
    /** vllm:kv_cache_usage_perc 0.97. */
    KV_CACHE,
    /** 42 requests waiting. */
    QUEUE,
    /** 60 more requests per scrape ending in finished_reason="error" and HTTP 5xx: about 20%. */
    ERRORS
  }

  public static final double KV_CACHE_IN_BREACH = 0.97;
  public static final int WAITING_IN_BREACH = 42;
  private static final int SLOW_OR_FAILED_PER_SCRAPE = 60;
  private static final double SLOW_TTFT_SECONDS = 4.5;
  private static final String FIXTURE = "vllm-0.33.0-metrics.prom";
  private static final String FIXTURE_MODEL = "model_name=\"llama-8b\"";
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  private final HttpServer server;
  private final List<String> lines;
  private final AtomicInteger scrapes = new AtomicInteger();
  private final Set<Breach> breaches = EnumSet.noneOf(Breach.class);
  private volatile int breachFromScrape = -1;
  private volatile boolean stopped;

  private FakeVllmPod(HttpServer server, List<String> lines) {
    this.server = server;
    this.lines = lines;
  }

  /** Serves on {@code address:port} for the model {@code servedModel} (its model_name label). */
  public static FakeVllmPod start(String address, int port, String servedModel) {
    try {
      List<String> lines =
          Files.readAllLines(
                  TestManifests.repoRoot()
                      .resolve("operator/src/test/resources/monitoring")
                      .resolve(FIXTURE),
                  StandardCharsets.UTF_8)
              .stream()
              .map(l -> l.replace(FIXTURE_MODEL, "model_name=\"" + servedModel + "\""))
              .toList();
      HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
      FakeVllmPod pod = new FakeVllmPod(server, lines);
      server.createContext("/metrics", pod::metrics);
      server.createContext("/health", exchange -> pod.respond(exchange, ""));
      server.start();
      return pod;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve a fake vLLM pod on " + address + ":" + port, e);
    }
  }

  /** From the next scrape on, these metrics show a breach (on top of the normal traffic). */
  public synchronized void breach(Breach... what) {
    breaches.addAll(List.of(what));
    if (breachFromScrape < 0) {
      breachFromScrape = scrapes.get();
    }
  }

  public int scrapes() {
    return scrapes.get();
  }

  /** The pod's server goes away: connections to its address are refused from now on. */
  public void stop() {
    stopped = true;
    server.stop(0);
  }

  private void metrics(HttpExchange exchange) throws IOException {
    int k = scrapes.incrementAndGet();
    respond(exchange, exposition(k));
  }

  synchronized String exposition(int k) {
    String normal = FakeExporters.exposition(lines, k);
    if (breaches.isEmpty()) {
      return normal;
    }
    int sinceBreach = Math.max(0, k - breachFromScrape);
    StringBuilder out = new StringBuilder();
    for (String line : normal.split("\n", -1)) {
      out.append(line.startsWith("#") || line.isBlank() ? line : breached(line, sinceBreach));
      out.append('\n');
    }
    return out.substring(0, out.length() - 1);
  }

  private String breached(String sample, int sinceBreach) {
    String name = sample.substring(0, sample.indexOf('{') >= 0 ? sample.indexOf('{') : 0);
    double extra = (double) SLOW_OR_FAILED_PER_SCRAPE * sinceBreach;
    if (breaches.contains(Breach.KV_CACHE) && name.equals("vllm:kv_cache_usage_perc")) {
      return withValue(sample, KV_CACHE_IN_BREACH);
    }
    if (breaches.contains(Breach.QUEUE)
        && (name.equals("vllm:num_requests_waiting")
            || (name.equals("vllm:num_requests_waiting_by_reason")
                && sample.contains("reason=\"capacity\"")))) {
      return withValue(sample, WAITING_IN_BREACH);
    }
    if (breaches.contains(Breach.TTFT)) {
      if (name.equals("vllm:time_to_first_token_seconds_bucket") && bucketAtLeast(sample, 5.0)
          || name.equals("vllm:time_to_first_token_seconds_count")) {
        return withValue(sample, value(sample) + extra);
      }
      if (name.equals("vllm:time_to_first_token_seconds_sum")) {
        return withValue(sample, value(sample) + extra * SLOW_TTFT_SECONDS);
      }
    }
    if (breaches.contains(Breach.ERRORS)
        && (name.equals("vllm:request_success_total")
                && sample.contains("finished_reason=\"error\"")
            || name.equals("http_requests_total") && sample.contains("status=\"5xx\""))) {
      return withValue(sample, value(sample) + extra);
    }
    return sample;
  }

  private static boolean bucketAtLeast(String sample, double bound) {
    Matcher le = LE.matcher(sample);
    return le.find() && (le.group(1).equals("+Inf") || Double.parseDouble(le.group(1)) >= bound);
  }

  private static double value(String sample) {
    return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
  }

  private static String withValue(String sample, double value) {
    return sample.substring(0, sample.lastIndexOf(' ') + 1) + value;
  }

  private void respond(HttpExchange exchange, String body) throws IOException {
    if (stopped) {
      exchange.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (!stopped) {
      stop();
    }
  }
}
