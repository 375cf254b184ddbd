package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.desired.VllmPodTemplate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packaged operator processes against one cluster: one holds the Lease and is the only one that
 * writes; after a kill -9 of the leader the standby takes the Lease (after the lease duration) and
 * reconciles a change; after a SIGTERM of that leader, it finishes, releases the Lease and exits,
 * and the next standby takes over at once. Along the way: the leader's log is JSON whose reconcile
 * lines name their resource, a process started with VLLM_OPERATOR_LOG_FORMAT=text logs text, and
 * the log volume of a crash-looping VllmDeployment is measured in both formats.
 *
 * <p>Who wrote is measured by the API server, not by the operators: each process acts as its own
 * user ({@code leader-it-a} / {@code leader-it-b}) whose writes {@link OperatorIdentities} counts.
 */
class LeaderElectionIT {
  private static final String NS = "leader-it";
  private static final String OPERATOR_NS = "leader-it-operator";
  private static final String LEASE = "vllm-operator-leader";
  private static final Duration LEASE_DURATION = Duration.ofSeconds(8);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  private static final String CRASHING = "crashing";

  /**
   * How long the first leader (JSON) logs about the crash-looping deployment from its creation, and
   * the second (text) after its takeover, before their lines about it are counted.
   */
  private static final Duration JSON_WINDOW = Duration.ofSeconds(30);

  private static final Duration TEXT_WINDOW = Duration.ofSeconds(20);

  private static LocalCluster cluster;
  private static KubernetesClient client;
  private static OperatorIdentities identities;

