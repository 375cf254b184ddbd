package io.vllmoperator.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must change in the Prometheus configuration that prometheus-operator generates, so that
 * prometheus runs it as a process on this machine instead of in the Prometheus pod. Nothing else
 * changes: every scrape job, relabeling, rule file and alerting relabeling stays as generated. Each
 * change is recorded in {@link #changes()} (and listed in docs/monitoring.md).
 *
 * <p>Pod addresses: the API server refuses loopback addresses in EndpointSlices, so kwok's pods get
 * addresses of the cluster's pod CIDR (10.244.0.0/16, scripts/local-cluster) that no packet is ever
 * sent to. Each pod address a.b.c.d is answered on this machine by its loopback twin 127.T.c.d (T
 * random per test run, so concurrent runs do not collide), where the test serves that pod's fake
 * vLLM. A pod network is what a pod has and this machine lacks; the twin stands in for it, after
 * every generated relabeling, with `instance` set to the pod address first, as Prometheus would set
 * it, so every label stays what it is in a cluster. A target whose address is not a twin is
 * dropped: nothing outside the loopback range is ever scraped.
 */
final class OutsidePodConfig {
  static final Pattern POD_CIDR_ADDRESS = Pattern.compile("10\\.244\\.(\\d+)\\.(\\d+)");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private final List<String> changes = new ArrayList<>();
  private final int twinOctet;

  OutsidePodConfig(int twinOctet) {
    this.twinOctet = twinOctet;
  }

  /** The loopback address that answers for pod address {@code podIp} (10.244.c.d). */
  String twin(String podIp) {
    Matcher m = POD_CIDR_ADDRESS.matcher(podIp);
    if (!m.matches()) {
      throw new IllegalArgumentException(podIp + " is not in the cluster's pod CIDR 10.244.0.0/16");
    }
    return "127." + twinOctet + "." + m.group(1) + "." + m.group(2);
  }

  /**
   * The config-reloader sidecar's envsubst: every $(VAR) of the generated file replaced with the
   * value the StatefulSet gives the sidecar (POD_NAME, SHARD).
   */
  String substituteEnv(String generated, Map<String, String> env) {
    Matcher m = ENV_REFERENCE.matcher(generated);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("no value for $(" + m.group(1) + ") in " + env);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    changes.add("$(VAR) references replaced as the config-reloader sidecar does: " + env);
    return out.toString();
  }

  /**
   * Rewrites the parsed configuration in place.
   *
   * @param apiServer URL of the API server (in a pod: the in-cluster service from the env)
   * @param caFile the cluster CA (in a pod: the ServiceAccount's mounted ca.crt)
   * @param tokenFile a token of the Prometheus ServiceAccount (in a pod: the mounted token)
   * @param ruleDir where the rule-file ConfigMaps were written, one subdirectory per ConfigMap (in
   *     a pod: /etc/prometheus/rules)
   * @param alertmanager host:port of the Alertmanager (in a cluster: its pods, discovered)
   */
  ObjectNode rewrite(
      ObjectNode config,
      String apiServer,
      Path caFile,
      Path tokenFile,
      Path ruleDir,
      String alertmanager) {
    for (JsonNode job : config.path("scrape_configs")) {
      ObjectNode scrape = (ObjectNode) job;
      if (scrape.has("kubernetes_sd_configs")) {
        authenticate(scrape.withArray("kubernetes_sd_configs"), apiServer, caFile, tokenFile);
        ArrayNode relabelings = scrape.withArray("relabel_configs");
        twinAddress(relabelings);
      }
    }
    changes.add(
        "kubernetes_sd_configs: api_server "
            + apiServer
            + ", tls_config.ca_file and authorization.credentials_file (a token of the"
            + " Prometheus ServiceAccount) instead of the in-cluster ServiceAccount mount");
    changes.add(
        "relabel_configs of each Kubernetes-discovered job: 3 rules appended (instance = pod"
            + " address; __address__ = its loopback twin 127."
            + twinOctet
            + ".c.d; keep only twins)");

    ArrayNode rules = JSON.arrayNode();
    for (JsonNode file : config.path("rule_files")) {
      String path = file.asText();
      String prefix = "/etc/prometheus/rules/";
      if (!path.startsWith(prefix)) {
        throw new IllegalStateException("unexpected rule file path " + path);
      }
      rules.add(ruleDir.resolve(path.substring(prefix.length())).toString());
    }
    config.set("rule_files", rules);
    changes.add("rule_files: /etc/prometheus/rules/... -> " + ruleDir + "/...");

    ArrayNode alertmanagers = (ArrayNode) config.path("alerting").path("alertmanagers");
    if (alertmanagers.size() != 1) {
      throw new IllegalStateException("expected one alertmanagers entry: " + alertmanagers);
    }
    ObjectNode am = (ObjectNode) alertmanagers.get(0);
    am.remove("kubernetes_sd_configs");
    am.remove("relabel_configs");
    am.putArray("static_configs").addObject().putArray("targets").add(alertmanager);
    changes.add(
        "alerting.alertmanagers[0]: kubernetes_sd_configs and their relabel_configs (which keep"
            + " the pods of Service alertmanager-operated) replaced by static_configs "
            + alertmanager
            + " (the Alertmanager runs as a process here, not as a pod)");
    return config;
  }

  private static void authenticate(ArrayNode sdConfigs, String apiServer, Path ca, Path token) {
    for (JsonNode sd : sdConfigs) {
      ObjectNode o = (ObjectNode) sd;
      o.put("api_server", apiServer);
      o.putObject("tls_config").put("ca_file", ca.toString());
      o.putObject("authorization").put("credentials_file", token.toString());
    }
  }

  private void twinAddress(ArrayNode relabelings) {
    relabelings
        .addObject()
        .put("action", "replace")
        .put("target_label", "instance")
        .set("source_labels", JSON.arrayNode().add("__address__"));
    ObjectNode twin =
        relabelings
            .addObject()
            .put("action", "replace")
            .put("regex", POD_CIDR_ADDRESS.pattern() + ":(\\d+)")
            .put("replacement", "127." + twinOctet + ".${1}.${2}:${3}")
            .put("target_label", "__address__");
    twin.set("source_labels", JSON.arrayNode().add("__address__"));
    relabelings
        .addObject()
        .put("action", "keep")
        .put("regex", "127\\." + twinOctet + "\\.\\d+\\.\\d+:\\d+")
        .set("source_labels", JSON.arrayNode().add("__address__"));
  }

  /** What was changed, one line each. */
  List<String> changes() {
    return List.copyOf(changes);
  }
}
