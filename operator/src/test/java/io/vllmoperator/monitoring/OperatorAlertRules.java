package io.vllmoperator.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The alert rules of alerts/operator-alerts.yaml, and the metric names their expressions read. */
public final class OperatorAlertRules {
  public static final Path FILE = TestManifests.repoRoot().resolve("alerts/operator-alerts.yaml");

  /**
   * A selector in an expression: a metric name and its label matchers (quoted values may hold
   * braces: the placeholders).
   */
  static final Pattern SELECTOR =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{((?:[^}\"]|\"[^\"]*\")*)}");

  private OperatorAlertRules() {}

  /** The rules with an {@code alert}, as written in the file (placeholders unfilled). */
  public static List<JsonNode> alerts() {
    try {
      List<JsonNode> rules = new ArrayList<>();
      new YAMLMapper()
          .readTree(FILE.toFile())
          .path("groups")
          .forEach(g -> g.path("rules").forEach(rules::add));
      return rules.stream().filter(r -> r.has("alert")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The metric names the expressions select, except {@code up} (Prometheus writes it). Every
   * selector of the file carries label matchers (OperatorAlertsTest checks it), so this finds all.
   */
  public static Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    for (JsonNode rule : alerts()) {
      Matcher m = SELECTOR.matcher(rule.path("expr").asText());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    names.remove("up");
    return names;
  }
}
