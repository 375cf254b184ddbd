package io.vllmoperator.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server binary (prometheus-operator, prometheus, alertmanager) run as a child process on
 * 127.0.0.1 for one test class, its output in a log file that failure messages quote.
 */
final class LocalDaemon implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private final int port;

  private LocalDaemon(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code command} (which must listen on 127.0.0.1:{@code port}) with {@code kubeconfig} as
   * KUBECONFIG (null: none), then waits until GET {@code readyPath} answers 200.
   */
  static LocalDaemon start(
      String name,
      List<String> command,
      int port,
      Path kubeconfig,
      Path logDir,
      String readyPath,
      Duration readyWithin) {
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().remove("KUBECONFIG");
      if (kubeconfig != null) {
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
      }
      LocalDaemon daemon = new LocalDaemon(name, builder.start(), log, port);
      daemon.awaitReady(readyPath, readyWithin);
      return daemon;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private void awaitReady(String path, Duration within) {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited (" + process.exitValue() + "):\n" + log());
      }
      if (get(path).filter(r -> r.statusCode() == 200).isPresent()) {
        return;
      }
      sleep(300);
    }
    close();
    throw new AssertionError(name + " not ready within " + within + ":\n" + log());
  }

  /** GET on the daemon's port, or empty if it does not answer. */
  java.util.Optional<HttpResponse<String>> get(String path) {
    try {
      return java.util.Optional.of(
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  int port() {
    return port;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    try {
      String all = Files.readString(log);
      return all.length() > 6000 ? "..." + all.substring(all.length() - 6000) : all;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
