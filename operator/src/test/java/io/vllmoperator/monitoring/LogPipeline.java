package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Go program operator/src/test/go/logpipeline, built once per test run with the standard
 * library only (no module download): relabel rules and pipeline stages with Go's regexp (RE2) and
 * LogQL's string unquoting, as Promtail and Alloy run them.
 */
final class LogPipeline {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path binary;

  private LogPipeline() {}

  /** Runs the program on {@code input}; a refused rule, stage or regex fails the test. */
  static JsonNode run(JsonNode input) {
    Path bin = binary();
    try {
      Path in = Files.createTempFile("logpipeline-", ".json");
      Path out = Files.createTempFile("logpipeline-", ".out");
      try {
        JSON.writeValue(in.toFile(), input);
        Process process =
            new ProcessBuilder(bin.toString())
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return fail("logpipeline did not finish within 60 s");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
          return fail(text);
        }
        return JSON.readTree(text);
      } finally {
        Files.deleteIfExists(in);
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return fail("cannot run " + bin, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted", e);
    }
  }

  private static synchronized Path binary() {
    if (binary != null) {
      return binary;
    }
    Path source = TestManifests.repoRoot().resolve("operator/src/test/go/logpipeline");
    Path target = TestManifests.repoRoot().resolve("operator/target/logpipeline/logpipeline");
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      return fail("cannot create " + target.getParent(), e);
    }
    ProcessBuilder build =
        new ProcessBuilder(go().toString(), "build", "-o", target.toString(), ".")
            .directory(source.toFile());
    // Offline and with the installed toolchain: the program needs nothing but the standard library.
    build.environment().put("GOTOOLCHAIN", "local");
    build.environment().put("GOPROXY", "off");
    build.environment().put("GOFLAGS", "-buildvcs=false");
    var result = Tools.run(Duration.ofMinutes(5), source, build.command(), build.environment());
    if (result.exitCode() != 0) {
      return fail("go build of " + source + " failed:\n" + result.output());
    }
    binary = target;
    return binary;
  }

  /** The Go toolchain scripts/testbin builds with: on PATH or in /usr/local/go/bin. */
  private static Path go() {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/go/bin:/usr/lib/go/bin";
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "go");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(
        "go not found: the log config check builds a standard-library Go program (install Go, as"
            + " for scripts/testbin, or the Debian package golang-go)");
  }
}
