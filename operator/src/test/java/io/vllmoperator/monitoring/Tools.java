package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Prometheus tools (Debian packages prometheus, prometheus-alertmanager). A test that
 * needs one fails when it is missing: it is never skipped.
 */
public final class Tools {
  record Result(int exitCode, String output) {}

  private Tools() {}

  /** The binary on PATH (or in /usr/bin), or a failed test naming the installer. */
  public static Path require(String binary, String debianPackage) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, binary);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(
        binary
            + " not found: run scripts/install-test-deps (installs the Debian package "
            + debianPackage
            + ")");
  }

  static Path promtool() {
    return require("promtool", "prometheus");
  }

  /** Runs a command to completion within {@code timeout}; stdout and stderr together. */
  static Result run(Duration timeout, Path workDir, List<String> command) {
    return run(timeout, workDir, command, null);
  }

  /** As {@link #run(Duration, Path, List)}, with this environment (null: the inherited one). */
  static Result run(
      Duration timeout, Path workDir, List<String> command, java.util.Map<String, String> env) {
    try {
      Path log = Files.createTempFile("tool-", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (env != null) {
          builder.environment().clear();
          builder.environment().putAll(env);
        }
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          return fail(command + " did not finish within " + timeout);
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      return fail("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while running " + command, e);
    }
  }
}