  @BeforeAll
  static void setUp() {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, NS);
    ClusterFixtures.ensureNamespace(client, OPERATOR_NS);
    identities = OperatorIdentities.create(cluster, "leader-it", "a", "b");
  }

  @AfterAll
  static void tearDown() {
    client.resources(VllmDeployment.class).inNamespace(NS).delete();
    KwokFaults.clearFaults(client, NS);
    client.leases().inNamespace(OPERATOR_NS).withName(LEASE).delete();
    identities.delete();
    client.close();
  }

  @Test
  void onlyTheLeaderWritesAStandbyTakesOverAfterAKillAndAtOnceAfterASigterm() throws Exception {
    try (OperatorProcess a = start("a", Map.of());
        // b logs text, chosen through the environment variable.
        OperatorProcess b = startWhenLeading(a, "b", Map.of("VLLM_OPERATOR_LOG_FORMAT", "text"))) {
      Instant crashingSince = createCrashLooping();
      await("b is a standby and says so on /readyz")
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(() -> readyz(b).equals("200 ok: standby, leader a"));
      assertThat(readyz(a)).isEqualTo("200 ok: leader");
      double aBefore = writes("a");
      double bBefore = writes("b");

      create("llm", "replicas: 1\nengine: {maxModelLen: 8192}");
      awaitReady("llm", 1);
      client.resources(VllmDeployment.class).inNamespace(NS).withName("llm").scale(2);
      awaitReady("llm", 2);
      double aWrites = writes("a") - aBefore;
      double bWrites = writes("b") - bBefore;
      System.out.printf(
          "LEADER-WRITES while both ran: leader a=%.0f standby b=%.0f%n", aWrites, bWrites);
      assertThat(aWrites).as("the leader's writes").isGreaterThan(0);
      assertThat(bWrites).as("the standby's writes (API server's count)").isZero();
      assertThat(holder()).isEqualTo("a");

      // a has led through the crash loop's first JSON_WINDOW: its lines about that CR, in JSON.
      sleepUntil(crashingSince.plus(JSON_WINDOW));
      List<String> aLines = a.linesFrom(0);
      var aParsed = assertJsonWithTheResourceOfEachReconcile(aLines);
      List<String> aAboutCrashing =
          IntStream.range(0, aLines.size())
              .filter(i -> OperatorLogLines.about(aParsed.get(i), NS, CRASHING))
              .mapToObj(aLines::get)
              .toList();
      assertThat(aAboutCrashing).as("a's lines about %s/%s", NS, CRASHING).isNotEmpty();
      Duration jsonWindow = Duration.between(crashingSince, Instant.now());

      Instant killed = Instant.now();
      a.kill();
      var vllm = client.resources(VllmDeployment.class).inNamespace(NS).withName("llm");
      vllm.edit(
          v -> {
            v.getSpec().getEngine().setMaxModelLen(4096);
            return v;
          });
      long generation = vllm.get().getMetadata().getGeneration();

      await("b takes the Lease")
          .atMost(LEASE_DURATION.multipliedBy(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> "b".equals(holder()));
      Instant bLeads = Instant.now();
      double takeover = Duration.between(killed, bLeads).toMillis() / 1000.0;
      // The next standby, started now so that its start overlaps b's first reconciles.
      try (OperatorProcess c = start("c", Map.of())) {
        await("b reconciles the change to Ready")
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(
                () -> {
                  var status = vllm.get().getStatus();
                  return status.getObservedGeneration() == generation
                      && status.getPhase() == Phase.READY
                      && Integer.valueOf(2).equals(status.getReadyReplicas());
                });
        double reconciled = Duration.between(killed, Instant.now()).toMillis() / 1000.0;
        System.out.printf(
            "LEADER-TAKEOVER after=kill-9 seconds=%.1f lease_duration=%d reconciled_after=%.1f%n",
            takeover, LEASE_DURATION.toSeconds(), reconciled);
        assertThat(takeover)
            .as("a standby takes over within about one lease duration")
            .isLessThan(LEASE_DURATION.toSeconds() + 5.0);
        assertThat(readyz(b)).isEqualTo("200 ok: leader");
        assertThat(writes("b") - bBefore).as("the new leader writes").isGreaterThan(0);
        assertThat(client.apps().deployments().inNamespace(NS).withName("llm").get())
            .satisfies(
                d ->
                    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                        .contains("4096"));

        await("c is a standby")
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .until(() -> readyz(c).equals("200 ok: standby, leader b"));
        // b has led through TEXT_WINDOW of the crash loop: the same figures, in text.
        sleepUntil(bLeads.plus(TEXT_WINDOW));
        List<String> bLines = b.linesFrom(0);
        List<String> bAboutCrashing = OperatorLogLines.textAbout(bLines, NS, CRASHING);
        Duration textWindow = Duration.between(bLeads, Instant.now());
        assertThat(bLines)
            .as("b's lines are text events (or the stack trace lines of one)")
            .isNotEmpty()
            .allSatisfy(l -> assertThat(l.startsWith("{")).as(l).isFalse());
        assertThat(bAboutCrashing)
            .as("b's lines about %s/%s, tagged by the text layout", NS, CRASHING)
            .isNotEmpty();
        report("json", aAboutCrashing, jsonWindow);
        report("text", bAboutCrashing, textWindow);

        int bLinesBefore = b.lineCount();
        Instant terminated = Instant.now();
        Duration exit = b.terminate(SHUTDOWN_TIMEOUT.plusSeconds(10));
        String holderAtExit = holder();
        await("c takes the Lease")
            .atMost(LEASE_DURATION.multipliedBy(3))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> "c".equals(holder()));
        double sigtermTakeover = Duration.between(terminated, Instant.now()).toMillis() / 1000.0;
        System.out.printf(
            "LEADER-TAKEOVER after=sigterm seconds=%.1f process_exit=%.1f holder_at_exit=%s"
                + " lease_duration=%d (kill -9: %.1f)%n",
            sigtermTakeover,
            exit.toMillis() / 1000.0,
            holderAtExit,
            LEASE_DURATION.toSeconds(),
            takeover);
        assertThat(exit).as("b exits within its shutdown timeout").isLessThan(SHUTDOWN_TIMEOUT);
        assertThat(b.exitValue()).as("exit code of a JVM ended by SIGTERM").isEqualTo(143);
        assertThat(holderAtExit)
            .as("b released the Lease before it exited (no holder, or c already)")
            .isNotEqualTo("b");
        assertThat(sigtermTakeover)
            .as("after a release, a standby takes over at its next try, not after the lease")
            .isLessThan(LEASE_DURATION.toSeconds());
        assertThat(String.join("\n", b.linesFrom(bLinesBefore)))
            .contains("shutting down: no new reconciles")
            .contains("released the lease " + LEASE);
        await("c says it leads")
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> readyz(c).equals("200 ok: leader"));
      }
    }
  }

  /**
   * Every line parses as a JSON object with a timestamp and a level, and every line of a reconcile
   * (JOSDK's reconciler threads, the workflow's dependents) names its resource.
   */
  private static List<JsonNode> assertJsonWithTheResourceOfEachReconcile(List<String> lines) {
    var parsed = OperatorLogLines.parseJson(lines);
    assertThat(parsed)
        .allSatisfy(
            l -> {
              assertThat(Instant.parse(l.path("timestamp").asText())).isNotNull();
              assertThat(l.path("level").asText()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
              assertThat(l.path("logger").asText()).isNotEmpty();
              assertThat(l.path("thread").asText()).isNotEmpty();
              assertThat(l.has("message")).isTrue();
            });
    var reconciling =
        parsed.stream()
            .filter(
                l ->
                    l.path("thread").asText().startsWith("ReconcilerExecutor-")
                        || l.path("thread").asText().startsWith("workflow-"))
            .toList();
    assertThat(reconciling)
        .as("lines logged during a reconcile")
        .isNotEmpty()
        .allSatisfy(
            l -> {
              assertThat(l.path("resource.namespace").asText()).as(l.toString()).isEqualTo(NS);
              assertThat(l.path("resource.name").asText()).as(l.toString()).isIn("llm", CRASHING);
            });
    assertThat(reconciling)
        .as("the reconciler's own line for llm")
        .anySatisfy(
            l ->
                assertThat(l.path("message").asText())
                    .isEqualTo(NS + "/llm: applied generation 1"));
    return parsed;
  }

  /**
   * A VllmDeployment whose pods crash with vLLM's CUDA out-of-memory log on every start, one more
   * restart every 10 s: a first rollout that fails and stays failed.
   */
  private static Instant createCrashLooping() throws IOException {
    VllmDeployment vllm = manifest(CRASHING, "replicas: 1");
    var template = VllmPodTemplate.of(vllm);
    var target =
        new KwokFaults.Target(
            NS, template.getMetadata().getAnnotations().get(VllmPodTemplate.REVISION_ANNOTATION));
    String log =
        Files.readString(
            TestManifests.repoRoot()
                .resolve(
                    "operator/src/test/resources/failure-logs/cluster/CudaOutOfMemory.profiling.log"));
    KwokFaults.crashLoop(
        client, target, 100, Duration.ofSeconds(10), 1, KwokFaults.terminationMessage(log));
    KwokFaults.awaitArmed(
        client, target, template.getSpec().getNodeSelector(), template.getSpec().getTolerations());
    client.resource(vllm).create();
    return Instant.now();
  }

  /** The lines come in bursts (a failure is reported once), so no per-minute extrapolation. */
  private static void report(String format, List<String> lines, Duration window) {
    System.out.printf(
        "LOG-VOLUME format=%s resource=%s/%s (crash loop) window_seconds=%d lines=%d bytes=%d%n",
        format, NS, CRASHING, window.toSeconds(), lines.size(), OperatorLogLines.bytes(lines));
    lines.forEach(l -> System.out.println("    " + l));
  }

  private static void sleepUntil(Instant at) throws InterruptedException {
    Duration left = Duration.between(Instant.now(), at);
    if (!left.isNegative()) {
      Thread.sleep(left.toMillis());
    }
  }

  private static OperatorProcess start(String id, Map<String, String> env) {
    var environment = new HashMap<>(env);
    environment.putAll(identities.impersonation(id));
    return OperatorProcess.start(
        cluster.kubeconfig(),
        environment,
        "--shutdown-timeout=" + SHUTDOWN_TIMEOUT.toSeconds() + "s",
        "--leader-election",
        "--leader-election-namespace=" + OPERATOR_NS,
        "--leader-election-identity=" + id,
        "--leader-election-lease-duration=" + LEASE_DURATION.toSeconds() + "s",
        "--leader-election-renew-deadline=6s",
        "--leader-election-retry-period=2s");
  }

  /** Starts the second process once the first holds the Lease, so who leads is known. */
  private static OperatorProcess startWhenLeading(
      OperatorProcess first, String id, Map<String, String> env) {
    await("a holds the Lease")
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> "a".equals(holder()) && readyz(first).equals("200 ok: leader"));
    return start(id, env);
  }

  private static String holder() {
    Lease lease = client.leases().inNamespace(OPERATOR_NS).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static double writes(String id) {
    return identities.writes(id);
  }

  private static String readyz(OperatorProcess operator) throws IOException, InterruptedException {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + operator.httpPort() + "/readyz"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private static void create(String name, String specYaml) {
    client.resource(manifest(name, specYaml)).create();
  }

  private static VllmDeployment manifest(String name, String specYaml) {
    VllmDeployment vllm =
        TestManifests.vllm(name, "model: {name: Qwen/Qwen2.5-1.5B-Instruct}\n" + specYaml);
    vllm.getMetadata().setNamespace(NS);
    vllm.getMetadata().setGeneration(null);
    vllm.setStatus(null);
    return vllm;
  }

  private static void awaitReady(String name, int replicas) {
    await(name + " ready " + replicas)
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(
            () -> {
              var status =
                  client.resources(VllmDeployment.class).inNamespace(NS).withName(name).get();
              return status.getStatus().getPhase() == Phase.READY
                  && Integer.valueOf(replicas).equals(status.getStatus().getReadyReplicas());
            });
  }
}
