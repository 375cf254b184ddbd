package io.vllmoperator.monitoring;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogShippingConfigsTest {
  private static final VllmDeployment LLAMA =
      vllm("llama-8b", "model: {name: m, servedName: llama-chat}");

  /** Sample lines of vLLM 0.11 (../shared/reference/vllm-monitoring.md §3). */
  private static final String STATS_LINE =
      "(APIServer pid=158) INFO 09-02 13:08:10 [loggers.py:123] Engine 000: Avg prompt"
          + " throughput: 0.0 tokens/s, Avg generation throughput: 238.7 tokens/s, Running: 10"
          + " reqs, Waiting: 0 reqs, GPU KV cache usage: 4.1%, Prefix cache hit rate: 53.7%";

  private static final String NEWER_STATS_MESSAGE =
      "Engine 000: Avg prompt throughput: 12.5 tokens/s, Avg generation throughput: 80.0"
          + " tokens/s, Running: 3 reqs, Waiting: 1 reqs, Preemptions: 2, GPU KV cache usage:"
          + " 90.0%, Prefix cache hit rate: 10.0%, External prefix cache hit rate: 5.0%";

  // ---------------------------------------------------------------- Promtail

  /** Keys the Promtail configuration reference documents, per object (the subset we may use). */
  private static final Map<String, Set<String>> PROMTAIL_SCHEMA =
      Map.of(
          "root",
              Set.of(
                  "server",
                  "clients",
                  "positions",
                  "scrape_configs",
                  "limits_config",
                  "target_config",
                  "options",
                  "tracing"),
          "scrape_config",
              Set.of(
                  "job_name",
                  "encoding",
                  "decompression",
                  "pipeline_stages",
                  "static_configs",
                  "file_sd_configs",
                  "kubernetes_sd_configs",
                  "consul_sd_configs",
                  "docker_sd_configs",
                  "relabel_configs",
                  "journal",
                  "syslog",
                  "loki_push_api",
                  "windows_events",
                  "kafka",
                  "gelf",
                  "cloudflare",
                  "heroku_drain",
                  "gcplog",
                  "azure_event_hubs"),
          "kubernetes_sd_config",
              Set.of(
                  "api_server",
                  "role",
                  "kubeconfig_file",
                  "namespaces",
                  "selectors",
                  "attach_metadata",
                  "basic_auth",
                  "authorization",
                  "oauth2",
                  "tls_config",
                  "proxy_url",
                  "follow_redirects",
                  "enable_http2"),
          "namespaces", Set.of("own_namespace", "names"),
          "selector", Set.of("role", "label", "field"),
          "relabel_config",
              Set.of(
                  "source_labels",
                  "separator",
                  "regex",
                  "modulus",
                  "target_label",
                  "replacement",
                  "action"),
          "match", Set.of("selector", "pipeline_name", "action", "drop_counter_reason", "stages"),
          "regex", Set.of("expression", "source"),
          "json", Set.of("expressions", "source", "drop_malformed"),
          "cri",
              Set.of(
                  "max_partial_lines", "max_partial_line_size", "max_partial_line_size_truncate"));

  private static final Set<String> PROMTAIL_STAGES =
      Set.of(
          "docker",
          "cri",
          "regex",
          "json",
          "logfmt",
          "replace",
          "multiline",
          "decolorize",
          "template",
          "pack",
          "match",
          "timestamp",
          "output",
          "labels",
          "labelallow",
          "labeldrop",
          "static_labels",
          "structured_metadata",
          "metrics",
          "tenant",
          "drop",
          "limit",
          "sampling",
          "geoip",
          "eventlogmessage");

  private static final Set<String> RELABEL_ACTIONS =
      Set.of(
          "replace",
          "keep",
          "drop",
          "hashmod",
          "labelmap",
          "labeldrop",
          "labelkeep",
          "lowercase",
          "uppercase",
          "keepequal",
          "dropequal");

  /**
   * LogQL stream selector with one matcher and an optional line filter. Double-quoted strings only:
   * Promtail 3.5's match stage refuses backtick strings (found with promtail -dry-run).
   */
  private static final Pattern SELECTOR =
      Pattern.compile(
          "\\{[a-z_]+=\"(?:[^\"\\\\]|\\\\.)*\"}( (\\|=|!=|\\|~|!~) (\"(?:[^\"\\\\]|\\\\.)*\"))?");

  @Test
  void promtailConfigFollowsTheDocumentedSchema() throws Exception {
    JsonNode root = new YAMLMapper().readTree(LogShippingConfigs.promtail(LLAMA));

    assertKeys(root, "root");
    assertThat(root.path("scrape_configs")).hasSize(1);
    JsonNode job = root.path("scrape_configs").get(0);
    assertKeys(job, "scrape_config");
    assertThat(job.path("job_name").asText()).isEqualTo("vllm-operator/llm/llama-8b");
    for (JsonNode sd : job.path("kubernetes_sd_configs")) {
      assertKeys(sd, "kubernetes_sd_config");
      assertThat(sd.path("role").asText()).isEqualTo("pod");
      assertKeys(sd.path("namespaces"), "namespaces");
      sd.path("selectors").forEach(s -> assertKeys(s, "selector"));
    }
    for (JsonNode rule : job.path("relabel_configs")) {
      assertKeys(rule, "relabel_config");
      assertThat(rule.path("action").asText("replace")).isIn(RELABEL_ACTIONS);
      Pattern.compile(rule.path("regex").asText("(.*)"));
    }
    assertStages(job.path("pipeline_stages"));
  }

  @Test
  void promtailKeepsOnlyThisDeploymentsPodsAndTailsTheirLogFilesOnTheirNode() throws Exception {
    JsonNode job = promtailJob(LLAMA);
    var sd = job.path("kubernetes_sd_configs").get(0);

    assertThat(sd.path("namespaces").path("names"))
        .extracting(JsonNode::asText)
        .containsExactly("llm");
    assertThat(sd.path("selectors").get(0).path("label").asText())
        .isEqualTo("app.kubernetes.io/name=vllm,app.kubernetes.io/instance=llama-8b");
    Map<String, Map<String, String>> relabel = relabelBySource(job.path("relabel_configs"));
    assertThat(relabel.get("__meta_kubernetes_namespace|keep").get("regex")).isEqualTo("llm");
    assertThat(
            relabel.get("__meta_kubernetes_pod_label_app_kubernetes_io_instance|keep").get("regex"))
        .isEqualTo("llama-8b");
    assertThat(relabel.get("__meta_kubernetes_pod_node_name|replace").get("target_label"))
        .isEqualTo("__host__");
    var path =
        relabel.get("__meta_kubernetes_pod_uid,__meta_kubernetes_pod_container_name|replace");
    assertThat(path).containsEntry("target_label", "__path__").containsEntry("separator", "/");
    assertThat(path.get("replacement")).isEqualTo("/var/log/pods/*$1/*.log");
    // kubelet's layout: /var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log
    String file = "/var/log/pods/llm_llama-8b-7d4b9c6f5-abcde_3f0c6a0e-5a52/vllm/0.log";
    String glob = path.get("replacement").replace("$1", "3f0c6a0e-5a52/vllm");
    assertThat(
            java.nio.file.FileSystems.getDefault()
                .getPathMatcher("glob:" + glob)
                .matches(java.nio.file.Path.of(file)))
        .isTrue();
  }

  @Test
  void linesCarryOnlyBoundedLabelsNeverRequestIds() throws Exception {
    JsonNode job = promtailJob(LLAMA);
    Set<String> labels = new TreeSet<>();
    for (JsonNode rule : job.path("relabel_configs")) {
      String target = rule.path("target_label").asText();
      if (!target.isEmpty() && !target.startsWith("__")) {
        labels.add(target);
      }
    }
    Set<String> dropped = new HashSet<>();
    for (JsonNode stage : job.path("pipeline_stages")) {
      stage.path("labels").fieldNames().forEachRemaining(labels::add);
      stage.path("static_labels").fieldNames().forEachRemaining(labels::add);
      stage.path("labeldrop").forEach(l -> dropped.add(l.asText()));
    }

    assertThat(labels).containsExactlyInAnyOrderElementsOf(LogShippingConfigs.LABELS);
    assertThat(dropped).contains("filename", "stream");
    Map<String, Map<String, String>> relabel = relabelByTarget(job.path("relabel_configs"));
    assertThat(relabel.get("deployment").get("replacement")).isEqualTo("llama-8b");
    assertThat(relabel.get("model").get("replacement")).isEqualTo("llama-chat");
  }

  @Test
  void vllmTextLinesGiveLevelSourceAndMessage() {
    Matcher prefixed = java(LogShippingConfigs.VLLM_LINE_REGEX).matcher(STATS_LINE);
    Matcher plain =
        java(LogShippingConfigs.VLLM_LINE_REGEX)
            .matcher("WARNING 11-23 10:00:00 [scheduler.py:88] Sequence group 7 is preempted");
    Matcher request =
        java(LogShippingConfigs.VLLM_LINE_REGEX)
            .matcher(
                "(APIServer pid=158) INFO 09-02 13:08:10 [logger.py:43] Received request"
                    + " chatcmpl-5f1c0e7a9b2d: prompt: 'hello'");

    assertThat(prefixed.find()).isTrue();
    assertThat(prefixed.group("level")).isEqualTo("INFO");
    assertThat(prefixed.group("source")).isEqualTo("loggers.py:123");
    assertThat(prefixed.group("message")).startsWith("Engine 000: Avg prompt throughput");
    assertThat(plain.find()).isTrue();
    assertThat(plain.group("level")).isEqualTo("WARNING");
    assertThat(plain.group("source")).isEqualTo("scheduler.py:88");
    assertThat(request.find()).isTrue();
    assertThat(request.group("message")).contains("chatcmpl-5f1c0e7a9b2d");
  }

  @Test
  void theStatsLineIsParsedIntoFieldsWhateverFieldsThisVllmVersionPrints() {
    Matcher line = java(LogShippingConfigs.VLLM_LINE_REGEX).matcher(STATS_LINE);
    assertThat(line.find()).isTrue();

    assertThat(stats(line.group("message")))
        .containsExactly(
            Map.entry("prompt_throughput", "0.0"),
            Map.entry("generation_throughput", "238.7"),
            Map.entry("running", "10"),
            Map.entry("waiting", "0"),
            Map.entry("kv_cache_usage", "4.1"),
            Map.entry("prefix_cache_hit_rate", "53.7"));
    assertThat(stats(NEWER_STATS_MESSAGE))
        .containsEntry("preemptions", "2")
        .containsEntry("kv_cache_usage", "90.0")
        .containsEntry("prefix_cache_hit_rate", "10.0");
    assertThat(STATS_LINE).contains(LogShippingConfigs.STATS_MARKER);
  }

  @Test
  void jsonLinesAreParsedAsJsonAndTextLinesWithTheRegex() throws Exception {
    JsonNode stages = promtailJob(LLAMA).path("pipeline_stages");
    String json =
        "{\"asctime\": \"2026-11-23 10:00:00\", \"levelname\": \"ERROR\", \"name\": \"vllm.engine\", \"message\": \"boom\"}";
    List<String> matched = new ArrayList<>();
    for (JsonNode stage : stages) {
      if (stage.has("match")) {
        String selector = stage.path("match").path("selector").asText();
        Matcher m = SELECTOR.matcher(selector);
        assertThat(m.matches()).as(selector).isTrue();
        if (lineFilterMatches(selector, json)) {
          stage.path("match").path("stages").forEach(s -> matched.add(s.fieldNames().next()));
        }
      }
    }

    assertThat(matched).containsExactly("json");
    JsonNode jsonStage = stages.findValue("json");
    assertThat(jsonStage.path("expressions").path("level").asText()).isEqualTo("levelname");
    assertThat(lineFilterMatches(LogShippingConfigs.textSelector(LLAMA), STATS_LINE)).isTrue();
    assertThat(lineFilterMatches(LogShippingConfigs.jsonSelector(LLAMA), STATS_LINE)).isFalse();
    assertThat(lineFilterMatches(LogShippingConfigs.statsSelector(LLAMA), STATS_LINE)).isTrue();
  }

  // ---------------------------------------------------------------- Alloy

  /** Components and blocks of the Alloy reference the fragment may use, with their arguments. */
  private static final Map<String, Set<String>> ALLOY_SCHEMA =
      Map.ofEntries(
          Map.entry(
              "discovery.kubernetes",
              Set.of(
                  "api_server",
                  "role",
                  "kubeconfig_file",
                  "bearer_token_file",
                  "proxy_url",
                  "follow_redirects",
                  "enable_http2")),
          Map.entry("discovery.kubernetes/namespaces", Set.of("own_namespace", "names")),
          Map.entry("discovery.kubernetes/selectors", Set.of("role", "label", "field")),
          Map.entry("discovery.relabel", Set.of("targets")),
          Map.entry(
              "discovery.relabel/rule",
              Set.of(
                  "source_labels",
                  "separator",
                  "regex",
                  "modulus",
                  "target_label",
                  "replacement",
                  "action")),
          Map.entry("local.file_match", Set.of("path_targets", "sync_period", "ignore_older_than")),
          Map.entry(
              "loki.source.file",
              Set.of(
                  "targets", "forward_to", "encoding", "tail_from_end", "legacy_positions_file")),
          Map.entry("loki.process", Set.of("forward_to")),
          Map.entry(
              "stage.cri",
              Set.of(
                  "max_partial_lines", "max_partial_line_size", "max_partial_line_size_truncate")),
          Map.entry(
              "stage.match", Set.of("selector", "pipeline_name", "action", "drop_counter_reason")),
          Map.entry("stage.json", Set.of("expressions", "source", "drop_malformed")),
          Map.entry("stage.regex", Set.of("expression", "source", "labels_from_groups")),
          Map.entry("stage.labels", Set.of("values")),
          Map.entry("stage.structured_metadata", Set.of("values")),
          Map.entry("stage.label_drop", Set.of("values")));

  @Test
  void alloyConfigParsesAndUsesOnlyDocumentedComponentsAndArguments() {
    List<AlloyParser.Block> components = AlloyParser.parse(LogShippingConfigs.alloy(LLAMA));

    assertThat(components)
        .extracting(AlloyParser.Block::name)
        .containsExactly(
            "discovery.kubernetes",
            "discovery.relabel",
            "local.file_match",
            "loki.source.file",
            "loki.process");
    Set<String> defined = new HashSet<>();
    for (AlloyParser.Block component : components) {
      assertThat(component.label()).isEqualTo(LogShippingConfigs.alloyLabel(LLAMA));
      assertThat(defined.add(component.name() + "." + component.label())).isTrue();
      assertArguments(component.name(), component);
      for (AlloyParser.Block inner : component.blocks()) {
        String key =
            inner.name().startsWith("stage.")
                ? inner.name()
                : component.name() + "/" + inner.name();
        assertArguments(key, inner);
        inner.blocks().forEach(stage -> assertArguments(stage.name(), stage));
      }
    }
    // References point at components of this file, except the documented loki.write "default".
    for (String ref : references(components)) {
      String component = ref.substring(0, ref.lastIndexOf('.'));
      assertThat(defined.contains(component) || component.equals("loki.write.default"))
          .as(ref)
          .isTrue();
    }
  }

  @Test
  void alloyDoesWhatPromtailDoes() throws Exception {
    JsonNode promtail = promtailJob(LLAMA);
    List<AlloyParser.Block> alloy = AlloyParser.parse(LogShippingConfigs.alloy(LLAMA));
    AlloyParser.Block relabel = alloy.get(1);
    AlloyParser.Block process = alloy.get(4);

    List<Map<String, String>> promtailRules = new ArrayList<>();
    for (JsonNode rule : promtail.path("relabel_configs")) {
      if (!"__host__".equals(rule.path("target_label").asText())) {
        promtailRules.add(flatten(rule));
      }
    }
    List<Map<String, String>> alloyRules = new ArrayList<>();
    relabel.blocks("rule").forEach(r -> alloyRules.add(flatten(r.attributes())));
    assertThat(alloyRules).isEqualTo(promtailRules);

    List<String> promtailSelectors = new ArrayList<>();
    List<String> promtailRegexes = new ArrayList<>();
    promtail.findValues("selector").forEach(s -> promtailSelectors.add(s.asText()));
    promtail.findValues("expression").forEach(s -> promtailRegexes.add(s.asText()));
    List<String> alloySelectors = new ArrayList<>();
    List<String> alloyRegexes = new ArrayList<>();
    for (AlloyParser.Block match : process.blocks("stage.match")) {
      alloySelectors.add((String) match.attributes().get("selector"));
      match
          .blocks("stage.regex")
          .forEach(r -> alloyRegexes.add((String) r.attributes().get("expression")));
    }
    assertThat(alloySelectors).isEqualTo(promtailSelectors);
    assertThat(alloyRegexes).isEqualTo(promtailRegexes);
    assertThat(process.blocks("stage.labels").get(0).attributes().get("values"))
        .isEqualTo(Map.of("level", ""));
    Map<?, ?> metadata =
        (Map<?, ?>) process.blocks("stage.structured_metadata").get(0).attributes().get("values");
    assertThat(new ArrayList<Object>(metadata.keySet()))
        .isEqualTo(
            new ArrayList<Object>(
                iterable(promtail.findValue("structured_metadata").fieldNames())));
    assertThat(process.blocks("stage.label_drop").get(0).attributes().get("values"))
        .isEqualTo(List.of("filename", "stream"));
  }

  @Test
  void alloyComponentLabelsAreUniquePerDeployment() {
    Set<String> labels = new HashSet<>();
    labels.add(LogShippingConfigs.alloyLabel(LLAMA));
    labels.add(LogShippingConfigs.alloyLabel(vllm("llama-8b-v2", "model: {name: m}")));
    var otherNamespace = vllm("llama-8b", "model: {name: m}");
    otherNamespace.getMetadata().setNamespace("llm-8b");
    labels.add(LogShippingConfigs.alloyLabel(otherNamespace));
    var dashed = vllm("a-b", "model: {name: m}");
    dashed.getMetadata().setNamespace("x");
    var dashedNamespace = vllm("b", "model: {name: m}");
    dashedNamespace.getMetadata().setNamespace("x-a");
    labels.add(LogShippingConfigs.alloyLabel(dashed));
    labels.add(LogShippingConfigs.alloyLabel(dashedNamespace));

    assertThat(labels).hasSize(5).allMatch(l -> l.matches("[A-Za-z_][A-Za-z0-9_]*"));
  }

  @Test
  void anyServedNameSurvivesAsOneStringInBothConfigs() throws Exception {
    String served = "we\"ird\\na$1me\nline2";
    var odd = vllm("odd", "model: {name: m}");
    odd.getSpec().getModel().setServedName(served);

    List<AlloyParser.Block> alloy = AlloyParser.parse(LogShippingConfigs.alloy(odd));
    Map<String, Map<String, String>> promtail =
        relabelByTarget(promtailJob(odd).path("relabel_configs"));

    String expected = served.replace("$", "$$");
    assertThat(
            alloy.get(1).blocks("rule").stream()
                .map(r -> r.attributes())
                .filter(a -> "model".equals(a.get("target_label")))
                .findFirst()
                .orElseThrow())
        .containsEntry("replacement", expected);
    assertThat(promtail.get("model").get("replacement")).isEqualTo(expected);
  }

  @Test
  void theWriterRefusesNamesThatWouldChangeTheStructure() {
    assertThatThrownBy(() -> AlloyWriter.block("loki.process", "a-b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlloyWriter.attr("a b", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlloyWriter.ref("loki", "write\"", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AlloyWriter.Comment("a\n}"))
        .isInstanceOf(IllegalArgumentException.class);
    StringBuilder quoted = new StringBuilder();
    AlloyWriter.quote(quoted, "a\"b\\c\nd\u0001");
    assertThat(quoted.toString()).isEqualTo("\"a\\\"b\\\\c\\nd\\x01\"");
  }

  // ---------------------------------------------------------------- helpers

  private static JsonNode promtailJob(VllmDeployment vllm) throws Exception {
    return new YAMLMapper()
        .readTree(LogShippingConfigs.promtail(vllm))
        .path("scrape_configs")
        .get(0);
  }

  private static void assertKeys(JsonNode node, String type) {
    assertThat(node.isObject()).as(type).isTrue();
    assertThat(iterable(node.fieldNames())).as(type).isSubsetOf(PROMTAIL_SCHEMA.get(type));
  }

  private static void assertStages(JsonNode stages) {
    assertThat(stages.isArray()).isTrue();
    for (JsonNode stage : stages) {
      assertThat(stage.size()).as("one stage per list item: " + stage).isEqualTo(1);
      String name = stage.fieldNames().next();
      JsonNode body = stage.path(name);
      assertThat(name).isIn(PROMTAIL_STAGES);
      switch (name) {
        case "match" -> {
          assertKeys(body, "match");
          assertThat(SELECTOR.matcher(body.path("selector").asText()).matches())
              .as(body.toString())
              .isTrue();
          assertStages(body.path("stages"));
        }
        case "regex" -> {
          assertKeys(body, "regex");
          java(body.path("expression").asText());
        }
        case "json", "cri" -> assertKeys(body, name);
        case "labels", "structured_metadata" ->
            body.fields().forEachRemaining(f -> assertThat(f.getValue().isTextual()).isTrue());
        case "labeldrop" -> body.forEach(l -> assertThat(l.isTextual()).isTrue());
        default -> throw new AssertionError("stage not expected: " + name);
      }
    }
  }

  private static Map<String, String> stats(String message) {
    Map<String, String> fields = new LinkedHashMap<>();
    LogShippingConfigs.STATS_FIELD_REGEXES.forEach(
        (field, regex) -> {
          Matcher m = java(regex).matcher(message);
          if (m.find()) {
            fields.put(field, group(m, field));
          }
        });
    return fields;
  }

  /**
   * The RE2 regex as a Java regex: RE2 writes named groups (?P<name>) and allows "_" in names; Java
   * wants (?<name>) without "_" (see {@link #group}).
   */
  private static Pattern java(String re2) {
    Matcher named = Pattern.compile("\\(\\?P<([A-Za-z0-9_]+)>").matcher(re2);
    return Pattern.compile(named.replaceAll(m -> "(?<" + m.group(1).replace("_", "") + ">"));
  }

  private static String group(Matcher matcher, String re2Name) {
    return matcher.group(re2Name.replace("_", ""));
  }

  private static boolean lineFilterMatches(String selector, String line) {
    Matcher m = SELECTOR.matcher(selector);
    assertThat(m.matches()).as(selector).isTrue();
    String op = m.group(2);
    String literal = m.group(3);
    String value =
        literal.substring(1, literal.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    return switch (op) {
      case "|=" -> line.contains(value);
      case "!=" -> !line.contains(value);
      case "|~" -> Pattern.compile(value).matcher(line).find();
      case "!~" -> !Pattern.compile(value).matcher(line).find();
      default -> throw new AssertionError(op);
    };
  }

  private static Map<String, Map<String, String>> relabelBySource(JsonNode rules) {
    Map<String, Map<String, String>> bySource = new HashMap<>();
    for (JsonNode rule : rules) {
      Map<String, String> flat = flatten(rule);
      bySource.put(
          flat.getOrDefault("source_labels", "") + "|" + rule.path("action").asText("replace"),
          flat);
    }
    return bySource;
  }

  private static Map<String, Map<String, String>> relabelByTarget(JsonNode rules) {
    Map<String, Map<String, String>> byTarget = new HashMap<>();
    for (JsonNode rule : rules) {
      if (rule.has("target_label")) {
        byTarget.put(rule.path("target_label").asText(), flatten(rule));
      }
    }
    return byTarget;
  }

  private static Map<String, String> flatten(JsonNode rule) {
    Map<String, String> flat = new LinkedHashMap<>();
    rule.fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isArray()) {
                List<String> items = new ArrayList<>();
                f.getValue().forEach(i -> items.add(i.asText()));
                flat.put(f.getKey(), String.join(",", items));
              } else {
                flat.put(f.getKey(), f.getValue().asText());
              }
            });
    return new TreeMapView(flat);
  }

  private static Map<String, String> flatten(Map<String, Object> attributes) {
    Map<String, String> flat = new LinkedHashMap<>();
    attributes.forEach(
        (k, v) ->
            flat.put(
                k,
                v instanceof List<?> l
                    ? String.join(",", l.stream().map(Object::toString).toList())
                    : (String) v));
    return new TreeMapView(flat);
  }

  /** Order-insensitive comparison of two flattened rules. */
  private static final class TreeMapView extends java.util.TreeMap<String, String> {
    TreeMapView(Map<String, String> map) {
      super(map);
    }
  }

  private static void assertArguments(String key, AlloyParser.Block block) {
    assertThat(ALLOY_SCHEMA).as("documented: " + key).containsKey(key);
    assertThat(block.attributes().keySet()).as(key).isSubsetOf(ALLOY_SCHEMA.get(key));
  }

  private static List<String> references(List<AlloyParser.Block> blocks) {
    List<String> refs = new ArrayList<>();
    for (AlloyParser.Block block : blocks) {
      collectRefs(block.attributes().values(), refs);
      refs.addAll(references(block.blocks()));
    }
    return refs;
  }

  private static void collectRefs(Iterable<?> values, List<String> into) {
    for (Object value : values) {
      if (value instanceof AlloyParser.Ref ref) {
        into.add(ref.path());
      } else if (value instanceof List<?> list) {
        collectRefs(list, into);
      } else if (value instanceof Map<?, ?> map) {
        collectRefs(map.values(), into);
      }
    }
  }

  private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
    List<T> list = new ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }
}
