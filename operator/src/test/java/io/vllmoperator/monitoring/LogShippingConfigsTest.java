package io.vllmoperator.monitoring;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.dependent.DeploymentDependentResource;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.LogShipping;
import io.vllmoperator.desired.VllmPodTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fleet log configs in logging/ (Grafana Alloy and Promtail). Neither tool can be built here
 * (Alloy's module is not served, Promtail's is Loki's, under the AGPL), so the checks are: the
 * Promtail file against Promtail's documented keys and real promtool on its discovery and relabel
 * part; the Alloy file through a strict parser of the Alloy syntax, against the documented
 * components, arguments and exports; both files carrying the same rules and stages; and those rules
 * and stages run by a Go program with Go's regexp (RE2, as both tools use) on the operator's real
 * pod metadata and on real vLLM log lines.
 */
class LogShippingConfigsTest {
  private static final Path ALLOY = TestManifests.repoRoot().resolve("logging/alloy/config.alloy");
  private static final Path PROMTAIL =
      TestManifests.repoRoot().resolve("logging/promtail/promtail.yaml");

  /** The labels a shipped line may carry; nothing else, so the stream count stays bounded. */
  private static final Set<String> LABELS =
      Set.of("namespace", "pod", "container", "deployment", "model", "level");

  private static final Set<String> LEVELS = Set.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final VllmDeployment LLAMA =
      named(vllm("llama-70b", "model: {name: m, servedName: meta-llama/Llama-3.1-70B-Instruct}"));

  /** Sample lines of vLLM (../shared/reference/vllm-monitoring.md §3). */
  private static final String STATS_LINE =
      "(APIServer pid=158) INFO 09-02 13:08:10 [loggers.py:123] Engine 000: Avg prompt"
          + " throughput: 0.0 tokens/s, Avg generation throughput: 238.7 tokens/s, Running: 10"
          + " reqs, Waiting: 0 reqs, GPU KV cache usage: 4.1%, Prefix cache hit rate: 53.7%";

  /** Newer builds add Preemptions and the external prefix cache, and colour the line. */
  private static final String NEWER_STATS_LINE =
      "\u001B[0;36m(APIServer pid=1)\u001B[0;0m \u001B[32mINFO\u001B[0m \u001B[90m10-21"
          + " 09:20:00\u001B[0m \u001B[90m[loggers.py:259]\u001B[0m Engine 000: Avg prompt"
          + " throughput: 12.5 tokens/s, Avg generation throughput: 80.0 tokens/s, Running: 3"
          + " reqs, Waiting: 1 reqs, Preemptions: 2, GPU KV cache usage: 90.0%, Prefix cache hit"
          + " rate: 10.0%, External prefix cache hit rate: 5.0%";

  /** vLLM's JSON formatter: asctime, levelname, name, processName, process, message. */
  private static final String JSON_LINE =
      "{\"asctime\": \"2026-10-21 09:14:08\", \"levelname\": \"ERROR\", \"name\":"
          + " \"vllm.v1.engine.core\", \"processName\": \"EngineCore\", \"process\": 274,"
          + " \"message\": \"EngineCore failed to start.\", \"vllm_process_name\": \"EngineCore\"}";

  private static final String JSON_STATS_LINE =
      "{\"asctime\": \"2026-10-21 09:20:00\", \"levelname\": \"INFO\", \"name\":"
          + " \"vllm.v1.metrics.loggers\", \"message\": \"Engine 000: Avg prompt throughput: 1.5"
          + " tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs,"
          + " GPU KV cache usage: 0.5%, Prefix cache hit rate: 0.0%\"}";

  // ---------------------------------------------------------------- Promtail

  /** Keys of the Promtail configuration reference, per object (the subset the file may use). */
  private static final Map<String, Set<String>> PROMTAIL_SCHEMA =
      Map.ofEntries(
          Map.entry(
              "root",
              Set.of(
                  "server",
                  "clients",
                  "positions",
                  "scrape_configs",
                  "limits_config",
                  "target_config",
                  "options",
                  "tracing")),
          Map.entry(
              "server",
              Set.of(
                  "http_listen_address",
                  "http_listen_port",
                  "grpc_listen_address",
                  "grpc_listen_port",
                  "log_level",
                  "log_format",
                  "register_instrumentation",
                  "graceful_shutdown_timeout")),
          Map.entry("positions", Set.of("filename", "sync_period", "ignore_invalid_yaml")),
          Map.entry(
              "client",
              Set.of(
                  "url",
                  "headers",
                  "tenant_id",
                  "batchwait",
                  "batchsize",
                  "basic_auth",
                  "oauth2",
                  "bearer_token",
                  "bearer_token_file",
                  "proxy_url",
                  "tls_config",
                  "backoff_config",
                  "drop_rate_limited_batches",
                  "external_labels",
                  "timeout")),
          Map.entry(
              "scrape_config",
              Set.of(
                  "job_name",
                  "encoding",
                  "decompression",
                  "pipeline_stages",
                  "static_configs",
                  "file_sd_configs",
                  "kubernetes_sd_configs",
                  "relabel_configs")),
          Map.entry(
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
                  "enable_http2")),
          Map.entry("selector", Set.of("role", "label", "field")),
          Map.entry(
              "relabel_config",
              Set.of(
                  "source_labels",
                  "separator",
                  "regex",
                  "modulus",
                  "target_label",
                  "replacement",
                  "action")),
          Map.entry(
              "match",
              Set.of("selector", "pipeline_name", "action", "drop_counter_reason", "stages")),
          Map.entry("regex", Set.of("expression", "source")),
          Map.entry("json", Set.of("expressions", "source", "drop_malformed")),
          Map.entry(
              "cri",
              Set.of(
                  "max_partial_lines", "max_partial_line_size", "max_partial_line_size_truncate")),
          Map.entry("decolorize", Set.of()));

  /** Promtail's stage names and the name of the same stage in Alloy (stage.<name>). */
  private static final Map<String, String> PROMTAIL_STAGES =
      Map.ofEntries(
          Map.entry("cri", "cri"),
          Map.entry("decolorize", "decolorize"),
          Map.entry("match", "match"),
          Map.entry("json", "json"),
          Map.entry("regex", "regex"),
          Map.entry("labels", "labels"),
          Map.entry("structured_metadata", "structured_metadata"),
          Map.entry("labeldrop", "label_drop"));

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

  @Test
  void promtailFileFollowsTheDocumentedSchema() throws IOException {
    JsonNode root = promtail();

    assertKeys(root, "root");
    assertKeys(root.path("server"), "server");
    assertKeys(root.path("positions"), "positions");
    assertThat(root.path("clients")).hasSize(1);
    assertKeys(root.path("clients").get(0), "client");
    // Expanded by promtail -config.expand-env=true from the environment of the DaemonSet.
    assertThat(root.at("/clients/0/url").asText()).isEqualTo("${LOKI_URL}");
    assertThat(root.path("scrape_configs")).hasSize(1);
    JsonNode job = job();
    assertKeys(job, "scrape_config");
    for (JsonNode sd : job.path("kubernetes_sd_configs")) {
      assertKeys(sd, "kubernetes_sd_config");
      assertThat(sd.path("role").asText()).isEqualTo("pod");
      sd.path("selectors").forEach(s -> assertKeys(s, "selector"));
    }
    for (JsonNode rule : job.path("relabel_configs")) {
      assertKeys(rule, "relabel_config");
      assertThat(rule.path("action").asText("replace")).isIn(RELABEL_ACTIONS);
    }
    assertStages(job.path("pipeline_stages"));
  }

  /**
   * Promtail's and Alloy's relabel rules are Prometheus' own code, so a real Prometheus applies
   * them here: to static targets carrying the meta labels Kubernetes discovery gives the operator's
   * pods (Debian's Prometheus is built without Kubernetes discovery, so the discovery itself is not
   * run). promtool checks the same scrape config first.
   */
  @Test
  void realPrometheusAppliesTheRelabelRulesAsPromtailAndAlloyDo() throws Exception {
    VllmDeployment optedOut =
        named(vllm("quiet", "model: {name: m}\nmonitoring: {logs: {enabled: false}}"));
    List<PodTarget> pods =
        List.of(
            pod(LLAMA, "llama-70b-7d4b9c6f5-abcde", List.of()),
            pod(optedOut, "quiet-1", List.of()));
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ObjectNode scrape = NODES.objectNode();
    scrape.put("job_name", job().path("job_name").asText());
    scrape.put("scrape_interval", "1h");
    ArrayNode statics = scrape.putArray("static_configs");
    for (PodTarget pod : pods) {
      Map<String, String> meta = new LinkedHashMap<>(pod.meta());
      meta.remove("__address__");
      ObjectNode group = statics.addObject();
      // Only loopback is ever scraped: the port is closed, the scrape fails at once.
      group.putArray("targets").add("127.0.0.1:" + closedPort);
      group.set("labels", JSON.valueToTree(meta));
    }
    ArrayNode rules = scrape.putArray("relabel_configs");
    rules.addAll((ArrayNode) job().path("relabel_configs"));
    // Test-only: make the hidden targets of the rules visible in /api/v1/targets.
    Map.of("__path__", "test_path", "__host__", "test_host")
        .forEach(
            (hidden, visible) ->
                rules
                    .addObject()
                    .put("target_label", visible)
                    .putArray("source_labels")
                    .add(hidden));
    ObjectNode config = NODES.objectNode();
    config.putArray("scrape_configs").add(scrape);
    String yaml = new YAMLMapper().writeValueAsString(config);
    Path dir = Files.createTempDirectory("promtail-relabel");
    Files.writeString(dir.resolve("prometheus.yml"), yaml);
    var check =
        Tools.run(
            Duration.ofSeconds(30),
            dir,
            List.of(Tools.promtool().toString(), "check", "config", "prometheus.yml"));
    assertThat(check.exitCode()).as(check.output()).isZero();

    try (var prometheus = PrometheusServer.start(yaml, Duration.ofSeconds(30))) {
      JsonNode[] targets = new JsonNode[1];
      prometheus.await(
          "one active and one dropped target",
          Duration.ofSeconds(30),
          () -> {
            targets[0] = prometheus.api("/api/v1/targets").path("data");
            return targets[0].path("activeTargets").size() == 1
                && targets[0].path("droppedTargets").size() == 1;
          });
      Map<String, String> labels = fields(targets[0].at("/activeTargets/0/labels"));
      labels.remove("job");
      labels.remove("instance");

      assertThat(labels)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "namespace", "llm",
                  "pod", "llama-70b-7d4b9c6f5-abcde",
                  "container", "vllm",
                  "deployment", "llama-70b",
                  "model", "meta-llama/Llama-3.1-70B-Instruct",
                  "test_path", "/var/log/pods/*3f0c6a0e-5a52/vllm/*.log",
                  "test_host", "gpu-node-1"));
      assertThat(
              targets[0]
                  .at("/droppedTargets/0/discoveredLabels/__meta_kubernetes_pod_name")
                  .asText())
          .isEqualTo("quiet-1");
      // The Go program applies the same rules to the same targets with the same result.
      JsonNode go = runPipeline(List.of(pods.get(0))).at("/targets/0");
      Map<String, String> expected = new TreeMap<>(labels);
      expected.remove("test_path");
      expected.remove("test_host");
      assertThat(fields(go.path("labels"))).isEqualTo(expected);
      assertThat(go.at("/hidden/__path__").asText()).isEqualTo(labels.get("test_path"));
    }
  }

  @Test
  void bothConfigsSelectThePodsByTheLabelsTheOperatorSets() throws IOException {
    String selector = Labels.MANAGED_SELECTOR + "," + Labels.NAME_KEY + "=vllm";
    PodTemplateSpec pod = template(LLAMA);

    assertThat(job().at("/kubernetes_sd_configs/0/selectors/0/label").asText()).isEqualTo(selector);
    AlloyParser.Block discovery = alloyComponent("discovery.kubernetes");
    assertThat(discovery.attributes()).containsEntry("role", "pod");
    assertThat(discovery.blocks("selectors").get(0).attributes())
        .containsEntry("role", "pod")
        .containsEntry("label", selector);
    // The selector is a plain k=v list; every pair is on the operator's pods.
    for (String pair : selector.split(",")) {
      String[] kv = pair.split("=", 2);
      assertThat(pod.getMetadata().getLabels()).containsEntry(kv[0], kv[1]);
    }
    assertThat(pod.getSpec().getContainers())
        .as("one port per container: Kubernetes discovery makes one target, one tail, per port")
        .allSatisfy(c -> assertThat(c.getPorts()).hasSize(1));
  }

  // ---------------------------------------------------------------- Alloy

  /** Components and blocks of the Alloy reference the file may use, with their arguments. */
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
          Map.entry("stage.decolorize", Set.of()),
          Map.entry(
              "stage.match", Set.of("selector", "pipeline_name", "action", "drop_counter_reason")),
          Map.entry("stage.json", Set.of("expressions", "source", "drop_malformed")),
          Map.entry("stage.regex", Set.of("expression", "source", "labels_from_groups")),
          Map.entry("stage.labels", Set.of("values")),
          Map.entry("stage.structured_metadata", Set.of("values")),
          Map.entry("stage.label_drop", Set.of("values")),
          Map.entry("loki.write", Set.of("external_labels", "max_streams")),
          Map.entry(
              "loki.write/endpoint",
              Set.of(
                  "url",
                  "name",
                  "headers",
                  "tenant_id",
                  "batch_wait",
                  "batch_size",
                  "remote_timeout",
                  "bearer_token_file",
                  "proxy_url")));

  /** What each component exports (the "Exported fields" of its reference page). */
  private static final Map<String, Set<String>> ALLOY_EXPORTS =
      Map.of(
          "discovery.kubernetes", Set.of("targets"),
          "discovery.relabel", Set.of("output", "rules"),
          "local.file_match", Set.of("targets"),
          "loki.source.file", Set.of(),
          "loki.process", Set.of("receiver"),
          "loki.write", Set.of("receiver"));

  @Test
  void alloyFileParsesAndUsesOnlyDocumentedComponentsArgumentsAndExports() throws IOException {
    List<AlloyParser.Block> components = AlloyParser.parse(Files.readString(ALLOY));

    assertThat(components)
        .extracting(AlloyParser.Block::name)
        .containsExactly(
            "discovery.kubernetes",
            "discovery.relabel",
            "local.file_match",
            "loki.source.file",
            "loki.process",
            "loki.write");
    Map<String, String> defined = new LinkedHashMap<>();
    for (AlloyParser.Block component : components) {
      assertThat(component.label()).as(component.name()).matches("[A-Za-z_][A-Za-z0-9_]*");
      assertThat(defined.put(component.name() + "." + component.label(), component.name()))
          .as("defined once: " + component.name() + " " + component.label())
          .isNull();
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
    // Every reference names a component of this file and one of its exports.
    List<Object> values = new ArrayList<>();
    components.forEach(c -> collectValues(c, values));
    List<String> refs = new ArrayList<>();
    List<AlloyParser.Call> calls = new ArrayList<>();
    flatten(values, refs, calls);
    assertThat(refs).hasSize(5);
    for (String ref : refs) {
      String component = ref.substring(0, ref.lastIndexOf('.'));
      String export = ref.substring(ref.lastIndexOf('.') + 1);
      assertThat(defined).as(ref).containsKey(component);
      assertThat(ALLOY_EXPORTS.get(defined.get(component))).as(ref).contains(export);
    }
    // The only function: the Loki URL from the DaemonSet's environment.
    assertThat(calls).containsExactly(new AlloyParser.Call("sys.env", List.of("LOKI_URL")));
  }

  @Test
  void alloyDoesExactlyWhatPromtailDoes() throws IOException {
    ArrayNode promtailRules = NODES.arrayNode();
    for (JsonNode rule : job().path("relabel_configs")) {
      // Promtail tails only its node's targets by __host__; Alloy's file match finds only the
      // files of its node, and needs no such rule.
      if (!"__host__".equals(rule.path("target_label").asText())) {
        promtailRules.add(rule);
      }
    }

    assertThat(alloyRelabel()).isEqualTo(promtailRules);
    assertThat(alloyStages()).isEqualTo(promtailStages());
    assertThat(job().path("relabel_configs").toString()).contains("\"target_label\":\"__host__\"");
  }

  // ---------------------------------------------------------------- what the shipped lines carry

  @Test
  void theOperatorsPodsShipWithTheSixLabelsAndTheModelFromTheAnnotation() throws IOException {
    JsonNode out =
        runPipeline(List.of(pod(LLAMA, "llama-70b-7d4b9c6f5-abcde", List.of(STATS_LINE))));
    JsonNode target = out.path("targets").get(0);

    assertThat(fields(target.path("labels")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "namespace", "llm",
                "pod", "llama-70b-7d4b9c6f5-abcde",
                "container", VllmPodTemplate.CONTAINER,
                "deployment", "llama-70b",
                "model", "meta-llama/Llama-3.1-70B-Instruct"));
    // kubelet's layout: /var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log
    String glob = target.at("/hidden/__path__").asText();
    assertThat(glob).isEqualTo("/var/log/pods/*3f0c6a0e-5a52/vllm/*.log");
    assertThat(
            java.nio.file.FileSystems.getDefault()
                .getPathMatcher("glob:" + glob)
                .matches(
                    Path.of(
                        "/var/log/pods/llm_llama-70b-7d4b9c6f5-abcde_3f0c6a0e-5a52/vllm/0.log")))
        .isTrue();
    JsonNode line = target.path("entries").get(0);
    assertThat(fields(line.path("labels")).keySet()).isEqualTo(LABELS);
    assertThat(line.at("/labels/level").asText()).isEqualTo("INFO");
  }

  @Test
  void aDeploymentThatOptedOutIsDroppedAndOneWithoutTheAnnotationStillShips() throws IOException {
    VllmDeployment optedOut =
        named(vllm("quiet", "model: {name: m}\nmonitoring: {logs: {enabled: false}}"));
    PodTarget olderOperator = pod(LLAMA, "old-pod", List.of(STATS_LINE));
    olderOperator.meta().keySet().removeIf(k -> k.contains("served_model_name"));

    JsonNode out =
        runPipeline(List.of(pod(optedOut, "quiet-1", List.of(STATS_LINE)), olderOperator));

    assertThat(template(optedOut).getMetadata().getLabels())
        .containsEntry(LogShipping.LOGS_LABEL, LogShipping.DISABLED);
    assertThat(out.path("targets").get(0).path("labels").isNull()).as("dropped").isTrue();
    assertThat(fields(out.path("targets").get(1).path("labels")))
        .containsEntry("deployment", "llama-70b")
        .doesNotContainKey("model");
  }

  @Test
  void realVllmLinesGetTheirLevelAndSourceAndNothingElseBecomesALabel() throws IOException {
    Path fixtures = TestManifests.repoRoot().resolve("operator/src/test/resources/failure-logs");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(fixtures)) {
      files = walk.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
    List<String> lines = new ArrayList<>();
    for (Path file : files) {
      for (String line : Files.readString(file).split("\n")) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
    }
    JsonNode entries =
        runPipeline(List.of(pod(LLAMA, "llama-70b-1", lines))).at("/targets/0/entries");

    Map<String, Integer> levels = new TreeMap<>();
    int withLevel = 0;
    for (int i = 0; i < lines.size(); i++) {
      JsonNode entry = entries.get(i);
      Optional<Record> expected = record(lines.get(i));
      assertThat(fields(entry.path("labels")).keySet())
          .as(lines.get(i))
          .isSubsetOf(LABELS)
          .doesNotContain("stream", "filename");
      assertThat(entry.at("/labels/level").asText(null))
          .as("level of %s", lines.get(i))
          .isEqualTo(expected.map(Record::level).orElse(null));
      assertThat(entry.at("/metadata/source").asText(null))
          .as("source of %s", lines.get(i))
          .isEqualTo(expected.map(Record::source).orElse(null));
      assertThat(entry.path("line").asText()).as("no colour codes left").doesNotContain("\u001B");
      if (expected.isPresent()) {
        withLevel++;
        levels.merge(expected.get().level(), 1, Integer::sum);
      }
    }
    System.out.printf(
        "LOG-PIPELINE fixtures=%d lines=%d with_level=%d levels=%s%n",
        files.size(), lines.size(), withLevel, levels);
    assertThat(levels).containsKeys("INFO", "ERROR");
    assertThat(withLevel).isPositive();
    assertThat(lines.size() - withLevel).as("tracebacks Python prints itself").isPositive();
  }

  @Test
  void theStatsLineGivesItsFieldsWhateverFieldsThisVllmVersionPrints() throws IOException {
    JsonNode entries =
        runPipeline(List.of(pod(LLAMA, "p", List.of(STATS_LINE, NEWER_STATS_LINE))))
            .at("/targets/0/entries");

    assertThat(fields(entries.get(0).path("metadata")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "source", "loggers.py:123",
                "prompt_throughput", "0.0",
                "generation_throughput", "238.7",
                "running", "10",
                "waiting", "0",
                "kv_cache_usage", "4.1",
                "prefix_cache_hit_rate", "53.7"));
    assertThat(fields(entries.get(1).path("metadata")))
        .containsEntry("source", "loggers.py:259")
        .containsEntry("preemptions", "2")
        .containsEntry("kv_cache_usage", "90.0")
        .containsEntry("prefix_cache_hit_rate", "10.0")
        .containsEntry("running", "3");
    assertThat(entries.get(1).at("/labels/level").asText()).isEqualTo("INFO");
    assertThat(entries.get(1).path("line").asText())
        .startsWith("(APIServer pid=1) INFO 10-21 09:20:00 [loggers.py:259] Engine 000");
  }

  @Test
  void jsonLinesAreParsedAsJsonTextLinesByTheRegexAndRequestIdsStayOutOfTheLabels()
      throws IOException {
    String request =
        "(APIServer pid=158) INFO 09-02 13:08:10 [logger.py:43] Received request"
            + " chatcmpl-5f1c0e7a9b2d: prompt: 'hello'";
    String warning = "WARNING 11-23 10:00:00 [scheduler.py:88] Sequence group 7 is preempted";
    JsonNode entries =
        runPipeline(List.of(pod(LLAMA, "p", List.of(JSON_LINE, JSON_STATS_LINE, request, warning))))
            .at("/targets/0/entries");

    assertThat(entries.get(0).at("/labels/level").asText()).isEqualTo("ERROR");
    assertThat(fields(entries.get(0).path("metadata")))
        .containsExactlyEntriesOf(Map.of("source", "vllm.v1.engine.core"));
    assertThat(entries.get(1).at("/labels/level").asText()).isEqualTo("INFO");
    assertThat(fields(entries.get(1).path("metadata")))
        .containsEntry("generation_throughput", "2.0")
        .containsEntry("kv_cache_usage", "0.5");
    assertThat(entries.get(2).toString()).contains("chatcmpl-5f1c0e7a9b2d");
    assertThat(entries.get(2).path("labels").toString()).doesNotContain("chatcmpl");
    assertThat(entries.get(2).path("metadata").toString()).doesNotContain("chatcmpl");
    // Without a process tag (older builds, VLLM_LOGGING_PREFIX unset).
    assertThat(entries.get(3).at("/labels/level").asText()).isEqualTo("WARNING");
    assertThat(entries.get(3).at("/metadata/source").asText()).isEqualTo("scheduler.py:88");
  }

  @Test
  void theModelLabelIsTheServedNameVerbatimWhateverItContains() throws IOException {
    // A relabel replacement expands $1 once: a "$" inside the annotation value stays as it is.
    String served = "team/we\"ird\\na$1me";
    VllmDeployment odd = named(vllm("odd", "model: {name: m}"));
    odd.getSpec().getModel().setServedName(served);

    JsonNode labels = runPipeline(List.of(pod(odd, "odd-1", List.of()))).at("/targets/0/labels");

    assertThat(labels.path("model").asText()).isEqualTo(served);
  }

  // ---------------------------------------------------------------- helpers

  private record PodTarget(Map<String, String> meta, List<String> lines) {}

  /** A vLLM text record: what its prefix says, read without the pipeline's regex. */
  private record Record(String level, String source) {}

  private static final Pattern COLOUR = Pattern.compile("\u001B\\[[0-9;]*m");

  private static Optional<Record> record(String raw) {
    String rest = COLOUR.matcher(raw).replaceAll("");
    // One process tag, or two when a worker's line passes through the engine's output.
    while (rest.startsWith("(") && rest.indexOf(") ") > 0) {
      String tag = rest.substring(1, rest.indexOf(") "));
      if (!tag.matches("\\w+ pid=\\d+")) {
        break;
      }
      rest = rest.substring(tag.length() + 3);
    }
    String[] parts = rest.split(" ", 4);
    if (parts.length < 4
        || !LEVELS.contains(parts[0])
        || !parts[1].matches("\\d\\d-\\d\\d")
        || !parts[2].matches("\\d\\d:\\d\\d:\\d\\d")
        || !parts[3].startsWith("[")
        || !parts[3].contains("] ")) {
      return Optional.empty();
    }
    return Optional.of(new Record(parts[0], parts[3].substring(1, parts[3].indexOf("] "))));
  }

  private static VllmDeployment named(VllmDeployment vllm) {
    vllm.getMetadata().setNamespace("llm");
    return vllm;
  }

  private static PodTemplateSpec template(VllmDeployment vllm) {
    return DeploymentDependentResource.build(vllm).getSpec().getTemplate();
  }

  /**
   * What Kubernetes discovery gives a target of the pod: the pod template's labels and annotations
   * as __meta_kubernetes_pod_label_* / _annotation_* (names sanitized as Prometheus does).
   */
  private static PodTarget pod(VllmDeployment vllm, String podName, List<String> lines) {
    PodTemplateSpec template = template(vllm);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("__address__", "10.0.0.7:8000");
    meta.put("__meta_kubernetes_namespace", vllm.getMetadata().getNamespace());
    meta.put("__meta_kubernetes_pod_name", podName);
    meta.put("__meta_kubernetes_pod_uid", "3f0c6a0e-5a52");
    meta.put("__meta_kubernetes_pod_node_name", "gpu-node-1");
    meta.put(
        "__meta_kubernetes_pod_container_name",
        template.getSpec().getContainers().get(0).getName());
    template
        .getMetadata()
        .getLabels()
        .forEach(
            (k, v) -> {
              meta.put("__meta_kubernetes_pod_label_" + sanitize(k), v);
              meta.put("__meta_kubernetes_pod_labelpresent_" + sanitize(k), "true");
            });
    template
        .getMetadata()
        .getAnnotations()
        .forEach(
            (k, v) -> {
              meta.put("__meta_kubernetes_pod_annotation_" + sanitize(k), v);
              meta.put("__meta_kubernetes_pod_annotationpresent_" + sanitize(k), "true");
            });
    List<String> cri = new ArrayList<>();
    for (String line : lines) {
      cri.add("2026-10-21T09:14:01.000000000Z stdout F " + line);
    }
    return new PodTarget(meta, cri);
  }

  private static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }

  /** Runs the Alloy file's rules and stages (equal to Promtail's, see above) on the targets. */
  private static JsonNode runPipeline(List<PodTarget> targets) throws IOException {
    ObjectNode input = NODES.objectNode();
    input.set("relabel", alloyRelabel());
    input.set("stages", alloyStages());
    ArrayNode list = input.putArray("targets");
    for (PodTarget target : targets) {
      ObjectNode t = list.addObject();
      t.set("meta", JSON.valueToTree(target.meta()));
      t.set("lines", JSON.valueToTree(target.lines()));
    }
    JsonNode out = LogPipeline.run(input);
    assertThat(out.path("regexes").asInt()).as("regexes compiled by Go's regexp").isGreaterThan(10);
    return out;
  }

  private static JsonNode promtail() throws IOException {
    return new YAMLMapper().readTree(PROMTAIL.toFile());
  }

  private static JsonNode job() throws IOException {
    return promtail().path("scrape_configs").get(0);
  }

  private static AlloyParser.Block alloyComponent(String name) throws IOException {
    return AlloyParser.parse(Files.readString(ALLOY)).stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static ArrayNode alloyRelabel() throws IOException {
    ArrayNode rules = NODES.arrayNode();
    for (AlloyParser.Block rule : alloyComponent("discovery.relabel").blocks("rule")) {
      rules.add(JSON.valueToTree(rule.attributes()));
    }
    return rules;
  }

  /** The loki.process stages in the form the Go program reads: {"type": name, arguments...}. */
  private static ArrayNode alloyStages() throws IOException {
    return alloyStages(alloyComponent("loki.process").blocks());
  }

  private static ArrayNode alloyStages(List<AlloyParser.Block> blocks) {
    ArrayNode stages = NODES.arrayNode();
    for (AlloyParser.Block block : blocks) {
      assertThat(block.name()).startsWith("stage.");
      ObjectNode stage = stages.addObject();
      stage.put("type", block.name().substring("stage.".length()));
      stage.setAll((ObjectNode) JSON.valueToTree(block.attributes()));
      if (!block.blocks().isEmpty()) {
        stage.set("stages", alloyStages(block.blocks()));
      }
    }
    return stages;
  }

  /** Promtail's pipeline_stages in the same form. */
  private static ArrayNode promtailStages() throws IOException {
    return promtailStages(job().path("pipeline_stages"));
  }

  private static ArrayNode promtailStages(JsonNode list) {
    ArrayNode stages = NODES.arrayNode();
    for (JsonNode item : list) {
      String name = item.fieldNames().next();
      JsonNode body = item.path(name);
      ObjectNode stage = stages.addObject();
      stage.put("type", PROMTAIL_STAGES.get(name));
      switch (name) {
        case "labels", "structured_metadata" -> {
          ObjectNode values = stage.putObject("values");
          body.fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue().asText("")));
        }
        case "labeldrop" -> stage.set("values", body);
        case "match" -> {
          stage.set("selector", body.path("selector"));
          stage.set("stages", promtailStages(body.path("stages")));
        }
        default -> body.fields().forEachRemaining(f -> stage.set(f.getKey(), f.getValue()));
      }
    }
    return stages;
  }

  private static void assertKeys(JsonNode node, String type) {
    assertThat(node.isObject()).as(type + ": " + node).isTrue();
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).as(type).isSubsetOf(PROMTAIL_SCHEMA.get(type));
  }

  private static void assertStages(JsonNode stages) {
    assertThat(stages.isArray()).isTrue();
    for (JsonNode stage : stages) {
      assertThat(stage.size()).as("one stage per list item: " + stage).isEqualTo(1);
      String name = stage.fieldNames().next();
      JsonNode body = stage.path(name);
      assertThat(PROMTAIL_STAGES).as("documented stage").containsKey(name);
      switch (name) {
        case "match" -> {
          assertKeys(body, "match");
          assertStages(body.path("stages"));
        }
        case "regex", "json", "cri", "decolorize" -> assertKeys(body, name);
        case "labels", "structured_metadata" ->
            body.fields()
                .forEachRemaining(
                    f -> assertThat(f.getValue().isNull() || f.getValue().isTextual()).isTrue());
        case "labeldrop" -> body.forEach(l -> assertThat(l.isTextual()).isTrue());
        default -> throw new AssertionError("stage not expected: " + name);
      }
    }
  }

  private static void assertArguments(String key, AlloyParser.Block block) {
    assertThat(ALLOY_SCHEMA).as("documented: " + key).containsKey(key);
    assertThat(block.attributes().keySet()).as(key).isSubsetOf(ALLOY_SCHEMA.get(key));
  }

  private static void collectValues(AlloyParser.Block block, List<Object> into) {
    into.addAll(block.attributes().values());
    block.blocks().forEach(b -> collectValues(b, into));
  }

  private static void flatten(Iterable<?> values, List<String> refs, List<AlloyParser.Call> calls) {
    for (Object value : values) {
      if (value instanceof AlloyParser.Ref ref) {
        refs.add(ref.path());
      } else if (value instanceof AlloyParser.Call call) {
        calls.add(call);
      } else if (value instanceof List<?> list) {
        flatten(list, refs, calls);
      } else if (value instanceof Map<?, ?> map) {
        flatten(map.values(), refs, calls);
      }
    }
  }

  private static Map<String, String> fields(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
    return out;
  }
}
