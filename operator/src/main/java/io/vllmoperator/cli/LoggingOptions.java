package io.vllmoperator.cli;

import io.vllmoperator.logging.LogFormat;
import io.vllmoperator.logging.LogLevel;
import io.vllmoperator.logging.OperatorLogging;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The logging flags of {@code vllm-operator run}. Each flag wins over its environment variable,
 * which wins over the default (the chart passes its values as flags).
 */
final class LoggingOptions {
  @Option(
      names = "--log-format",
      defaultValue = "${env:VLLM_OPERATOR_LOG_FORMAT:-json}",
      converter = FormatConverter.class,
      paramLabel = "json|text",
      description =
          "json: one JSON object per line, with timestamp, level, logger, thread, message, the"
              + " resource's namespace and name during a reconcile, and any exception; text: one"
              + " line of text per event. On stderr. Env: VLLM_OPERATOR_LOG_FORMAT (default:"
              + " json).")
  LogFormat format;

  @Option(
      names = "--log-level",
      defaultValue = "${env:VLLM_OPERATOR_LOG_LEVEL:-info}",
      converter = LevelConverter.class,
      paramLabel = "LEVEL",
      description =
          "trace, debug, info, warn, error or off. Env: VLLM_OPERATOR_LOG_LEVEL (default: info).")
  LogLevel level;

  void apply() {
    OperatorLogging.configure(format, level);
  }

  static final class FormatConverter implements ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      return LogFormat.parse(value);
    }
  }

  static final class LevelConverter implements ITypeConverter<LogLevel> {
    @Override
    public LogLevel convert(String value) {
      return LogLevel.parse(value);
    }
  }
}
