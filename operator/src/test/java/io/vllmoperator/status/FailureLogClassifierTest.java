package io.vllmoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the classifier over vLLM failure logs rendered from vLLM's, torch's, transformers' and
 * huggingface_hub's own messages (see failure-logs/README.md). A file's expected reason is its name
 * up to the first dot.
 */
class FailureLogClassifierTest {

  /** Credential shapes, written independently of the production redactor. */
  private static final List<Pattern> SECRET_SHAPES =
      List.of(
          Pattern.compile("hf_[A-Za-z0-9]{20,}"),
          Pattern.compile("sk-[A-Za-z0-9-]{20,}"),
          Pattern.compile("[0-9a-f]{40,}"),
          Pattern.compile("eyJ[A-Za-z0-9_-]{10,}"),
          Pattern.compile("[A-Za-z0-9+/]{30,}=="));

  static Stream<Path> fixtures() throws IOException, URISyntaxException {
    Path root = root();
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".log")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void eachFixtureIsClassifiedByItsRootCause(Path fixture) throws Exception {
    String log = Files.readString(fixture, StandardCharsets.UTF_8);

    var cause = FailureLogClassifier.classify(log).orElseThrow();

    assertThat(cause.reason()).isEqualTo(expectedReason(fixture));
    assertThat(cause.advice() + " " + cause.line()).contains(expectedDetail(fixture));
    assertThat(cause.advice()).containsPattern("spec\\.|pod's previous log");
    assertThat(cause.line()).doesNotContain("\u001B").doesNotContain("pid=").hasSizeLessThan(250);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void noCredentialFromTheLogSurvives(Path fixture) throws Exception {
    String log = Files.readString(fixture, StandardCharsets.UTF_8);
    var cause = FailureLogClassifier.classify(log).orElseThrow();
    String shown = cause.advice() + " " + cause.line();

    for (Pattern shape : SECRET_SHAPES) {
      assertThat(shape.matcher(shown).find()).as("%s in %s", shape, shown).isFalse();
      shape
          .matcher(log)
          .results()
          .forEach(secret -> assertThat(shown).doesNotContain(secret.group()));
    }
  }

  @Test
  void theFixturesCarryTheCredentialsTheRedactionMustCatch() throws Exception {
    String all = String.join("\n", fixtures().map(FailureLogClassifierTest::read).toList());

    for (Pattern shape : SECRET_SHAPES) {
      assertThat(shape.matcher(all).find()).as("a fixture holds %s", shape).isTrue();
    }
  }

  @Test
  void theEngineWrapperHidesTheRootCauseFromTheTerminationMessageWindow() throws Exception {
    // Kubernetes keeps the last 2048 bytes (or 80 lines) as the termination message.
    for (String name :
        List.of("KvCacheTooSmall.log", "CudaOutOfMemory.log", "GpuMemoryInUse.log")) {
      for (String version : List.of("0.11.0", "0.33.0")) {
        String log = read(root().resolve(version).resolve(name));
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        String tail = new String(bytes, bytes.length - 2048, 2048, StandardCharsets.UTF_8);

        assertThat(FailureLogClassifier.classify(tail).orElseThrow().reason())
            .as("%s/%s tail", version, name)
            .isEqualTo("EngineInitFailed");
        assertThat(FailureLogClassifier.classify(log).orElseThrow().reason())
            .isEqualTo(name.substring(0, name.indexOf('.')));
      }
    }
  }

  @Test
  void aLogWithoutAKnownCauseHasNone() {
    assertThat(FailureLogClassifier.classify("")).isEmpty();
    assertThat(FailureLogClassifier.classify(null)).isEmpty();
    assertThat(
            FailureLogClassifier.classify(
                "INFO 10-21 09:14:01 [api_server.py:1839] vLLM API server version 0.11.0\n"
                    + "Killed\n"))
        .isEmpty();
  }

  @Test
  void anAnonymous401ForAMistypedRepoIsNotFoundNotAccessDenied() throws Exception {
    // huggingface_hub maps the Hub's 401 without a token to RepositoryNotFoundError.
    for (String version : List.of("0.11.0", "0.33.0")) {
      String log = read(root().resolve(version).resolve("ModelNotFound.log"));
      assertThat(log).contains("401 Client Error").contains("Invalid username or password");

      assertThat(FailureLogClassifier.classify(log).orElseThrow().reason())
          .isEqualTo("ModelNotFound");
    }
  }

  @Test
  void longModelIdsAndRequestIdsAreNotMistakenForSecrets() {
    String line =
        "Repository Not Found for url: https://huggingface.co/api/models/"
            + "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B-Instruct-AWQ/tree/main"
            + " (Request ID: Root=1-68f74c2e-0b5f4a8e1c7d2f3a4b6c8d9e)";

    assertThat(SecretRedactor.redact(line)).isEqualTo(line);
  }

  private static String expectedReason(Path fixture) {
    String name = fixture.getFileName().toString();
    return name.substring(0, name.indexOf('.'));
  }

  private static String expectedDetail(Path fixture) throws Exception {
    Properties details = new Properties();
    try (InputStream in =
        FailureLogClassifierTest.class.getResourceAsStream(
            "/failure-logs/expected-details.properties")) {
      details.load(Objects.requireNonNull(in));
    }
    String key = root().relativize(fixture).toString().replace('\\', '/');
    assertThat(details).as("expected-details.properties lists %s", key).containsKey(key);
    return details.getProperty(key);
  }

  private static Path root() throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(FailureLogClassifierTest.class.getResource("/failure-logs"))
            .toURI());
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
