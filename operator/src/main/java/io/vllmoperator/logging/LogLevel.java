package io.vllmoperator.logging;

import java.util.Locale;

/** The most detailed level the operator logs; {@code OFF} logs nothing. */
public enum LogLevel {
  TRACE,
  DEBUG,
  INFO,
  WARN,
  ERROR,
  OFF;

  /** {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error} or {@code off}. */
  public static LogLevel parse(String value) {
    return LogFormat.CaseInsensitive.parse(LogLevel.class, value);
  }

  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }
}
