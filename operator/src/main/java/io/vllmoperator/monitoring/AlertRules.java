package io.vllmoperator.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRuleSpec;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.desired.Names;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alert rules of one VllmDeployment: the template alerts/vllm-alerts.yaml with its placeholders
 * replaced inside every string of the parsed tree (never in the raw text, so a value can never
 * change the YAML structure). Values are escaped for where they land: Go templates in annotations
 * and labels, PromQL string literals in expressions, so no value from a spec can change a rule.
 */
public final class AlertRules {
  /** The runbooks shipped in this repository; ".md" is appended to the alert name for it. */
  public static final String DEFAULT_RUNBOOK_BASE_URL =
      "https://github.com/vllm-operator/vllm-operator/blob/main/alerts/runbooks";

  static final String RUNBOOK_PLACEHOLDER = "runbook_url";

  /** The alert's `for` in words, for the description ("for 10 minutes"). */
  static final String FOR_PLACEHOLDER = "for";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_]*)}");

  private AlertRules() {}

  /** The rule file (`groups:`) for this deployment, as promtool and Prometheus read it. */
  public static ObjectNode ruleFile(VllmDeployment vllm) {
    ObjectNode rules = MonitoringAssets.get().alertTemplate();
    AlertRuleOverrides.apply(rules, MonitoringSettings.of(vllm).alertRules());
    substitute(rules, placeholders(vllm), runbookUrl(vllm), "");
    addAlertLabels(rules, alertLabels(vllm));
    return rules;
  }

  /**
   * spec.monitoring.alerts.labels, and with alert routing also `deployment` = the VllmDeployment's
   * name, the one label its AlertmanagerConfig routes on (the vLLM-metric alerts name the
   * deployment by `job`, the GPU alerts only by `pod`). Operator-metric alerts carry it already,
   * with the same value; a user label of that name loses.
   */
  static Map<String, String> alertLabels(VllmDeployment vllm) {
    MonitoringSettings monitoring = MonitoringSettings.of(vllm);
    if (!monitoring.alertRouting()) {
      return monitoring.alertLabels();
    }
    Map<String, String> labels = new LinkedHashMap<>(monitoring.alertLabels());
    labels.put(AlertRouting.DEPLOYMENT_LABEL, Names.workload(vllm));
    return labels;
  }

  /** The same rules as the spec of a prometheus-operator PrometheusRule. */
  public static PrometheusRuleSpec spec(VllmDeployment vllm) {
    return Serialization.jsonMapper().convertValue(ruleFile(vllm), PrometheusRuleSpec.class);
  }

  static Map<String, String> placeholders(VllmDeployment vllm) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("namespace", vllm.getMetadata().getNamespace());
    values.put("name", vllm.getMetadata().getName());
    values.put("job", Names.workload(vllm));
    values.put("model", Names.servedModel(vllm));
    values.putAll(Thresholds.of(vllm).byPlaceholder());
    return values;
  }

  /** Alert name to its runbook: {@code <base>/<AlertName>}, plus ".md" for the default base. */
  static Function<String, String> runbookUrl(VllmDeployment vllm) {
    return MonitoringSettings.of(vllm)
        .runbookBaseUrl()
        .<Function<String, String>>map(base -> alert -> stripTrailingSlash(base) + "/" + alert)
        .orElse(alert -> DEFAULT_RUNBOOK_BASE_URL + "/" + alert + ".md");
  }

  /**
   * Replaces the placeholders in every string below {@code node}. Inside a rule with an `alert`,
   * `${runbook_url}` is that alert's runbook and `${for}` its `for` in words. A placeholder the
   * operator does not know, or a `${` that starts none, fails loudly: the template and this code
   * disagree.
   */
  private static void substitute(
      JsonNode node, Map<String, String> values, Function<String, String> runbook, String path) {
    if (node instanceof ObjectNode object) {
      Map<String, String> scope = values;
      JsonNode alert = object.get("alert");
      if (alert != null && alert.isTextual()) {
        scope = new HashMap<>(values);
        scope.put(RUNBOOK_PLACEHOLDER, runbook.apply(alert.asText()));
        if (object.get("for") != null) {
          scope.put(FOR_PLACEHOLDER, AlertRuleOverrides.inWords(object.get("for").asText()));
        }
      }
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        String at = path + "." + field.getKey();
        requireNoPlaceholder(field.getKey(), at);
        if (field.getValue().isTextual()) {
          field.setValue(
              new TextNode(
                  replace(field.getValue().asText(), scope, ValueContext.of(at)::escape, at)));
        } else {
          substitute(field.getValue(), scope, runbook, at);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String at = path + "[" + i + "]";
        if (array.get(i).isTextual()) {
          array.set(
              i,
              new TextNode(
                  replace(array.get(i).asText(), values, ValueContext.of(at)::escape, at)));
        } else {
          substitute(array.get(i), values, runbook, at);
        }
      }
    }
  }

  /** Where a string of the template is read, and so how a value placed in it must be escaped. */
  enum ValueContext {
    /** Annotations and labels: Prometheus expands them as Go templates. */
    GO_TEMPLATE,
    /** Expressions: the template puts values only inside PromQL double-quoted strings. */
    PROMQL_STRING,
    /** Anything else (the group name): values are Kubernetes names. */
    PLAIN;

    static ValueContext of(String path) {
      if (path.contains(".annotations.") || path.contains(".labels.")) {
        return GO_TEMPLATE;
      }
      return path.endsWith(".expr") ? PROMQL_STRING : PLAIN;
    }

    String escape(String value) {
      return switch (this) {
        // Text outside {{ }} is literal; only a "{" could start an action, so print it from one.
        case GO_TEMPLATE -> value.replace("{", "{{ \"{\" }}");
        case PROMQL_STRING -> value.replace("\\", "\\\\").replace("\"", "\\\"");
        case PLAIN -> value;
      };
    }
  }

  static String replace(String template, Map<String, String> values, String path) {
    return replace(template, values, UnaryOperator.identity(), path);
  }

  /** Escapes only the values placed: most strings of the template have no placeholder. */
  private static String replace(
      String template, Map<String, String> values, UnaryOperator<String> escape, String path) {
    if (!template.contains("${")) {
      return template;
    }
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalStateException(
            "alert template "
                + MonitoringAssets.ALERT_TEMPLATE_FILE
                + ": unknown placeholder "
                + matcher.group()
                + " at "
                + path);
      }
      requireNoPlaceholder(template.substring(last, matcher.start()), path);
      out.append(template, last, matcher.start()).append(escape.apply(value));
      last = matcher.end();
    }
    requireNoPlaceholder(template.substring(last), path);
    return out.append(template.substring(last)).toString();
  }

  private static void requireNoPlaceholder(String text, String path) {
    if (text.contains("${")) {
      throw new IllegalStateException(
          "alert template "
              + MonitoringAssets.ALERT_TEMPLATE_FILE
              + ": malformed or unreplaced placeholder at "
              + path
              + ": "
              + text.strip());
    }
  }

  /** monitoring.alerts.labels on every alert; the template's own labels (severity) win. */
  private static void addAlertLabels(ObjectNode rules, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert") && rule instanceof ObjectNode alert) {
          ObjectNode ruleLabels =
              alert.get("labels") instanceof ObjectNode existing
                  ? existing
                  : alert.putObject("labels");
          labels.forEach(
              (key, value) -> {
                if (!ruleLabels.has(key)) {
                  ruleLabels.put(key, ValueContext.GO_TEMPLATE.escape(value));
                }
              });
        }
      }
    }
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
