package io.vllmoperator.chart;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real helm of scripts/testbin, for chart tests that need no cluster ({@code helm template}
 * uses built-in capabilities; {@code --api-versions} adds an API such as monitoring.coreos.com/v1).
 * A missing binary fails the test, naming the script that builds it: never skipped.
 */
public final class Helm {
  public static final String RELEASE = "vllm-operator";
  public static final String NAMESPACE = "vllm-operator";
  public static final String MONITORING_API = "monitoring.coreos.com/v1";

  /** stdout (the rendered YAML) and stderr (warnings, errors) apart. */
  public record Result(int exitCode, String output, String errors) {}

  private Helm() {}

  public static Path chart() {
    return TestManifests.repoRoot().resolve("charts/vllm-operator");
  }

  /** {@code helm template vllm-operator <chart> -n vllm-operator <args>}. */
  public static Result template(List<String> args) {
    List<String> command = new ArrayList<>();
    command.addAll(List.of("template", RELEASE, chart().toString(), "--namespace", NAMESPACE));
    command.addAll(args);
    return run(command);
  }

  /** As {@link #template}, failing the test unless helm succeeds. */
  public static String render(List<String> args) {
    Result result = template(args);
    if (result.exitCode() != 0) {
      fail("helm template " + args + " failed:\n" + result.errors());
    }
    return result.output();
  }

  /** The documents of a multi-document YAML stream, without empty ones. */
  public static List<JsonNode> documents(String yaml) {
    try (var it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(yaml)) {
      List<JsonNode> docs = new ArrayList<>();
      while (it.hasNext()) {
        JsonNode doc = (JsonNode) it.next();
        if (doc != null && !doc.isNull()) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  static Path binary() {
    String dir = System.getenv("VLLM_TESTBIN_DIR");
    Path testbin =
        dir != null && !dir.isBlank()
            ? Path.of(dir)
            : Path.of(System.getProperty("user.home"), ".cache/vllm-operator/testbin");
    Path helm = testbin.resolve("bin/helm");
    if (!Files.isExecutable(helm)) {
      return fail(
          helm + " not found: run scripts/testbin (it builds helm from the Go module proxy)");
    }
    return helm;
  }

  private static Result run(List<String> args) {
    try {
      Path home = Files.createTempDirectory("helm-home");
      Path out = home.resolve("stdout.log");
      Path err = home.resolve("stderr.log");
      List<String> command = new ArrayList<>();
      command.add(binary().toString());
      command.addAll(args);
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      // No repositories, plugins or caches of the user's own helm.
      builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
      builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
      builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
      builder.environment().remove("KUBECONFIG");
      Process process = builder.start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return fail("helm " + args + " did not finish within 2 minutes");
      }
      var result =
          new Result(
              process.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while running helm " + args);
    }
  }
}
