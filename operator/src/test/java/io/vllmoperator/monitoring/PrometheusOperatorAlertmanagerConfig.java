package io.vllmoperator.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.AlertmanagerConfig;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.InhibitRule;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.Matcher;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.Receiver;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Alertmanager configuration prometheus-operator generates from one AlertmanagerConfig, for
 * amtool. Mirrors pkg/alertmanager/amcfg.go of prometheus-operator (v0.85):
 * ConfigBuilder.AddAlertmanagerConfigs (the config's route becomes the first child of the root,
 * with `continue: true` from continueToNextRoute), convertRoute (receiver names through
 * makeNamespacedString: `<namespace>/<name>/<receiver>`), namespaceEnforcer.processRoute and
 * processInhibitRule (a `namespace="<ns>"` matcher on the top route and on both sides of every
 * inhibit rule), convertMatchersV2 and Matcher.String (`name<op>"value"`).
 *
 * <p>prometheus-operator reads the referenced Secret keys; this test has no Secrets, so each
 * credential becomes a placeholder naming its reference. Only the receiver kinds the operator
 * creates (webhook, pagerduty, slack) are converted.
 */
final class PrometheusOperatorAlertmanagerConfig {
  /** The root route's receiver: what matches no AlertmanagerConfig. */
  static final String ROOT_RECEIVER = "root-default";

  private static final ObjectMapper JSON = new ObjectMapper();

  private PrometheusOperatorAlertmanagerConfig() {}

  static Map<String, Object> generate(AlertmanagerConfig amcfg) {
    String namespace = amcfg.getMetadata().getNamespace();
    String prefix = namespace + "/" + amcfg.getMetadata().getName() + "/";

    Map<String, Object> top = route(amcfg.getSpec().getRoute(), prefix);
    @SuppressWarnings("unchecked")
    List<String> topMatchers =
        (List<String>) top.computeIfAbsent("matchers", k -> new ArrayList<String>());
    topMatchers.add(matcher("namespace", "=", namespace));
    top.put("continue", true);

    List<Map<String, Object>> receivers = new ArrayList<>();
    receivers.add(Map.of("name", ROOT_RECEIVER));
    for (Receiver r : amcfg.getSpec().getReceivers()) {
      receivers.add(receiver(r, prefix));
    }

    List<Map<String, Object>> inhibitRules = new ArrayList<>();
    for (InhibitRule rule : amcfg.getSpec().getInhibitRules()) {
      Map<String, Object> out = new LinkedHashMap<>();
      List<String> source = matchers(rule.getSourceMatch());
      source.add(matcher("namespace", "=", namespace));
      List<String> target = matchers(rule.getTargetMatch());
      target.add(matcher("namespace", "=", namespace));
      out.put("source_matchers", source);
      out.put("target_matchers", target);
      out.put("equal", rule.getEqual());
      inhibitRules.add(out);
    }

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("route", Map.of("receiver", ROOT_RECEIVER, "routes", List.of(top)));
    config.put("receivers", receivers);
    config.put("inhibit_rules", inhibitRules);
    return config;
  }

  private static Map<String, Object> route(Route in, String prefix) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (in.getReceiver() != null && !in.getReceiver().isEmpty()) {
      out.put("receiver", prefix + in.getReceiver());
    }
    if (in.getGroupBy() != null) {
      out.put("group_by", in.getGroupBy());
    }
    List<String> matchers = matchers(in.getMatchers());
    if (!matchers.isEmpty()) {
      out.put("matchers", matchers);
    }
    if (Boolean.TRUE.equals(in.getContinue())) {
      out.put("continue", true);
    }
    putIfSet(out, "group_wait", in.getGroupWait());
    putIfSet(out, "group_interval", in.getGroupInterval());
    putIfSet(out, "repeat_interval", in.getRepeatInterval());
    if (in.getRoutes() != null && !in.getRoutes().isEmpty()) {
      List<Map<String, Object>> children = new ArrayList<>();
      for (JsonNode child : in.getRoutes()) {
        children.add(route(JSON.convertValue(child, Route.class), prefix));
      }
      out.put("routes", children);
    }
    return out;
  }

  private static Map<String, Object> receiver(Receiver in, String prefix) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", prefix + in.getName());
    if (in.getWebhookConfigs() != null) {
      out.put(
          "webhook_configs",
          in.getWebhookConfigs().stream()
              .map(
                  c ->
                      Map.of(
                          "url",
                          "https://webhook.invalid/" + placeholder(c.getUrlSecret()),
                          "send_resolved",
                          Boolean.TRUE.equals(c.getSendResolved())))
              .toList());
    }
    if (in.getPagerdutyConfigs() != null) {
      out.put(
          "pagerduty_configs",
          in.getPagerdutyConfigs().stream()
              .map(
                  c ->
                      Map.of(
                          "routing_key",
                          placeholder(c.getRoutingKey()),
                          "send_resolved",
                          Boolean.TRUE.equals(c.getSendResolved())))
              .toList());
    }
    if (in.getSlackConfigs() != null) {
      out.put(
          "slack_configs",
          in.getSlackConfigs().stream()
              .map(
                  c -> {
                    Map<String, Object> slack = new LinkedHashMap<>();
                    slack.put("api_url", "https://slack.invalid/" + placeholder(c.getApiURL()));
                    putIfSet(slack, "channel", c.getChannel());
                    slack.put("send_resolved", Boolean.TRUE.equals(c.getSendResolved()));
                    return slack;
                  })
              .toList());
    }
    return out;
  }

  private static List<String> matchers(List<Matcher> in) {
    List<String> out = new ArrayList<>();
    if (in != null) {
      for (Matcher m : in) {
        if (m.getMatchType() == null || m.getMatchType().isEmpty()) {
          throw new IllegalArgumentException("only matchType matchers are converted: " + m);
        }
        out.add(matcher(m.getName(), m.getMatchType(), m.getValue()));
      }
    }
    return out;
  }

  /** Matcher.String with openMetricsEscape. */
  private static String matcher(String name, String op, String value) {
    String v = value == null ? "" : value;
    v = v.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
    return name + op + "\"" + v + "\"";
  }

  private static String placeholder(SecretKeySelector ref) {
    return "secret-" + ref.getName() + "-" + ref.getKey();
  }

  private static void putIfSet(Map<String, Object> out, String key, String value) {
    if (value != null && !value.isEmpty()) {
      out.put(key, value);
    }
  }
}
