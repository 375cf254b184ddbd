package io.vllmoperator.monitoring;

import static io.vllmoperator.monitoring.AlloyWriter.attr;
import static io.vllmoperator.monitoring.AlloyWriter.block;
import static io.vllmoperator.monitoring.AlloyWriter.list;
import static io.vllmoperator.monitoring.AlloyWriter.ref;
import static io.vllmoperator.monitoring.AlloyWriter.strings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.Names;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Log shipping for the pods of one VllmDeployment: a Promtail scrape config and the equivalent
 * Grafana Alloy pipeline (Promtail reached end of life on 2026-03-02). Both tail the CRI log files
 * under /var/log/pods on each node (run them as a DaemonSet), keep only this deployment's pods and
 * send lines labelled namespace, pod, container, deployment, model and level: bounded values only,
 * never request ids.
 *
 * <p>vLLM text lines give level and source file; the periodic stats line gives throughput, queue
 * and KV-cache fields; lines that start with "{" (vLLM's JSON logging) are parsed as JSON. The
 * source file and the stats fields travel as Loki structured metadata, not as labels.
 */
public final class LogShippingConfigs {
  /**
   * vLLM's text line: optional process tag, level, "MM-DD hh:mm:ss", [file:line], message (RE2).
   */
  public static final String VLLM_LINE_REGEX =
      "(?:\\(\\w+ pid=\\d+\\) )?(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL)"
          + " (?P<ts>\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) \\[(?P<source>[^\\]]+)\\] (?P<message>.*)";

  /**
   * Fields of the stats line ("Avg prompt throughput: ... GPU KV cache usage: 4.1%, ..."), one
   * regex each, so that a field vLLM adds, drops or moves never stops the others from parsing.
   */
  public static final Map<String, String> STATS_FIELD_REGEXES = statsFieldRegexes();

  /** A JSON log line starts with "{". */
  static final String JSON_LINE_REGEX = "^\\{";

  /** Marks the stats line. */
  public static final String STATS_MARKER = "Avg prompt throughput";

  /** JSON log lines (VLLM_LOGGING_CONFIG_PATH or --logging-config.formatter json) → fields. */
  public static final Map<String, String> JSON_FIELDS =
      orderedMap("level", "levelname", "source", "name", "message", "message");

  /** Labels the shipped lines carry; a unit test checks that nothing else is ever a label. */
  public static final List<String> LABELS =
      List.of("namespace", "pod", "container", "deployment", "model", "level");

  /** Labels Promtail/Alloy add by themselves that are not in {@link #LABELS}. */
  static final List<String> DROPPED_LABELS = List.of("filename", "stream");

  public static final String POD_LOG_PATH = "/var/log/pods/*$1/*.log";

  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .build());

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private LogShippingConfigs() {}

  /** ConfigMap data key of the Promtail fragment; unique per deployment (see docs). */
  public static String promtailKey(VllmDeployment vllm) {
    return prefix(vllm) + "promtail.yaml";
  }

  /** ConfigMap data key of the Alloy fragment; `alloy run <dir>` loads every *.alloy file. */
  public static String alloyKey(VllmDeployment vllm) {
    return prefix(vllm) + "alloy";
  }

  /** The Promtail fragment: {@code scrape_configs:} with one job for this deployment. */
  public static String promtail(VllmDeployment vllm) {
    return promtailYaml(promtailTree(vllm));
  }

  /** A Promtail config tree as YAML, as every Promtail file the operator writes is written. */
  static String promtailYaml(JsonNode config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the Promtail config", e);
    }
  }

  static ObjectNode promtailTree(VllmDeployment vllm) {
    String namespace = vllm.getMetadata().getNamespace();
    String name = vllm.getMetadata().getName();

    ObjectNode job = NODES.objectNode();
    job.put("job_name", "vllm-operator/" + namespace + "/" + name);
    ObjectNode sd = job.putArray("kubernetes_sd_configs").addObject();
    sd.put("role", "pod");
    sd.putObject("namespaces").putArray("names").add(namespace);
    sd.putArray("selectors").addObject().put("role", "pod").put("label", podSelector(vllm));

    ArrayNode relabel = job.putArray("relabel_configs");
    keep(relabel, "__meta_kubernetes_namespace", namespace);
    keep(relabel, "__meta_kubernetes_pod_label_app_kubernetes_io_instance", name);
    // Promtail tails only targets whose __host__ is the node it runs on.
    copy(relabel, "__meta_kubernetes_pod_node_name", "__host__");
    targetLabels(vllm)
        .forEach(
            (label, source) -> {
              if (source.startsWith("__meta_")) {
                copy(relabel, source, label);
              } else {
                relabel
                    .addObject()
                    .put("target_label", label)
                    .put("replacement", relabelReplacement(source));
              }
            });
    ObjectNode path = relabel.addObject();
    path.putArray("source_labels")
        .add("__meta_kubernetes_pod_uid")
        .add("__meta_kubernetes_pod_container_name");
    path.put("separator", "/").put("target_label", "__path__").put("replacement", POD_LOG_PATH);

    ArrayNode stages = job.putArray("pipeline_stages");
    stages.addObject().putObject("cri");
    ArrayNode json = match(stages, jsonSelector(vllm));
    json.addObject().putObject("json").set("expressions", stringMap(JSON_FIELDS));
    ArrayNode text = match(stages, textSelector(vllm));
    text.addObject().putObject("regex").put("expression", VLLM_LINE_REGEX);
    ArrayNode stats = match(stages, statsSelector(vllm));
    STATS_FIELD_REGEXES
        .values()
        .forEach(
            regex ->
                stats
                    .addObject()
                    .putObject("regex")
                    .put("source", "message")
                    .put("expression", regex));
    stages.addObject().putObject("labels").put("level", "");
    ObjectNode metadata = stages.addObject().putObject("structured_metadata");
    structuredMetadata().forEach(key -> metadata.put(key, ""));
    ArrayNode drop = stages.addObject().putArray("labeldrop");
    DROPPED_LABELS.forEach(drop::add);

    ObjectNode root = NODES.objectNode();
    root.putArray("scrape_configs").add(job);
    return root;
  }

  /** The same pipeline for Grafana Alloy; it sends to {@code loki.write.default}. */
  public static String alloy(VllmDeployment vllm) {
    String namespace = vllm.getMetadata().getNamespace();
    String name = vllm.getMetadata().getName();
    String id = alloyLabel(vllm);

    List<AlloyWriter.Statement> rules = new ArrayList<>();
    rules.add(keepRule("__meta_kubernetes_namespace", namespace));
    rules.add(keepRule("__meta_kubernetes_pod_label_app_kubernetes_io_instance", name));
    targetLabels(vllm)
        .forEach(
            (label, source) ->
                rules.add(
                    source.startsWith("__meta_")
                        ? block(
                            "rule",
                            attr("source_labels", strings(List.of(source))),
                            attr("target_label", label))
                        : block(
                            "rule",
                            attr("target_label", label),
                            attr("replacement", relabelReplacement(source)))));
    rules.add(
        block(
            "rule",
            attr(
                "source_labels",
                strings(
                    List.of("__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"))),
            attr("separator", "/"),
            attr("target_label", "__path__"),
            attr("replacement", POD_LOG_PATH)));
    List<AlloyWriter.Statement> relabel = new ArrayList<>();
    relabel.add(attr("targets", ref("discovery", "kubernetes", id, "targets")));
    relabel.addAll(rules);

    List<AlloyWriter.Statement> process = new ArrayList<>();
    process.add(attr("forward_to", list(ref("loki", "write", "default", "receiver"))));
    process.add(block("stage.cri"));
    process.add(
        block(
            "stage.match",
            attr("selector", jsonSelector(vllm)),
            block("stage.json", attr("expressions", AlloyWriter.object(JSON_FIELDS)))));
    process.add(
        block(
            "stage.match",
            attr("selector", textSelector(vllm)),
            block("stage.regex", attr("expression", VLLM_LINE_REGEX))));
    List<AlloyWriter.Statement> stats = new ArrayList<>();
    stats.add(attr("selector", statsSelector(vllm)));
    STATS_FIELD_REGEXES
        .values()
        .forEach(
            regex ->
                stats.add(
                    block("stage.regex", attr("source", "message"), attr("expression", regex))));
    process.add(new AlloyWriter.Block("stage.match", null, stats));
    process.add(block("stage.labels", attr("values", AlloyWriter.object(Map.of("level", "")))));
    process.add(
        block(
            "stage.structured_metadata",
            attr(
                "values",
                AlloyWriter.object(
                    structuredMetadata().stream()
                        .collect(
                            Collectors.toMap(k -> k, k -> "", (a, b) -> a, LinkedHashMap::new))))));
    process.add(block("stage.label_drop", attr("values", strings(DROPPED_LABELS))));

    return AlloyWriter.write(
        List.of(
            new AlloyWriter.Comment(
                "Logs of VllmDeployment "
                    + namespace
                    + "/"
                    + name
                    + ", generated by vllm-operator. Load it together with the other"),
            new AlloyWriter.Comment(
                "*.alloy files of its directory (alloy run <dir>); that directory must define"),
            new AlloyWriter.Comment("loki.write \"default\" once."),
            block(
                "discovery.kubernetes",
                id,
                attr("role", "pod"),
                block("namespaces", attr("names", strings(List.of(namespace)))),
                block("selectors", attr("role", "pod"), attr("label", podSelector(vllm)))),
            new AlloyWriter.Block("discovery.relabel", id, relabel),
            block(
                "local.file_match",
                id,
                attr("path_targets", ref("discovery", "relabel", id, "output"))),
            block(
                "loki.source.file",
                id,
                attr("targets", ref("local", "file_match", id, "targets")),
                attr("forward_to", list(ref("loki", "process", id, "receiver")))),
            new AlloyWriter.Block("loki.process", id, process)));
  }

  /** Component label: unique per deployment across all files of an Alloy config directory. */
  static String alloyLabel(VllmDeployment vllm) {
    String namespace = vllm.getMetadata().getNamespace();
    String name = vllm.getMetadata().getName();
    return "vllm_"
        + (namespace + "_" + name).replaceAll("[^A-Za-z0-9_]", "_")
        + "_"
        + ShortHash.of(namespace + "/" + name, 6);
  }

  /** Target label → the discovery label it comes from, or (no "__meta_" prefix) a fixed value. */
  private static Map<String, String> targetLabels(VllmDeployment vllm) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("namespace", "__meta_kubernetes_namespace");
    labels.put("pod", "__meta_kubernetes_pod_name");
    labels.put("container", "__meta_kubernetes_pod_container_name");
    labels.put("deployment", vllm.getMetadata().getName());
    labels.put("model", Names.servedModel(vllm));
    return labels;
  }

  private static List<String> structuredMetadata() {
    List<String> keys = new ArrayList<>();
    keys.add("source");
    keys.addAll(STATS_FIELD_REGEXES.keySet());
    return keys;
  }

  private static String podSelector(VllmDeployment vllm) {
    return Labels.selector(vllm).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static String streamSelector(VllmDeployment vllm) {
    return "{deployment=" + logqlString(vllm.getMetadata().getName()) + "}";
  }

  static String jsonSelector(VllmDeployment vllm) {
    return streamSelector(vllm) + " |~ " + logqlString(JSON_LINE_REGEX);
  }

  static String textSelector(VllmDeployment vllm) {
    return streamSelector(vllm) + " !~ " + logqlString(JSON_LINE_REGEX);
  }

  static String statsSelector(VllmDeployment vllm) {
    return streamSelector(vllm) + " |= " + logqlString(STATS_MARKER);
  }

  private static String logqlString(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** A relabel replacement is expanded ($1, ${name}); a literal "$" must be written "$$". */
  private static String relabelReplacement(String literal) {
    return literal.replace("$", "$$");
  }

  /** Relabel regexes are anchored RE2; quote the value so it only matches itself. */
  private static String regexLiteral(String value) {
    return value.replaceAll("([\\\\.+*?()|\\[\\]{}^$])", "\\\\$1");
  }

  private static void keep(ArrayNode relabel, String sourceLabel, String value) {
    ObjectNode rule = relabel.addObject();
    rule.putArray("source_labels").add(sourceLabel);
    rule.put("regex", regexLiteral(value)).put("action", "keep");
  }

  private static AlloyWriter.Block keepRule(String sourceLabel, String value) {
    return block(
        "rule",
        attr("source_labels", strings(List.of(sourceLabel))),
        attr("regex", regexLiteral(value)),
        attr("action", "keep"));
  }

  private static void copy(ArrayNode relabel, String sourceLabel, String targetLabel) {
    ObjectNode rule = relabel.addObject();
    rule.putArray("source_labels").add(sourceLabel);
    rule.put("target_label", targetLabel);
  }

  /** Adds a match stage; returns its (empty) list of stages. */
  private static ArrayNode match(ArrayNode stages, String selector) {
    ObjectNode match = stages.addObject().putObject("match");
    match.put("selector", selector);
    return match.putArray("stages");
  }

  private static ObjectNode stringMap(Map<String, String> values) {
    ObjectNode node = NODES.objectNode();
    values.forEach(node::put);
    return node;
  }

  private static String prefix(VllmDeployment vllm) {
    return vllm.getMetadata().getNamespace() + "." + vllm.getMetadata().getName() + ".";
  }

  private static Map<String, String> statsFieldRegexes() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(
        "prompt_throughput", "Avg prompt throughput: (?P<prompt_throughput>[0-9.]+) tokens/s");
    fields.put(
        "generation_throughput",
        "Avg generation throughput: (?P<generation_throughput>[0-9.]+) tokens/s");
    fields.put("running", "Running: (?P<running>[0-9]+) reqs");
    fields.put("waiting", "Waiting: (?P<waiting>[0-9]+) reqs");
    fields.put("preemptions", "Preemptions: (?P<preemptions>[0-9]+)");
    fields.put("kv_cache_usage", "GPU KV cache usage: (?P<kv_cache_usage>[0-9.]+)%");
    fields.put(
        "prefix_cache_hit_rate", "Prefix cache hit rate: (?P<prefix_cache_hit_rate>[0-9.]+)%");
    return Collections.unmodifiableMap(fields);
  }

  private static Map<String, String> orderedMap(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
