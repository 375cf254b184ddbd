package io.vllmoperator.logging;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the operator writes its log lines to stderr. */
public enum LogFormat {
  /** One JSON object per line (log4j2 JsonTemplateLayout, logging/log-line.json). */
  JSON,
  /** One line of text per event, for a terminal. */
  TEXT;

  /** {@code json} or {@code text}, in any case. */
  public static LogFormat parse(String value) {
    return CaseInsensitive.parse(LogFormat.class, value);
  }

  /** The spelling of flags, env vars and chart values. */
  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }

  static final class CaseInsensitive {
    private CaseInsensitive() {}

    static <E extends Enum<E>> E parse(Class<E> type, String value) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
          return constant;
        }
      }
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is not one of "
              + Arrays.stream(type.getEnumConstants())
                  .map(c -> c.name().toLowerCase(Locale.ROOT))
                  .collect(Collectors.joining(", ")));
    }
  }
}
