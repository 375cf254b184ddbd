package io.vllmoperator.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a packaged operator process printed, read as its users read it: as JSON objects (the default
 * format) or as text lines ({@code --log-format=text}), and the share of them about one resource.
 */
final class OperatorLogLines {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TEXT_LINE =
      Pattern.compile(
          "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR) .*");

  private OperatorLogLines() {}

  /** Every line as a JSON object; fails on the first line that is not one. */
  static List<JsonNode> parseJson(List<String> lines) {
    List<JsonNode> parsed = new ArrayList<>();
    for (String line : lines) {
      try {
        JsonNode node = JSON.readTree(line);
        if (node == null || !node.isObject()) {
          throw new AssertionError("not a JSON object: " + line);
        }
        parsed.add(node);
      } catch (JsonProcessingException e) {
        throw new AssertionError("not JSON: " + line, e);
      }
    }
    return parsed;
  }

  /** A text line starts with an ISO-8601 UTC timestamp and a level; stack trace lines follow it. */
  static boolean isTextEventStart(String line) {
    return TEXT_LINE.matcher(line).matches();
  }

  static boolean about(JsonNode line, String namespace, String name) {
    return namespace.equals(line.path("resource.namespace").asText())
        && name.equals(line.path("resource.name").asText());
  }

  /**
   * The text lines of the events about one resource (the layout prints {@code [namespace/name]}
   * during a reconcile), with the stack trace lines that follow such an event.
   */
  static List<String> textAbout(List<String> lines, String namespace, String name) {
    String tag = " [" + namespace + "/" + name + "] ";
    List<String> about = new ArrayList<>();
    boolean current = false;
    for (String line : lines) {
      if (isTextEventStart(line)) {
        current = line.contains(tag);
      }
      if (current) {
        about.add(line);
      }
    }
    return about;
  }

  /** Bytes as written, with the newline. */
  static long bytes(List<String> lines) {
    return lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
  }
}
