package io.vllmoperator;

import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.manifest.ManifestReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * VllmDeployments for tests, admitted (defaulted and validated) exactly as `render` admits them.
 */
public final class TestManifests {
  private TestManifests() {}

  /** A VllmDeployment named {@code name} in namespace llm with the given spec body (YAML). */
  public static VllmDeployment vllm(String name, String specYaml) {
    String yaml =
        "apiVersion: vllm-operator.io/v1alpha1\nkind: VllmDeployment\nmetadata:\n  name: "
            + name
            + "\n  namespace: llm\nspec:\n"
            + specYaml.indent(2);
    return new ManifestReader("default").read(new StringReader(yaml), name).get(0);
  }

  public static Path repoRoot() {
    return Path.of(System.getProperty("vllm.repo.root", "..")).toAbsolutePath().normalize();
  }

  public static List<Path> examples() {
    try (Stream<Path> files = Files.list(repoRoot().resolve("examples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<VllmDeployment> readExample(Path example) {
    try (var reader = Files.newBufferedReader(example)) {
      return new ManifestReader("default").read(reader, example.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
