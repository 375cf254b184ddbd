package io.vllmoperator.logging;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Applies a format and a level to the operator's log4j2 configuration (log4j2.xml, which reads them
 * from two system properties) and reloads it. log4j2 starts before the command line is parsed (the
 * first logger is created when picocli builds the commands), with JSON at info; nothing is logged
 * before this runs.
 */
public final class OperatorLogging {
  static final String FORMAT_PROPERTY = "vllm.operator.log.format";
  static final String LEVEL_PROPERTY = "vllm.operator.log.level";

  /** log4j's property that replaces java.util.logging's LogManager (log4j-jul). */
  private static final String JUL_MANAGER_PROPERTY = "java.util.logging.manager";

  private OperatorLogging() {}

  /**
   * Sends java.util.logging (the JDK's HTTP server and client, Guava) to log4j2 as well. Only
   * effective before anything touches java.util.logging: call it first thing in main.
   */
  public static void routeJavaUtilLogging() {
    if (System.getProperty(JUL_MANAGER_PROPERTY) == null) {
      System.setProperty(JUL_MANAGER_PROPERTY, "org.apache.logging.log4j.jul.LogManager");
    }
  }

  public static void configure(LogFormat format, LogLevel level) {
    System.setProperty(FORMAT_PROPERTY, format.spelling());
    System.setProperty(LEVEL_PROPERTY, level.spelling());
    ((LoggerContext) LogManager.getContext(false)).reconfigure();
  }

  /** Writes what is still buffered and stops log4j2; the last call of a stopping process. */
  public static void shutdown() {
    LogManager.shutdown();
  }
}
