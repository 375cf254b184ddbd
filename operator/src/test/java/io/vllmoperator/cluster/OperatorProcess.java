package io.vllmoperator.cluster;

import io.vllmoperator.TestManifests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * The packaged operator ({@code java @jvm.options -jar vllm-operator.jar run}) as a separate
 * process against the test cluster, exactly as users run it: its own logging configuration, its own
 * exit code. Every line it prints is kept, so tests can count them.
 */
final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final int httpPort;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private final Thread reader;

  /**
   * The process writes into {@code output} (a file, not a pipe: the JDK closes a pipe's stream when
   * the process exits, and a reader still in it loses the last lines, e.g. those of a graceful
   * shutdown); this follows the file until the process has exited and all of it is read.
   */
  private OperatorProcess(Process process, int httpPort, Path output) {
    this.process = process;
    this.httpPort = httpPort;
    this.reader = new Thread(() -> follow(output), "operator-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void follow(Path output) {
    try (InputStream in = Files.newInputStream(output)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (true) {
        boolean exited = !process.isAlive();
        int n = in.read(buffer);
        if (n < 0) {
          if (exited) {
            break;
          }
          Thread.sleep(50);
          continue;
        }
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            add(line.toString(StandardCharsets.UTF_8));
            line.reset();
          } else {
            line.write(buffer[i]);
          }
        }
      }
      if (line.size() > 0) {
        add(line.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void add(String line) {
    lines.add(line);
    System.out.println("[operator] " + line);
  }

  /** After the process ended: until every line it wrote has been read. */
  private void awaitOutput() throws InterruptedException {
    reader.join(Duration.ofSeconds(10).toMillis());
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
    // The JVM options the image runs the jar with.
    command.add("@" + TestManifests.repoRoot().resolve("operator/jvm.options"));
    command.addAll(List.of("-jar", jar.toString(), "run", "--http-port", String.valueOf(port)));
    command.addAll(List.of(args));
    Path output = outputFile(port);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().remove("POD_NAMESPACE");
    builder.environment().remove("WATCH_NAMESPACES");
    // Run as from a workstation even when the tests run in a pod: no automatic leader election.
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().remove("KUBERNETES_SERVICE_PORT");
    builder.environment().putAll(env);
    try {
      return new OperatorProcess(builder.start(), port, output);
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
    awaitOutput();
  }

  /**
   * SIGTERM, as the kubelet sends it: the graceful shutdown runs. Waits up to {@code atMost} for
   * the process to exit (then kills it) and returns how long it took.
   */
  Duration terminate(Duration atMost) throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    awaitOutput();
    return took;
  }

  int exitValue() {
    return process.exitValue();
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

  /** operator/target/operator-processes/: kept after the run, one file per process. */
  private static Path outputFile(int port) {
    try {
      Path dir = TestManifests.repoRoot().resolve("operator/target/operator-processes");
      Files.createDirectories(dir);
      return Files.createTempFile(dir, "operator-" + port + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
