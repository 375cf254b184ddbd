package io.vllmoperator.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vllmoperator.api.v1alpha1.spec.AlertRuleOverride;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * spec.monitoring.alerts.rules applied to the parsed rule file: an alert's `for` and its `severity`
 * label are replaced in the tree, never in the template's text. Routing follows the severity label,
 * so a changed severity also changes where the alert goes.
 */
final class AlertRuleOverrides {
  private static final Pattern DURATION = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");

  private AlertRuleOverrides() {}

  static void apply(ObjectNode ruleFile, Map<String, AlertRuleOverride> overrides) {
    if (overrides.isEmpty()) {
      return;
    }
    Set<String> unused = new HashSet<>(overrides.keySet());
    for (JsonNode group : ruleFile.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (!(rule instanceof ObjectNode alert) || !alert.has("alert")) {
          continue;
        }
        AlertRuleOverride override = overrides.get(alert.get("alert").asText());
        if (override == null) {
          continue;
        }
        unused.remove(alert.get("alert").asText());
        if (override.getFor() != null && !override.getFor().isEmpty()) {
          alert.put("for", override.getFor());
        }
        if (override.getSeverity() != null) {
          ObjectNode labels =
              alert.get("labels") instanceof ObjectNode existing
                  ? existing
                  : alert.putObject("labels");
          labels.put("severity", override.getSeverity().value());
        }
      }
    }
    // The CRD refuses other keys; a hand-built object that has one must not be ignored silently.
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException(
          "spec.monitoring.alerts.rules: no alert named " + new java.util.TreeSet<>(unused));
    }
  }

  /** "10m" as "10 minutes", "1h30m" as "1 hour 30 minutes": the `for` an annotation states. */
  static String inWords(String duration) {
    Matcher m = DURATION.matcher(duration);
    if (duration.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException(
          "not a duration of hours, minutes and seconds: " + duration);
    }
    List<String> words = new ArrayList<>();
    String[] units = {"hour", "minute", "second"};
    for (int i = 0; i < units.length; i++) {
      String n = m.group(i + 1);
      if (n != null) {
        long value = Long.parseLong(n);
        words.add(value + " " + units[i] + (value == 1 ? "" : "s"));
      }
    }
    return String.join(" ", words);
  }
}
