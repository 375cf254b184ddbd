package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.dependent.DesiredObjects;
import io.vllmoperator.manifest.ManifestException;
import io.vllmoperator.manifest.ManifestReader;
import io.vllmoperator.validation.CrdSchema;
import io.vllmoperator.validation.FieldError;
import io.vllmoperator.validation.InvalidResourceException;
import io.vllmoperator.validation.ValidationCases;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzz of render against the API server. A seeded generator mutates the examples and
 * the invalid cases (types, bounds, enums, strings with whitespace and unicode, huge numbers,
 * missing and extra fields, durations, lists); each spec goes to render's reader (YAML text, as a
 * user would give it) and to the API server as a strictly validated dry-run create of the JSON
 * kubectl would send. Both must give the same verdict and name the same fields. For every spec both
 * accept, every object render produces must pass a dry-run create too. Set -Dfuzz.seed=N to replay
 * a run, -Dfuzz.specs=N for its size.
 */
class RenderParityFuzzIT {
  private static final String NAMESPACE = "fuzz";
  private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
  private static final int SPECS = Integer.getInteger("fuzz.specs", 3000);
  private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 90));
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Pattern UNKNOWN_FIELD = Pattern.compile("unknown field \"([^\"]*)\"");

  private static KubernetesClient client;
  private static JsonNode specSchema;

  @BeforeAll
  static void cluster() throws IOException {
    LocalCluster cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, NAMESPACE);
    // prometheus-operator's ServiceMonitor and PrometheusRule CRDs with their full schemas, so
    // the dry-run create of what render produces checks their spec as a real cluster does.
    var monitoringCrds =
        cluster.kubectl("", "apply", "--server-side", "-f", cluster.monitoringCrds());
    assertThat(monitoringCrds.exitCode()).as(monitoringCrds.output()).isZero();
    specSchema = CrdSchema.get().openApiSchema().path("properties").path("spec");
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @Test
  void renderAndTheApiServerAgreeOnEveryGeneratedSpec() {
    System.out.println(
        "RenderParityFuzzIT: seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
    Random random = new Random(SEED);
    List<JsonNode> seeds = seeds();
    List<String> manifests = new ArrayList<>();
    for (int i = 0; i < SPECS; i++) {
      JsonNode spec = seeds.get(random.nextInt(seeds.size())).deepCopy();
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        spec = mutate(spec, random);
      }
      String name = random.nextInt(40) == 0 ? mutateName(random, i) : "fz-" + i;
      ObjectNode manifest = JSON.objectNode();
      manifest.put("apiVersion", VllmDeployment.GROUP + "/" + VllmDeployment.VERSION);
      manifest.put("kind", "VllmDeployment");
      manifest.putObject("metadata").put("name", name).put("namespace", NAMESPACE);
      manifest.set("spec", spec);
      manifests.add(yaml(manifest));
    }
    long deadline = System.nanoTime() + BUDGET.toNanos();
    // The API server answers several requests at once; the generation above stays sequential.
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<Outcome>> futures = new ArrayList<>();
    for (String yaml : manifests) {
      futures.add(pool.submit(() -> System.nanoTime() < deadline ? check(yaml) : null));
    }
    Map<String, Integer> mismatchKinds = new TreeMap<>();
    List<String> mismatches = new ArrayList<>();
    int tried = 0;
    int accepted = 0;
    int refused = 0;
    int objectsChecked = 0;
    for (Future<Outcome> future : futures) {
      Outcome outcome;
      try {
        outcome = future.get();
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException(e);
      }
      if (outcome == null) {
        continue;
      }
      tried++;
      if (outcome.accepted()) {
        accepted++;
      } else {
        refused++;
      }
      objectsChecked += outcome.objectsChecked();
      for (String mismatch : outcome.mismatches()) {
        String kind = mismatch.substring(0, mismatch.indexOf(':'));
        mismatchKinds.merge(kind, 1, Integer::sum);
        mismatches.add(mismatch);
      }
    }
    pool.shutdownNow();
    System.out.printf(
        "RenderParityFuzzIT: %d specs tried, %d accepted, %d refused, %d rendered objects"
            + " dry-run created, %d mismatches %s%n",
        tried, accepted, refused, objectsChecked, mismatches.size(), mismatchKinds);
    Map<String, Integer> shown = new HashMap<>();
    mismatches.stream()
        .filter(m -> shown.merge(m.substring(0, m.indexOf(':')), 1, Integer::sum) <= 4)
        .forEach(m -> System.out.println("MISMATCH " + m));
    assertThat(tried).as("specs tried within the budget").isGreaterThanOrEqualTo(500);
    assertThat(accepted).as("accepted specs").isGreaterThan(tried / 10);
    assertThat(refused).as("refused specs").isGreaterThan(tried / 10);
    assertThat(mismatches).isEmpty();
  }

  record Outcome(boolean accepted, int objectsChecked, List<String> mismatches) {}

  private static Outcome check(String yaml) {
    Verdict offline = render(yaml);
    Verdict server = server(yaml);
    if (!offline.equals(server)) {
      String kind = offline.accepted() != server.accepted() ? "verdict" : "field paths";
      return new Outcome(
          offline.accepted(),
          0,
          List.of(kind + ": render " + offline + " vs server " + server + "\n" + yaml));
    }
    if (!offline.accepted()) {
      return new Outcome(
          false,
          0,
          offline.texts().equals(server.texts())
              ? List.of()
              : List.of("message text: " + offline.texts() + " vs server " + server.texts()));
    }
    List<String> refusals = new ArrayList<>();
    List<HasMetadata> objects = rendered(yaml);
    for (HasMetadata object : objects) {
      String refusal = dryRunCreate(object);
      if (refusal != null) {
        refusals.add("rendered " + object.getKind() + " refused: " + refusal + "\nfrom\n" + yaml);
      }
    }
    return new Outcome(true, objects.size(), refusals);
  }

  /** Accept, or refuse with these field paths and these lines. */
  record Verdict(boolean accepted, Set<String> paths, Set<String> texts) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Verdict v && v.accepted == accepted && v.paths.equals(paths);
    }

    @Override
    public int hashCode() {
      return paths.hashCode();
    }
  }

  private static Verdict render(String yaml) {
    try {
      new ManifestReader(NAMESPACE).read(new StringReader(yaml), "fuzz");
      return new Verdict(true, Set.of(), Set.of());
    } catch (InvalidResourceException e) {
      return new Verdict(
          false,
          e.errors().stream()
              .map(FieldError::path)
              .map(RenderParityFuzzIT::normal)
              .collect(Collectors.toCollection(TreeSet::new)),
          e.errors().stream().map(FieldError::text).collect(Collectors.toCollection(TreeSet::new)));
    } catch (ManifestException e) {
      return new Verdict(false, Set.of("<manifest>"), Set.of(e.getMessage()));
    }
  }

  private static Verdict server(String yaml) {
    JsonNode json = ManifestReader.kubectlJson(new StringReader(yaml), "fuzz").get(0);
    GenericKubernetesResource resource =
        Serialization.jsonMapper().convertValue(json, GenericKubernetesResource.class);
    try {
      client
          .resource(resource)
          .inNamespace(NAMESPACE)
          .dryRun()
          .fieldValidation(Validation.STRICT)
          .create();
      return new Verdict(true, Set.of(), Set.of());
    } catch (KubernetesClientException e) {
      Set<String> paths = new TreeSet<>();
      Set<String> texts = new TreeSet<>();
      String message = e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage();
      if (e.getCode() == 400 && message != null && message.contains("strict decoding error")) {
        Matcher unknown = UNKNOWN_FIELD.matcher(message);
        while (unknown.find()) {
          paths.add(unknown.group(1));
          texts.add("unknown field \"" + unknown.group(1) + "\"");
        }
        return new Verdict(false, paths, texts);
      }
      if (e.getCode() != 422 || e.getStatus() == null || e.getStatus().getDetails() == null) {
        return new Verdict(
            false, Set.of("<http " + e.getCode() + ">"), Set.of(String.valueOf(message)));
      }
      for (StatusCause cause : e.getStatus().getDetails().getCauses()) {
        String field = normal(cause.getField() == null ? "" : cause.getField());
        paths.add(field);
        texts.add((field.isEmpty() ? "<nil>" : cause.getField()) + ": " + cause.getMessage());
      }
      return new Verdict(false, paths, texts);
    }
  }

  private static String normal(String path) {
    return "<nil>".equals(path) ? "" : path;
  }

  private static List<HasMetadata> rendered(String yaml) {
    VllmDeployment vllm = new ManifestReader(NAMESPACE).read(new StringReader(yaml), "fuzz").get(0);
    return DesiredObjects.of(vllm, true);
  }

  private static String dryRunCreate(HasMetadata object) {
    try {
      client
          .resource(object)
          .inNamespace(NAMESPACE)
          .dryRun()
          .fieldValidation(Validation.STRICT)
          .create();
      return null;
    } catch (KubernetesClientException e) {
      return e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage();
    }
  }

  // ---------------------------------------------------------------- the generator

  private static List<JsonNode> seeds() {
    List<JsonNode> seeds = new ArrayList<>();
    for (Path example : TestManifests.examples()) {
      try {
        for (JsonNode doc :
            ManifestReader.kubectlJson(new StringReader(Files.readString(example)), "example")) {
          if (doc != null && doc.has("spec")) {
            seeds.add(doc.get("spec"));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    ValidationCases.invalid().forEach(c -> seeds.add(c.manifest().get("spec")));
    return seeds;
  }

  private static final String[] STRINGS = {
    "",
    " ",
    "a",
    "a b",
    "x\n",
    "\ty",
    "ü",
    "日本語",
    "🚀",
    "m",
    "meta-llama/Llama-3.1-8B",
    "Foo",
    "-1",
    "0",
    "1",
    "1e3",
    "1.5",
    "yes",
    "on",
    "null",
    "true",
    "0x10",
    "10Gi",
    "500m",
    "0Gi",
    "abc",
    "-2Gi",
    "1h",
    "30m",
    "45m",
    "0s",
    "5s",
    "1m",
    "2m",
    "25h",
    "48h",
    "1h30m",
    "90s",
    "1000000h",
    "15s",
    "0h",
    "nvidia.com/gpu",
    "kubernetes.io/gpu",
    "NVIDIA-H100-80GB-HBM3",
    "{{ $value }}",
    "https://runbooks.example.com/vllm",
    "vllm/vllm-openai:v0.33.0",
    "registry.example.com:5000/vllm/vllm-openai@sha256:" + "a".repeat(64),
    "Wait",
    "Exists",
    "Equal",
    "NoSchedule",
    "NoExecute",
    "ClusterIP",
    "NodePort",
    "auto",
    "half",
    "awq",
    "fp8",
    "ReadWriteOnce",
    "ReadWriteMany",
    "HF_TOKEN",
    "VLLM_API_KEY",
    "metadata.name",
    "--dtype=half",
    "--enable-prefix-caching",
    "--port=1",
    "--api-key",
    "x".repeat(64),
    "y".repeat(257),
  };

  private static final long[] LONGS = {
    0,
    1,
    2,
    3,
    4,
    -1,
    8,
    10,
    63,
    64,
    65,
    100,
    101,
    999,
    1000,
    1001,
    8000,
    65535,
    65536,
    70000,
    10_000_000,
    10_000_001,
    Integer.MAX_VALUE,
    1L + Integer.MAX_VALUE,
    3_000_000_000L,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
  };

  private static final double[] DOUBLES = {0.5, 1.5, 0.05, 0.9, 1.0, 1.2, -0.1, 1e20, 3.4e38, 1e-9};

  private static JsonNode mutate(JsonNode spec, Random random) {
    List<String> paths = new ArrayList<>();
    collect(spec, "", paths);
    String path = paths.get(random.nextInt(paths.size()));
    JsonNode parent = path.isEmpty() ? null : at(spec, parentOf(path));
    String last = path.isEmpty() ? null : lastOf(path);
    int choice = random.nextInt(10);
    if (choice <= 2 && spec.isObject()) {
      // Grow: add a field the schema knows, with a value of its type (or near it).
      JsonNode target = at(spec, path);
      JsonNode schema = schemaAt(path);
      if (target != null && target.isObject() && schema.has("properties")) {
        List<String> names = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(names::add);
        String field = names.get(random.nextInt(names.size()));
        ((ObjectNode) target)
            .set(field, valueFor(schema.path("properties").path(field), random, 0));
        return spec;
      }
    }
    if (parent == null) {
      return spec;
    }
    JsonNode replacement =
        switch (choice) {
          case 3 -> null; // remove
          case 4 -> randomScalar(random);
          case 5 -> valueFor(schemaAt(path), random, 0);
          case 6 -> nearBound(schemaAt(path), at(spec, path), random);
          case 7 -> {
            if (parent.isObject()) {
              ((ObjectNode) parent).set("extra" + random.nextInt(3), randomScalar(random));
            }
            yield at(spec, path);
          }
          default -> valueFor(schemaAt(path), random, 0);
        };
    if (parent.isObject()) {
      if (replacement == null) {
        ((ObjectNode) parent).remove(last);
      } else {
        ((ObjectNode) parent).set(last, replacement);
      }
    } else if (parent.isArray()) {
      int index = Integer.parseInt(last);
      if (replacement == null) {
        ((ArrayNode) parent).remove(index);
      } else {
        ((ArrayNode) parent).set(index, replacement);
      }
    }
    return spec;
  }

  private static void collect(JsonNode node, String path, List<String> paths) {
    paths.add(path);
    if (node.isObject()) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        collect(node.get(name), path.isEmpty() ? name : path + "\u0000" + name, paths);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), path.isEmpty() ? "" + i : path + "\u0000" + i, paths);
      }
    }
  }

  private static JsonNode at(JsonNode root, String path) {
    JsonNode node = root;
    if (path.isEmpty()) {
      return node;
    }
    for (String part : path.split("\u0000")) {
      node = node.isArray() ? node.get(Integer.parseInt(part)) : node.get(part);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  private static String parentOf(String path) {
    int cut = path.lastIndexOf('\u0000');
    return cut < 0 ? "" : path.substring(0, cut);
  }

  private static String lastOf(String path) {
    return path.substring(path.lastIndexOf('\u0000') + 1);
  }

  /** The schema of a path inside spec (array indexes and map keys followed). */
  private static JsonNode schemaAt(String path) {
    JsonNode schema = specSchema;
    if (path.isEmpty()) {
      return schema;
    }
    for (String part : path.split("\u0000")) {
      if (schema.has("items")) {
        schema = schema.get("items");
      } else if (schema.path("properties").has(part)) {
        schema = schema.path("properties").get(part);
      } else if (schema.path("additionalProperties").isObject()) {
        schema = schema.get("additionalProperties");
      } else {
        return JSON.objectNode();
      }
    }
    return schema;
  }

  private static JsonNode valueFor(JsonNode schema, Random random, int depth) {
    if (schema.has("enum") && random.nextInt(4) != 0) {
      JsonNode values = schema.get("enum");
      return values.get(random.nextInt(values.size())).deepCopy();
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return random.nextBoolean()
          ? JSON.numberNode(LONGS[random.nextInt(LONGS.length)])
          : JSON.textNode(STRINGS[random.nextInt(STRINGS.length)]);
    }
    switch (schema.path("type").asText("")) {
      case "object" -> {
        ObjectNode object = JSON.objectNode();
        if (depth < 3) {
          JsonNode properties = schema.path("properties");
          List<String> names = new ArrayList<>();
          properties.fieldNames().forEachRemaining(names::add);
          for (String name : names) {
            if (random.nextInt(3) == 0) {
              object.set(name, valueFor(properties.get(name), random, depth + 1));
            }
          }
          if (names.isEmpty() && schema.path("additionalProperties").isObject()) {
            int n = random.nextInt(3);
            for (int i = 0; i < n; i++) {
              String key =
                  random.nextBoolean() ? "key" + i : STRINGS[random.nextInt(STRINGS.length)];
              object.set(key, valueFor(schema.get("additionalProperties"), random, depth + 1));
            }
          }
        }
        return object;
      }
      case "array" -> {
        ArrayNode array = JSON.arrayNode();
        int n = random.nextInt(3);
        for (int i = 0; i < n && depth < 3; i++) {
          array.add(valueFor(schema.path("items"), random, depth + 1));
        }
        return array;
      }
      case "integer" -> {
        return random.nextInt(5) == 0
            ? nearBound(schema, null, random)
            : JSON.numberNode(LONGS[random.nextInt(LONGS.length)]);
      }
      case "number" -> {
        return random.nextBoolean()
            ? JSON.numberNode(DOUBLES[random.nextInt(DOUBLES.length)])
            : JSON.numberNode(LONGS[random.nextInt(8)]);
      }
      case "boolean" -> {
        return JSON.booleanNode(random.nextBoolean());
      }
      case "string" -> {
        return JSON.textNode(STRINGS[random.nextInt(STRINGS.length)]);
      }
      default -> {
        return randomScalar(random);
      }
    }
  }

  /** A value at or just past a bound of the schema: minimum, maximum, maxLength, maxItems. */
  private static JsonNode nearBound(JsonNode schema, JsonNode current, Random random) {
    int delta = random.nextInt(3) - 1;
    if (schema.has("maximum") && random.nextBoolean()) {
      return JSON.numberNode(schema.get("maximum").asLong() + delta);
    }
    if (schema.has("minimum")) {
      return JSON.numberNode(schema.get("minimum").asLong() + delta);
    }
    if (schema.has("maxLength")) {
      return JSON.textNode("a".repeat(Math.max(0, schema.get("maxLength").asInt() + delta)));
    }
    if (schema.has("maxItems") && current != null && current.isArray() && current.size() > 0) {
      ArrayNode array = JSON.arrayNode();
      for (int i = 0; i < schema.get("maxItems").asInt() + delta; i++) {
        array.add(current.get(i % current.size()).deepCopy());
      }
      return array;
    }
    if ("integer".equals(schema.path("type").asText())) {
      return random.nextBoolean()
          ? JSON.numberNode(new BigInteger("99999999999999999999"))
          : JSON.numberNode(2.5);
    }
    return randomScalar(random);
  }

  private static JsonNode randomScalar(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> JSON.numberNode(LONGS[random.nextInt(LONGS.length)]);
      case 1 -> JSON.numberNode(DOUBLES[random.nextInt(DOUBLES.length)]);
      case 2 -> JSON.booleanNode(random.nextBoolean());
      case 3 -> JSON.objectNode();
      case 4 -> JSON.arrayNode();
      default -> JSON.textNode(STRINGS[random.nextInt(STRINGS.length)]);
    };
  }

  private static String mutateName(Random random, int i) {
    String[] names = {"Fz-" + i, "fz." + i, "fz-" + i + "-", i + "fz", "fz-" + "n".repeat(60), "f"};
    return names[random.nextInt(names.length)];
  }

  private static String yaml(ObjectNode manifest) {
    try {
      return YAML.writeValueAsString(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
