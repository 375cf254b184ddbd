package io.vllmoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `render` of every example against its reviewed golden file. After an intended change, refresh
 * them with {@code mvn test -Dtest=RenderGoldenTest -Dgolden.update=true} and review the diff.
 */
class RenderGoldenTest {
  private static final Path GOLDEN =
      TestManifests.repoRoot().resolve("operator/src/test/resources/golden");

  static List<Path> examples() {
    return TestManifests.examples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void renderMatchesTheReviewedGoldenFile(Path example) throws IOException {
    var result = Cli.run("render", "-f", example.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();

    Path golden = GOLDEN.resolve(example.getFileName());
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, result.out(), StandardCharsets.UTF_8);
    }
    assertThat(golden).as("golden file for " + example.getFileName()).exists();
    assertThat(result.out()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @Test
  void everyGoldenFileHasItsExample() throws IOException {
    try (var files = Files.list(GOLDEN)) {
      var names = examples().stream().map(p -> p.getFileName().toString()).toList();
      assertThat(files.map(p -> p.getFileName().toString())).allMatch(names::contains);
    }
  }
}
