package io.vllmoperator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoperatorsdk.operator.processing.MDCUtils;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The operator's own log4j2.xml, loaded into a context of its own with the format and level
 * OperatorLogging would set: the events go through the configured layout of its stderr appender
 * (captured here instead of stderr), and the MDC is filled by JOSDK's own MDCUtils, as during a
 * reconcile.
 */
class OperatorLoggingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RECONCILER = "io.vllmoperator.reconciler.VllmDeploymentReconciler";

  private final String formatBefore = System.getProperty(OperatorLogging.FORMAT_PROPERTY);
  private final String levelBefore = System.getProperty(OperatorLogging.LEVEL_PROPERTY);

  @AfterEach
  void restore() {
    MDC.clear();
    restore(OperatorLogging.FORMAT_PROPERTY, formatBefore);
    restore(OperatorLogging.LEVEL_PROPERTY, levelBefore);
  }

  @Test
  void jsonLinesCarryTimestampLevelLoggerThreadMessageTheResourceAndTheStackTrace()
      throws IOException {
    List<String> lines =
        logged(
            LogFormat.JSON,
            LogLevel.INFO,
            log -> {
              MDCUtils.addResourceInfo(vllm());
              log.info("llm/qwen: applied generation 3");
              log.warn("a \"quoted\" message\nover two lines, ünïcødé", failure());
              MDCUtils.removeResourceInfo();
              log.info("from a thread without a reconcile");
              log.debug("below the level");
            });

    assertThat(lines).hasSize(3);
    JsonNode reconcile = JSON.readTree(lines.get(0));
    assertThat(Instant.parse(reconcile.path("timestamp").asText())).isNotNull();
    assertThat(reconcile.path("timestamp").asText()).endsWith("Z");
    assertThat(reconcile.path("level").asText()).isEqualTo("INFO");
    assertThat(reconcile.path("logger").asText()).isEqualTo(RECONCILER);
    assertThat(reconcile.path("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(reconcile.path("message").asText()).isEqualTo("llm/qwen: applied generation 3");
    assertThat(reconcile.path("resource.namespace").asText()).isEqualTo("llm");
    assertThat(reconcile.path("resource.name").asText()).isEqualTo("qwen");
    assertThat(reconcile.path("resource.kind").asText()).isEqualTo("VllmDeployment");
    assertThat(reconcile.has("error.type")).isFalse();

    JsonNode failed = JSON.readTree(lines.get(1));
    assertThat(failed.path("level").asText()).isEqualTo("WARN");
    assertThat(failed.path("message").asText())
        .isEqualTo("a \"quoted\" message\nover two lines, ünïcødé");
    assertThat(failed.path("resource.name").asText()).isEqualTo("qwen");
    assertThat(failed.path("error.type").asText()).isEqualTo(IllegalStateException.class.getName());
    assertThat(failed.path("error.message").asText()).isEqualTo("outer");
    assertThat(failed.path("error.stack_trace").asText())
        .contains("java.lang.IllegalStateException: outer")
        .contains("\tat io.vllmoperator.logging.OperatorLoggingTest.failure")
        .contains("Caused by: java.io.IOException: inner");

    JsonNode plain = JSON.readTree(lines.get(2));
    assertThat(plain.path("message").asText()).isEqualTo("from a thread without a reconcile");
    assertThat(plain.has("resource.namespace")).isFalse();
    assertThat(plain.has("resource.name")).isFalse();
  }

  @Test
  void textLinesHaveATimestampTheLevelAndTheResource() {
    List<String> lines =
        logged(
            LogFormat.TEXT,
            LogLevel.INFO,
            log -> {
              MDCUtils.addResourceInfo(vllm());
              log.info("applied generation 3");
              MDCUtils.removeResourceInfo();
              log.info("no reconcile");
            });

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .matches(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z INFO  i\\.v\\.r\\.VllmDeploymentReconciler"
                + " \\[.+] \\[llm/qwen] applied generation 3");
    assertThat(lines.get(1)).endsWith("] no reconcile").doesNotContain("[llm/qwen]");
  }

  @Test
  void theLevelIsACeilingForEveryLoggerAndTheQuietedLoggersStayQuiet() {
    List<String> lines =
        logged(
            LogFormat.TEXT,
            LogLevel.ERROR,
            log -> {
              log.warn("a warning");
              log.error("an error");
            });
    assertThat(lines).hasSize(1).first().asString().contains("an error");

    List<String> debug =
        logged(
            LogFormat.TEXT,
            LogLevel.DEBUG,
            "io.javaoperatorsdk.operator.processing.event.EventProcessor",
            log -> {
              log.warn("JOSDK's stack trace of each failed attempt");
              log.error("JOSDK's error");
            });
    assertThat(debug).hasSize(1).first().asString().contains("JOSDK's error");

    assertThat(logged(LogFormat.JSON, LogLevel.OFF, log -> log.error("nothing"))).isEmpty();
  }

  private static List<String> logged(LogFormat format, LogLevel level, Consumer<Logger> body) {
    return logged(format, level, RECONCILER, body);
  }

  /** Events logged through the production configuration, as the stderr appender formats them. */
  private static List<String> logged(
      LogFormat format, LogLevel level, String logger, Consumer<Logger> body) {
    System.setProperty(OperatorLogging.FORMAT_PROPERTY, format.spelling());
    System.setProperty(OperatorLogging.LEVEL_PROPERTY, level.spelling());
    LoggerContext context = new LoggerContext("operator-logging-test-" + format + "-" + level);
    try {
      var source =
          ConfigurationSource.fromResource(
              "log4j2.xml", OperatorLoggingTest.class.getClassLoader());
      assertThat(source).as("log4j2.xml on the classpath").isNotNull();
      context.start(new XmlConfiguration(context, source));
      var config = context.getConfiguration();
      var stderr = config.getAppender("stderr");
      StringWriter out = new StringWriter();
      var capture =
          WriterAppender.newBuilder()
              .setName("capture")
              .setTarget(out)
              .setLayout(stderr.getLayout())
              .build();
      capture.start();
      config.getRootLogger().removeAppender("stderr");
      config.getRootLogger().addAppender(capture, null, null);
      config.getLoggers().values().forEach(c -> c.removeAppender("stderr"));
      context.updateLoggers();
      body.accept(context.getLogger(logger));
      return out.toString().lines().toList();
    } finally {
      context.stop();
    }
  }

  private static VllmDeployment vllm() {
    VllmDeployment vllm = TestManifests.vllm("qwen", "model: {name: Qwen/Qwen2.5-1.5B-Instruct}");
    vllm.getMetadata().setNamespace("llm");
    return vllm;
  }

  private static Exception failure() {
    return new IllegalStateException("outer", new IOException("inner"));
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
