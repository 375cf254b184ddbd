package io.vllmoperator.cluster;

import io.vllmoperator.TestManifests;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator ({@code java -jar vllm-operator.jar run}) as a separate process against the
 * test cluster, exactly as users run it: its own logging configuration, its own exit code. Every
 * line it prints is kept, so tests can count them.
 */
final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final int httpPort;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private OperatorProcess(Process process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                  System.out.println("[operator] " + line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "operator-output");
    reader.setDaemon(true);
    reader.start();
  }

  static OperatorProcess start(Path kubeconfig, String... args) {
    return start(kubeconfig, Map.of(), args);
  }

  /** {@code env} is added to the process' environment (e.g. the client's impersonation). */
  static OperatorProcess start(Path kubeconfig, Map<String, String> env, String... args) {
    Path jar = TestManifests.repoRoot().resolve("operator/target/vllm-operator.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the tests with `mvn verify`");
    }
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-jar", jar.toString(), "run", "--http-port", String.valueOf(port)));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().remove("POD_NAMESPACE");
    builder.environment().remove("WATCH_NAMESPACES");
    // Run as from a workstation even when the tests run in a pod: no automatic leader election.
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().remove("KUBERNETES_SERVICE_PORT");
    builder.environment().putAll(env);
    try {
      return new OperatorProcess(builder.start(), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Port of /healthz, /readyz and /metrics on localhost. */
  int httpPort() {
    return httpPort;
  }

  /** SIGKILL: no shutdown hook runs, the Lease is not released. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Lines printed so far. */
  int lineCount() {
    return lines.size();
  }

  /** Lines printed from index {@code from} on. */
  List<String> linesFrom(int from) {
    synchronized (lines) {
      return List.copyOf(lines.subList(Math.min(from, lines.size()), lines.size()));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
