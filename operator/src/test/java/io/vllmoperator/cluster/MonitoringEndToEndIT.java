package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.fabric8.openshift.api.model.monitoring.v1.AlertmanagerBuilder;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusBuilder;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.monitoring.AlertRules;
import io.vllmoperator.monitoring.FakeVllmPod;
import io.vllmoperator.monitoring.FakeVllmPod.Breach;
import io.vllmoperator.monitoring.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * From a VllmDeployment to a page, with the real parts: the packaged operator creates the
 * ServiceMonitor and PrometheusRule; the real prometheus-operator (built by scripts/testbin) turns
 * them, a Prometheus and an Alertmanager resource into configuration; Prometheus 3.5.0 (built by
 * scripts/testbin: Debian's prometheus has no Kubernetes discovery) and the Debian
 * prometheus-alertmanager run that configuration, changed only where a process on this machine
 * differs from a pod ({@link OutsidePodConfig}); Prometheus discovers the kwok pods through our
 * Service and scrapes fake vLLM servers answering for the pods' addresses; the generated rules
 * fire; Alertmanager routes them by severity twice: with the documented global routing
 * (docs/alertmanager-example.yaml) to two webhook receivers, "pager" and "ticket", and through each
 * deployment's own AlertmanagerConfig (spec.monitoring.alertRouting, merged by prometheus-operator)
 * to the receivers it names `<namespace>/<name>/critical|warning`, whose URLs come from a Secret.
 *
 * <p>The alerts keep the `for:` of alerts/vllm-alerts.yaml, except what
 * spec.monitoring.alerts.rules changes as a user would: VllmHighTimeToFirstToken and
 * VllmKvCacheSaturated `for: 1m` (10m otherwise), and lone's VllmTargetDown `for: 1m`, so that its
 * whole-deployment page arrives while its latency alert still fires and the AlertmanagerConfig's
 * inhibition can be seen. The operator is scraped, but its series for lone are dropped, so lone's
 * page can only come from the branch of VllmTargetDown that reads the vLLM targets alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringEndToEndIT {
  private static final String LLM = "llm-e2e";
  private static final String MON = "monitoring-e2e";
  private static final String RELEASE = "e2e";
  private static final String PROMETHEUS_SA = "prometheus-e2e";
  private static final String OPERATOR_JOB = "vllm-operator";

  /** The Secret with the URLs of the routed receivers (spec.monitoring.alertRouting). */
  private static final String RECEIVERS_SECRET = "e2e-receivers";

  private static final String ROUTED_PAGER = "/routed/pager";
  private static final String ROUTED_TICKET = "/routed/ticket";

  /** The deployment whose operator series the operator's scrape drops. */
  private static final String NOT_SCRAPED_FOR_OPERATOR = "lone";

  /** Not a pod address kwok hands out (it allocates from the bottom of 10.244.0.0/16). */
  private static final String OPERATOR_POD_IP = "10.244.255.254";

  private static final int VLLM_PORT = 8000;
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
  private static final ObjectMapper JSON = new ObjectMapper();

  /** llama-8b: every breach; lone: slow, then its only pod dies; pair: one of two pods dies. */
  private static final Map<String, Integer> REPLICAS =
      new LinkedHashMap<>(Map.of("llama-8b", 2, "lone", 1, "pair", 2));

  private static LocalCluster cluster;
  private static KubernetesClient client;
  private static Path work;
  private static OutsidePodConfig outsidePod;
  private static final List<AutoCloseable> running = new ArrayList<>();
  private static final Map<String, FakeVllmPod> fakePods = new TreeMap<>();
  private static final Map<String, List<String>> podsOf = new TreeMap<>();
  private static final Map<String, String> podIps = new TreeMap<>();
  private static OperatorProcess operator;
  private static LocalDaemon prometheus;
  private static LocalDaemon alertmanager;
  private static WebhookReceiver receivers;
  private static Instant started;

  @BeforeAll
  static void startTheStack() throws Exception {
    started = Instant.now();
    cluster = LocalCluster.get();
    client = cluster.newClient();
    work = TestManifests.repoRoot().resolve("operator/target/monitoring-e2e");
    deleteRecursively(work);
    Files.createDirectories(work);
    outsidePod = new OutsidePodConfig(64 + new Random().nextInt(160));

    ClusterFixtures.installCrd(client);
    installPrometheusOperatorCrds();
    ClusterFixtures.ensureNamespace(client, LLM);
    ClusterFixtures.ensureNamespace(client, MON);

    int poPort = LocalDaemon.freePort();
    running.add(
        LocalDaemon.start(
            "prometheus-operator",
            List.of(
                cluster.binary("prometheus-operator").toString(),
                "--web.listen-address=127.0.0.1:" + poPort,
                "--namespaces=" + LLM + "," + MON),
            poPort,
            cluster.kubeconfig(),
            work,
            "/healthz",
            Duration.ofSeconds(60)));
    operator = OperatorProcess.start(cluster.kubeconfig());
    running.add(operator);
    receivers = WebhookReceiver.start("/pager", "/ticket", ROUTED_PAGER, ROUTED_TICKET);
    running.add(receivers);
    createReceiverSecret();

    createPrometheusAndAlertmanager();
    scrapeTheOperatorAsTheChartDoes();
    REPLICAS.forEach(MonitoringEndToEndIT::createVllmDeployment);
    serveFakeVllmOnEveryPod();

    alertmanager = startAlertmanager();
    running.add(alertmanager);
    prometheus = startPrometheus();
    running.add(prometheus);
    System.out.printf(
        "MONITORING-E2E stack up in %ds (prometheus-operator, operator, Prometheus %s,"
            + " Alertmanager %s)%n",
        Duration.between(started, Instant.now()).toSeconds(),
        prometheus.url(""),
        alertmanager.url(""));
  }

  @AfterAll
  static void stopTheStack() {
    fakePods.values().forEach(FakeVllmPod::close);
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        System.out.println("closing " + running.get(i) + ": " + e);
      }
    }
    if (client != null) {
      client.resources(VllmDeployment.class).inNamespace(LLM).delete();
      client.secrets().inNamespace(LLM).withName(RECEIVERS_SECRET).delete();
      client.namespaces().withName(MON).delete();
      // Waits until they are gone: a later test class may install some of them again.
      cluster.kubectl(
          "",
          "delete",
          "--ignore-not-found",
          "-f",
          cluster.prometheusOperatorCrd("prometheuses").getParent().toString());
      client.close();
    }
    System.out.printf(
        "MONITORING-E2E total %ds%n", Duration.between(started, Instant.now()).toSeconds());
  }

  @Test
  @Order(1)
  void prometheusDiscoversThePodsThroughOurServiceMonitorWithTheLabelsTheAlertsUse() {
    await("every fake vLLM pod and the operator up")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(values("up{namespace=\"" + LLM + "\"} == 1")).hasSize(5);
              assertThat(values("up{job=\"" + OPERATOR_JOB + "\"} == 1")).hasSize(1);
            });

    for (String pod : podsOf.get("llama-8b")) {
      JsonNode series =
          single("vllm:kv_cache_usage_perc{namespace=\"" + LLM + "\",pod=\"" + pod + "\"}");
      assertThat(labels(series))
          .as("labels of vllm:kv_cache_usage_perc of pod %s", pod)
          .containsEntry("namespace", LLM)
          .containsEntry("job", "llama-8b")
          .containsEntry("service", "llama-8b")
          .containsEntry("pod", pod)
          .containsEntry("container", "vllm")
          .containsEntry("endpoint", "http")
          .containsEntry("model", "llama-8b")
          .containsEntry("environment", "e2e")
          .containsEntry("instance", podIps.get(pod) + ":" + VLLM_PORT)
          .containsEntry("model_name", "llama-8b")
          .containsEntry("engine", "0");
    }
    assertThat(
            values(
                "vllm_operator_deployment_replicas{deployment_namespace=\""
                    + LLM
                    + "\",deployment=\"pair\",state=\"desired\"}"))
        .as("the operator's own metrics, scraped through the chart's ServiceMonitor")
        .containsExactly(2.0);
    assertThat(
            query(
                "count_over_time(vllm_operator_deployment_replicas{deployment=\""
                    + NOT_SCRAPED_FOR_OPERATOR
                    + "\"}[1h])"))
        .as("no operator series of lone were ever stored: its page cannot use them")
        .isEmpty();

    await("the 3 generated rule groups loaded and evaluated without error")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode groups = api(prometheus, "/api/v1/rules").path("groups");
              Map<String, Long> healthyRules = new TreeMap<>();
              for (JsonNode group : groups) {
                long ok = 0;
                for (JsonNode rule : group.path("rules")) {
                  ok += "ok".equals(rule.path("health").asText()) ? 1 : 0;
                }
                healthyRules.put(group.path("name").asText(), ok);
              }
              assertThat(healthyRules)
                  .containsExactlyInAnyOrderEntriesOf(
                      Map.of(
                          "vllm-operator." + LLM + ".llama-8b", 13L,
                          "vllm-operator." + LLM + ".lone", 13L,
                          "vllm-operator." + LLM + ".pair", 13L));
            });
  }

  @Test
  @Order(2)
  void aBreachEndsAsAPageOrATicketAsItsSeverityNames() {
    Instant breach = Instant.now();
    podsOf.get("llama-8b").forEach(p -> fakePods.get(p).breach(Breach.values()));
    String deadPairPod = podsOf.get("pair").get(0);
    String livePairPod = podsOf.get("pair").get(1);
    fakePods.get(deadPairPod).stop();
    // A warning of a deployment that is down: the documented inhibition keeps it off the ticket.
    fakePods.get(livePairPod).breach(Breach.QUEUE);
    // lone is slow until its TTFT alert fires, then its only pod dies: the whole-deployment
    // VllmTargetDown (for: 1m) then inhibits that latency alert (the AlertmanagerConfig's rule).
    String lonePod = podsOf.get("lone").get(0);
    fakePods.get(lonePod).breach(Breach.TTFT);
    await("lone's VllmHighTimeToFirstToken firing in Prometheus (for: 1m)")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .failFast("Prometheus or Alertmanager exited", this::aDaemonDied)
        .until(() -> firingInPrometheus("VllmHighTimeToFirstToken", "lone"));
    fakePods.get(lonePod).stop();
    Duration loneStoppedAfter = Duration.between(breach, Instant.now());

    List<String> llamaPods = podsOf.get("llama-8b");
    Set<String> expected =
        Set.of(
            "pager VllmTargetDown pair " + deadPairPod,
            "pager VllmTargetDown lone",
            "pager VllmHighErrorRate llama-8b",
            "pager VllmHighTimeToFirstToken llama-8b",
            "ticket VllmRequestQueueBacklog llama-8b " + llamaPods.get(0),
            "ticket VllmRequestQueueBacklog llama-8b " + llamaPods.get(1),
            "ticket VllmKvCacheSaturated llama-8b " + llamaPods.get(0),
            "ticket VllmKvCacheSaturated llama-8b " + llamaPods.get(1));
    Map<String, Duration> deliveredAfter = new TreeMap<>();
    Map<String, Duration> routedAfter = new TreeMap<>();
    List<JsonNode> loneInhibition = new ArrayList<>();
    await(
            "every alert at the receiver its severity names, globally and through each deployment's"
                + " AlertmanagerConfig; lone's TTFT inhibited by its VllmTargetDown")
        .atMost(Duration.ofMinutes(8))
        .pollInterval(Duration.ofSeconds(2))
        .failFast("Prometheus or Alertmanager exited", this::aDaemonDied)
        .untilAsserted(
            () -> {
              record(deliveredAfter, breach, "/pager", "/ticket");
              record(routedAfter, breach, ROUTED_PAGER, ROUTED_TICKET);
              if (loneInhibition.isEmpty()) {
                loneInhibition.addAll(loneLatencyInhibitedByItsTargetDown());
              }
              assertThat(deliveredAfter).containsKeys(expected.toArray(String[]::new));
              assertThat(routedAfter).containsKeys(expected.toArray(String[]::new));
              assertThat(loneInhibition)
                  .as("Alertmanager holds lone's VllmHighTimeToFirstToken, inhibited")
                  .isNotEmpty();
            });

    JsonNode podDown = firing("/pager", "VllmTargetDown", "pair");
    assertCommon(podDown, "critical", "pair");
    assertThat(podDown.path("labels").path("pod").asText()).isEqualTo(deadPairPod);
    assertThat(podDown.path("annotations").path("summary").asText())
        .isEqualTo("vLLM " + LLM + "/pair: pod " + deadPairPod + " is down");
    assertThat(podDown.path("annotations").path("description").asText())
        .contains("(" + podIps.get(deadPairPod) + ":" + VLLM_PORT + ")")
        .contains("for 5 minutes")
        .contains("1 pod(s) still serve");

    // Paged without any operator series of lone (checked in the first test): the branch that
    // reads only the vLLM targets.
    JsonNode lonePodDown = firing("/pager", "VllmTargetDown", "lone");
    assertCommon(lonePodDown, "critical", "lone");
    assertThat(lonePodDown.path("labels").has("pod")).isFalse();
    assertThat(lonePodDown.path("annotations").path("summary").asText())
        .isEqualTo("vLLM " + LLM + "/lone: no pod is serving");
    assertThat(lonePodDown.path("annotations").path("description").asText())
        .contains("for 1 minute")
        .contains("0 pod(s) still serve")
        .contains("The model is not being served");
    assertThat(
            query(
                "count_over_time(vllm_operator_deployment_replicas{deployment=\""
                    + NOT_SCRAPED_FOR_OPERATOR
                    + "\"}[1h])"))
        .as("still no operator series of lone when its page arrived")
        .isEmpty();

    JsonNode errors = firing("/pager", "VllmHighErrorRate", "llama-8b");
    assertCommon(errors, "critical", "llama-8b");
    String errorText = errors.path("annotations").path("description").asText();
    assertThat(errorText).contains("above the threshold of 5%");
    assertThat(percentBefore(errorText, "% of the requests")).isGreaterThan(5.0);

    JsonNode ttft = firing("/pager", "VllmHighTimeToFirstToken", "llama-8b");
    assertCommon(ttft, "critical", "llama-8b");
    String ttftText = ttft.path("annotations").path("description").asText();
    assertThat(ttftText).contains("above the threshold of 2s").contains("for 1 minute");
    Matcher p95 = Pattern.compile(" is ([0-9.]+)s over the last 5 minutes").matcher(ttftText);
    assertThat(p95.find()).as(ttftText).isTrue();
    assertThat(Double.parseDouble(p95.group(1))).as("p95 TTFT, seconds").isGreaterThan(2.0);

    for (String pod : llamaPods) {
      JsonNode queue = firing("/ticket", "VllmRequestQueueBacklog", "llama-8b", pod);
      assertCommon(queue, "warning", "llama-8b");
      assertThat(queue.path("annotations").path("description").asText())
          .startsWith(FakeVllmPod.WAITING_IN_BREACH + " requests are waiting")
          .contains("pod " + pod)
          .contains("above the threshold of 20");
      JsonNode kv = firing("/ticket", "VllmKvCacheSaturated", "llama-8b", pod);
      assertCommon(kv, "warning", "llama-8b");
      assertThat(kv.path("annotations").path("description").asText())
          .contains("is 97%")
          .contains("above the threshold of 90%")
          .contains("for 1 minute");
    }

    assertThat(receivedNames("/pager"))
        .as("only critical alerts page")
        .isSubsetOf(Set.of("VllmTargetDown", "VllmHighErrorRate", "VllmHighTimeToFirstToken"));
    assertThat(receivedNames("/ticket"))
        .as("only warnings are ticketed")
        .isSubsetOf(Set.of("VllmRequestQueueBacklog", "VllmKvCacheSaturated"));
    assertThat(receivers.alerts("/ticket"))
        .as("pair's queue warning is inhibited by its VllmTargetDown")
        .noneMatch(a -> "pair".equals(a.path("labels").path("job").asText()));
    JsonNode inhibited = api(alertmanager, "/api/v2/alerts?inhibited=true&filter=job%3D%22pair%22");
    assertThat(inhibited)
        .as("Alertmanager holds pair's VllmRequestQueueBacklog, inhibited")
        .anySatisfy(
            a -> {
              assertThat(a.path("labels").path("alertname").asText())
                  .isEqualTo("VllmRequestQueueBacklog");
              assertThat(a.path("status").path("inhibitedBy")).isNotEmpty();
            });

    assertRoutedByTheDeploymentsAlertmanagerConfig(ROUTED_PAGER, "critical");
    assertRoutedByTheDeploymentsAlertmanagerConfig(ROUTED_TICKET, "warning");
    assertThat(receivers.alerts(ROUTED_TICKET))
        .as("the inhibition holds for the routed receivers too")
        .noneMatch(a -> "pair".equals(a.path("labels").path("job").asText()));

    deliveredAfter.forEach(
        (what, after) ->
            System.out.printf(
                "MONITORING-E2E delivered %s %ds after the breach%n", what, after.toSeconds()));
    routedAfter.forEach(
        (what, after) ->
            System.out.printf(
                "MONITORING-E2E routed %s %ds after the breach%n", what, after.toSeconds()));
    System.out.printf(
        "MONITORING-E2E lone: TTFT firing and its pod stopped %ds after the breach; VllmTargetDown"
            + " delivered %ds after the pod stopped; its TTFT inhibited by %s%n",
        loneStoppedAfter.toSeconds(),
        deliveredAfter.get("pager VllmTargetDown lone").minus(loneStoppedAfter).toSeconds(),
        loneInhibition.get(0).path("status").path("inhibitedBy"));
  }

  /**
   * lone's VllmHighTimeToFirstToken as Alertmanager holds it, if inhibited by lone's own
   * whole-deployment VllmTargetDown (its fingerprint); empty otherwise.
   */
  private static List<JsonNode> loneLatencyInhibitedByItsTargetDown() {
    Set<String> targetDown = new java.util.HashSet<>();
    for (JsonNode a :
        api(
            alertmanager,
            "/api/v2/alerts?filter=alertname%3D%22VllmTargetDown%22&filter=deployment%3D%22lone%22")) {
      targetDown.add(a.path("fingerprint").asText());
    }
    List<JsonNode> inhibited = new ArrayList<>();
    for (JsonNode a :
        api(
            alertmanager,
            "/api/v2/alerts?filter=alertname%3D%22VllmHighTimeToFirstToken%22"
                + "&filter=deployment%3D%22lone%22")) {
      for (JsonNode by : a.path("status").path("inhibitedBy")) {
        if (targetDown.contains(by.asText())) {
          inhibited.add(a);
        }
      }
    }
    return inhibited;
  }

  /**
   * Every notification at a routed receiver was sent by the receiver prometheus-operator named for
   * the deployment (`<namespace>/<name>/<severity>`), and each of its alerts carries that
   * deployment and severity.
   */
  private static void assertRoutedByTheDeploymentsAlertmanagerConfig(String path, String severity) {
    List<JsonNode> notifications = receivers.notifications(path);
    assertThat(notifications).as(path).isNotEmpty();
    Set<String> deployments = new java.util.TreeSet<>();
    for (JsonNode notification : notifications) {
      String deployment = notification.path("groupLabels").path("deployment").asText();
      deployments.add(deployment);
      assertThat(notification.path("receiver").asText())
          .as("receiver of %s", notification.path("groupLabels"))
          .isEqualTo(LLM + "/" + deployment + "/" + severity);
      for (JsonNode alert : notification.path("alerts")) {
        assertThat(alert.path("labels").path("deployment").asText())
            .as("deployment label of %s", alert.path("labels"))
            .isEqualTo(deployment);
        if ("firing".equals(alert.path("status").asText())) {
          assertCommon(alert, severity, deployment);
        }
      }
    }
    assertThat(deployments).as(path + " deployments").isSubsetOf(REPLICAS.keySet());
  }

  private static boolean firingInPrometheus(String alertname, String job) {
    for (JsonNode alert : api(prometheus, "/api/v1/alerts").path("alerts")) {
      if ("firing".equals(alert.path("state").asText())
          && alertname.equals(alert.path("labels").path("alertname").asText())
          && job.equals(alert.path("labels").path("job").asText())) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ assertions on notifications

  private static void assertCommon(JsonNode alert, String severity, String job) {
    JsonNode labels = alert.path("labels");
    String name = labels.path("alertname").asText();
    assertThat(labels.path("severity").asText()).as(name + " severity").isEqualTo(severity);
    assertThat(labels.path("namespace").asText()).as(name + " namespace").isEqualTo(LLM);
    assertThat(labels.path("job").asText()).as(name + " job").isEqualTo(job);
    assertThat(labels.path("team").asText())
        .as(name + " carries spec.monitoring.alerts.labels")
        .isEqualTo("ml-platform");
    assertThat(labels.path("prometheus").asText())
        .as(name + " external label of the generated config")
        .isEqualTo(MON + "/e2e");
    assertThat(alert.path("annotations").path("runbook_url").asText())
        .isEqualTo(AlertRules.DEFAULT_RUNBOOK_BASE_URL + "/" + name + ".md");
  }

  private static JsonNode firing(String receiver, String alertname, String job, String... pod) {
    return receivers.alerts(receiver).stream()
        .filter(a -> "firing".equals(a.path("status").asText()))
        .filter(a -> alertname.equals(a.path("labels").path("alertname").asText()))
        .filter(a -> job.equals(a.path("labels").path("job").asText()))
        .filter(a -> pod.length == 0 || pod[0].equals(a.path("labels").path("pod").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(alertname + " for " + job + " not at " + receiver));
  }

  /**
   * "pager|ticket alertname job [pod]" of every firing alert received at these paths (named by
   * their last segment), with the time it took.
   */
  private static void record(Map<String, Duration> delivered, Instant breach, String... paths) {
    for (String receiver : paths) {
      for (JsonNode alert : receivers.alerts(receiver)) {
        if (!"firing".equals(alert.path("status").asText())) {
          continue;
        }
        JsonNode labels = alert.path("labels");
        String key =
            (receiver.substring(receiver.lastIndexOf('/') + 1)
                    + " "
                    + labels.path("alertname").asText()
                    + " "
                    + labels.path("job").asText()
                    + " "
                    + labels.path("pod").asText(""))
                .strip();
        delivered.putIfAbsent(key, Duration.between(breach, Instant.now()));
      }
    }
  }

  private static Set<String> receivedNames(String receiver) {
    return receivers.alerts(receiver).stream()
        .map(a -> a.path("labels").path("alertname").asText())
        .collect(Collectors.toSet());
  }

  private static double percentBefore(String text, String suffix) {
    Matcher m = Pattern.compile("([0-9.]+)" + Pattern.quote(suffix)).matcher(text);
    assertThat(m.find()).as("a percentage before '%s' in: %s", suffix, text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private boolean aDaemonDied() {
    return !prometheus.isAlive() || !alertmanager.isAlive();
  }

  // ------------------------------------------------------------------ Prometheus queries

  private static List<Double> values(String promql) {
    List<Double> values = new ArrayList<>();
    for (JsonNode sample : query(promql)) {
      values.add(Double.parseDouble(sample.path("value").get(1).asText()));
    }
    return values;
  }

  private static JsonNode single(String promql) {
    JsonNode result = query(promql);
    assertThat(result).as(promql).hasSize(1);
    return result.get(0);
  }

  private static Map<String, String> labels(JsonNode sample) {
    Map<String, String> labels = new TreeMap<>();
    sample.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static JsonNode query(String promql) {
    return api(
            prometheus, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .path("result");
  }

  /** The "data" of a Prometheus API answer, or the whole body of an Alertmanager one. */
  private static JsonNode api(LocalDaemon daemon, String path) {
    var response =
        daemon.get(path).orElseThrow(() -> new AssertionError(daemon.url(path) + " not reachable"));
    try {
      JsonNode body = JSON.readTree(response.body());
      assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
      return body.has("data") ? body.path("data") : body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ setup

  private static void installPrometheusOperatorCrds() {
    Path crds = cluster.prometheusOperatorCrd("prometheuses").getParent();
    var applied = cluster.kubectl("", "apply", "--server-side", "-f", crds.toString());
    assertThat(applied.exitCode()).as(applied.output()).isZero();
    var established =
        cluster.kubectl(
            "", "wait", "--for=condition=Established", "--timeout=60s", "-f", crds.toString());
    assertThat(established.exitCode()).as(established.output()).isZero();
  }

  private static void createPrometheusAndAlertmanager() {
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(PROMETHEUS_SA)
                .withNamespace(MON)
                .endMetadata()
                .build())
        .serverSideApply();
    // What kube-prometheus-stack grants its Prometheus for Kubernetes service discovery.
    client
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(PROMETHEUS_SA)
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("nodes", "services", "endpoints", "pods")
                        .withVerbs("get", "list", "watch")
                        .build(),
                    new PolicyRuleBuilder()
                        .withApiGroups("discovery.k8s.io")
                        .withResources("endpointslices")
                        .withVerbs("get", "list", "watch")
                        .build())
                .build())
        .serverSideApply();
    client
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(PROMETHEUS_SA)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", PROMETHEUS_SA)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(PROMETHEUS_SA)
                .withNamespace(MON)
                .endSubject()
                .build())
        .serverSideApply();

    LabelSelector release = new LabelSelectorBuilder().addToMatchLabels("release", RELEASE).build();
    client
        .resource(
            new PrometheusBuilder()
                .withNewMetadata()
                .withName(RELEASE)
                .withNamespace(MON)
                .endMetadata()
                .withNewSpec()
                // The version of the prometheus binary that runs the generated config.
                .withVersion("v" + versionOf(cluster.binary("prometheus")))
                .withServiceAccountName(PROMETHEUS_SA)
                .withServiceMonitorSelector(release)
                .withServiceMonitorNamespaceSelector(new LabelSelector())
                .withRuleSelector(release)
                .withRuleNamespaceSelector(new LabelSelector())
                .withScrapeInterval("1s")
                .withEvaluationInterval("1s")
                .withServiceDiscoveryRole("EndpointSlice")
                .withNewAlerting()
                .addNewAlertmanager()
                .withNamespace(MON)
                .withName("alertmanager-operated")
                .withNewPort("web")
                .endAlertmanager()
                .endAlerting()
                .endSpec()
                .build())
        .serverSideApply();

    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("alertmanager-" + RELEASE)
                .withNamespace(MON)
                .endMetadata()
                .addToStringData("alertmanager.yaml", routingConfig())
                .build())
        .serverSideApply();
    client
        .resource(
            new AlertmanagerBuilder()
                .withNewMetadata()
                .withName(RELEASE)
                .withNamespace(MON)
                .endMetadata()
                .withNewSpec()
                .withVersion(
                    "v"
                        + versionOf(
                            Tools.require("prometheus-alertmanager", "prometheus-alertmanager")))
                .withReplicas(1)
                // As kube-prometheus-stack's alertmanagerSpec for per-deployment routing.
                .withAlertmanagerConfigSelector(release)
                .withAlertmanagerConfigNamespaceSelector(new LabelSelector())
                .endSpec()
                .build())
        .serverSideApply();
  }

  /**
   * docs/alertmanager-example.yaml, the routing the docs tell users to take, with its receivers
   * replaced by the two webhooks ("Replace the receivers' endpoints with yours") and group_wait 30s
   * shortened to 5s.
   */
  private static String routingConfig() {
    try {
      ObjectNode config =
          (ObjectNode)
              YAML.readTree(
                  TestManifests.repoRoot().resolve("docs/alertmanager-example.yaml").toFile());
      ((ObjectNode) config.path("route")).put("group_wait", "5s");
      ArrayNode receiversNode = config.putArray("receivers");
      for (String name : List.of("pager", "ticket")) {
        receiversNode
            .addObject()
            .put("name", name)
            .putArray("webhook_configs")
            .addObject()
            .put("url", receivers.url("/" + name))
            .put("send_resolved", true);
      }
      receiversNode.addObject().put("name", "null");
      return YAML.writeValueAsString(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The receivers' URLs, as a user keeps them: in a Secret the AlertmanagerConfigs refer to. */
  private static void createReceiverSecret() {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(RECEIVERS_SECRET)
                .withNamespace(LLM)
                .endMetadata()
                .addToStringData("pager", receivers.url(ROUTED_PAGER))
                .addToStringData("ticket", receivers.url(ROUTED_TICKET))
                .build())
        .serverSideApply();
  }

  /**
   * The chart's Service and ServiceMonitor for the operator's own metrics, as `helm install` with
   * metrics.serviceMonitor.enabled renders them, and an EndpointSlice that stands for the operator
   * pod: the packaged operator runs as a process here, answering on the pod address' twin. One
   * metric relabeling is added to the ServiceMonitor: it drops the operator's series of lone.
   */
  private static void scrapeTheOperatorAsTheChartDoes() {
    var rendered =
        cluster.helm(
            "template",
            OPERATOR_JOB,
            TestManifests.repoRoot().resolve("charts/vllm-operator").toString(),
            "-n",
            MON,
            "--api-versions",
            "monitoring.coreos.com/v1",
            "--set",
            "metrics.serviceMonitor.enabled=true",
            "--set",
            "metrics.serviceMonitor.labels.release=" + RELEASE,
            "--set",
            "metrics.serviceMonitor.interval=1s",
            // The chart's default 10s is longer than 1s: prometheus-operator would skip it.
            "--set",
            "metrics.serviceMonitor.scrapeTimeout=1s",
            "--show-only",
            "templates/service.yaml",
            "--show-only",
            "templates/servicemonitor.yaml");
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    StringBuilder manifests = new StringBuilder();
    try {
      for (JsonNode doc :
          YAML.readerFor(JsonNode.class).<JsonNode>readValues(rendered.output()).readAll()) {
        if (doc == null || !doc.isObject()) {
          continue;
        }
        if ("ServiceMonitor".equals(doc.path("kind").asText())) {
          for (JsonNode endpoint : doc.path("spec").path("endpoints")) {
            ObjectNode drop = ((ObjectNode) endpoint).putArray("metricRelabelings").addObject();
            drop.put("action", "drop").put("regex", NOT_SCRAPED_FOR_OPERATOR);
            drop.putArray("sourceLabels").add("deployment");
          }
        }
        manifests.append("---\n").append(YAML.writeValueAsString(doc));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var applied =
        cluster.kubectl(manifests.toString(), "apply", "--server-side", "-n", MON, "-f", "-");
    assertThat(applied.exitCode()).as(applied.output()).isZero();
    client
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(OPERATOR_JOB + "-metrics-e2e")
                .withNamespace(MON)
                .addToLabels("kubernetes.io/service-name", OPERATOR_JOB + "-metrics")
                .addToLabels("endpointslice.kubernetes.io/managed-by", "monitoring-e2e-test")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses(OPERATOR_POD_IP)
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .addNewPort()
                .withName("http-metrics")
                .withPort(operator.httpPort())
                .withProtocol("TCP")
                .endPort()
                .build())
        .serverSideApply();
  }

  private static void createVllmDeployment(String name, int replicas) {
    VllmDeployment vllm =
        TestManifests.vllm(
            name,
            """
            model: {name: meta-llama/Llama-3.1-8B-Instruct, servedName: %s}
            replicas: %d
            monitoring:
              labels: {release: %s}
              serviceMonitor: {interval: 1s}
              alerts:
                labels: {team: ml-platform}
                rules:
                  VllmHighTimeToFirstToken: {for: 1m}
                  VllmKvCacheSaturated: {for: 1m}
                  %s
              alertRouting:
                enabled: true
                critical: [{webhook: {urlSecret: {name: %s, key: pager}}}]
                warning: [{webhook: {urlSecret: {name: %s, key: ticket}}}]
                groupWait: 5s
                groupInterval: 1m
            """
                .formatted(
                    name,
                    replicas,
                    RELEASE,
                    name.equals("lone") ? "VllmTargetDown: {for: 1m}" : "",
                    RECEIVERS_SECRET,
                    RECEIVERS_SECRET));
    vllm.getMetadata().setNamespace(LLM);
    vllm.getMetadata().setGeneration(null);
    vllm.getMetadata().setLabels(Map.of("environment", "e2e"));
    client.resource(vllm).create();
  }

  /** A fake vLLM for every pod, on the twin of the pod's address, port 8000. */
  private static void serveFakeVllmOnEveryPod() {
    await("every pod Ready with an address")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                REPLICAS.entrySet().stream()
                    .allMatch(e -> readyPods(e.getKey()).size() == e.getValue()));
    REPLICAS
        .keySet()
        .forEach(
            name -> {
              List<String> names = new ArrayList<>();
              for (Pod pod : readyPods(name)) {
                String podName = pod.getMetadata().getName();
                String ip = pod.getStatus().getPodIP();
                names.add(podName);
                podIps.put(podName, ip);
                fakePods.put(podName, FakeVllmPod.start(outsidePod.twin(ip), VLLM_PORT, name));
              }
              names.sort(String::compareTo);
              podsOf.put(name, names);
            });
  }

  private static List<Pod> readyPods(String name) {
    return client
        .pods()
        .inNamespace(LLM)
        .withLabel("app.kubernetes.io/instance", name)
        .list()
        .getItems()
        .stream()
        .filter(Readiness::isPodReady)
        .filter(p -> p.getStatus().getPodIP() != null)
        .toList();
  }

  private static LocalDaemon startAlertmanager() throws IOException {
    String generated =
        awaitGenerated(
            "Secret alertmanager-"
                + RELEASE
                + "-generated with the global routing and the 3 AlertmanagerConfigs",
            () -> secretGz("alertmanager-" + RELEASE + "-generated", "alertmanager.yaml.gz"),
            config ->
                config.contains(receivers.url("/pager"))
                    && config.contains(receivers.url(ROUTED_PAGER))
                    && REPLICAS.keySet().stream()
                        .allMatch(
                            name ->
                                config.contains(LLM + "/" + name + "/critical")
                                    && config.contains(LLM + "/" + name + "/warning")));
    // Nothing to change: the generated file names no path of the pod and needs no API access.
    Path config = work.resolve("alertmanager.yaml");
    Files.writeString(config, generated);
    int port = LocalDaemon.freePort();
    return LocalDaemon.start(
        "alertmanager",
        List.of(
            Tools.require("prometheus-alertmanager", "prometheus-alertmanager").toString(),
            "--config.file=" + config,
            "--storage.path=" + work.resolve("alertmanager-data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address="),
        port,
        null,
        work,
        "/-/ready",
        Duration.ofSeconds(30));
  }

  private static LocalDaemon startPrometheus() throws IOException {
    Set<String> jobs =
        Set.of(
            "serviceMonitor/" + LLM + "/llama-8b/0",
            "serviceMonitor/" + LLM + "/lone/0",
            "serviceMonitor/" + LLM + "/pair/0",
            "serviceMonitor/" + MON + "/" + OPERATOR_JOB + "/0");
    String generated =
        awaitGenerated(
            "Secret prometheus-" + RELEASE + " with the 4 scrape jobs",
            () -> secretGz("prometheus-" + RELEASE, "prometheus.yaml.gz"),
            config -> jobs.stream().allMatch(job -> config.contains("job_name: " + job)));
    Files.writeString(work.resolve("prometheus-generated.yaml"), generated);

    String ruleConfigMap = "prometheus-" + RELEASE + "-rulefiles-0";
    Map<String, String> ruleFiles =
        awaitGenerated(
            "ConfigMap " + ruleConfigMap + " with the 3 PrometheusRules",
            () ->
                java.util.Optional.ofNullable(
                        client.configMaps().inNamespace(MON).withName(ruleConfigMap).get())
                    .map(cm -> cm.getData() == null ? Map.<String, String>of() : cm.getData())
                    .orElse(Map.of()),
            data -> data.size() == 3);
    Path ruleDir = work.resolve("rules");
    Files.createDirectories(ruleDir.resolve(ruleConfigMap));
    for (var file : ruleFiles.entrySet()) {
      Files.writeString(ruleDir.resolve(ruleConfigMap).resolve(file.getKey()), file.getValue());
    }

    Path ca = work.resolve("ca.crt");
    Config kube = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    Files.write(ca, Base64.getDecoder().decode(kube.getCaCertData()));
    Path token = work.resolve("prometheus-token");
    Files.writeString(
        token,
        client
            .serviceAccounts()
            .inNamespace(MON)
            .withName(PROMETHEUS_SA)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken());

    int amPort = alertmanager.port();
    ObjectNode config =
        (ObjectNode) YAML.readTree(outsidePod.substituteEnv(generated, configReloaderEnv()));
    outsidePod.rewrite(
        config,
        kube.getMasterUrl().replaceAll("/$", ""),
        ca,
        token,
        ruleDir,
        "127.0.0.1:" + amPort);
    Path file = work.resolve("prometheus.yaml");
    Files.writeString(file, YAML.writeValueAsString(config));
    System.out.println("MONITORING-E2E changes to the generated Prometheus config:");
    outsidePod.changes().forEach(c -> System.out.println("  - " + c));

    int port = LocalDaemon.freePort();
    return LocalDaemon.start(
        "prometheus",
        List.of(
            cluster.binary("prometheus").toString(),
            "--config.file=" + file,
            "--storage.tsdb.path=" + work.resolve("prometheus-data"),
            "--web.listen-address=127.0.0.1:" + port),
        port,
        null,
        work,
        "/-/ready",
        Duration.ofSeconds(60));
  }

  /** The env the StatefulSet gives the config-reloader sidecar, as pod 0 of it sees it. */
  private static Map<String, String> configReloaderEnv() {
    StatefulSet sts =
        client.apps().statefulSets().inNamespace(MON).withName("prometheus-" + RELEASE).get();
    String pod0 = sts.getMetadata().getName() + "-0";
    Map<String, String> env = new TreeMap<>();
    for (var container : sts.getSpec().getTemplate().getSpec().getContainers()) {
      if (!container.getName().equals("config-reloader")) {
        continue;
      }
      for (EnvVar var : container.getEnv()) {
        if (var.getValue() != null) {
          env.put(var.getName(), var.getValue());
        } else if (var.getValueFrom() != null
            && var.getValueFrom().getFieldRef() != null
            && "metadata.name".equals(var.getValueFrom().getFieldRef().getFieldPath())) {
          env.put(var.getName(), pod0);
        }
      }
    }
    return env;
  }

  /** The gunzipped key of a Secret prometheus-operator generates; "" while it is not there. */
  private static String secretGz(String name, String key) {
    var secret = client.secrets().inNamespace(MON).withName(name).get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(key)) {
      return "";
    }
    try (var in =
        new GZIPInputStream(
            new ByteArrayInputStream(Base64.getDecoder().decode(secret.getData().get(key))))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T awaitGenerated(
      String what, java.util.function.Supplier<T> read, java.util.function.Predicate<T> complete) {
    List<T> last = new ArrayList<>();
    try {
      await(what)
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                T value = read.get();
                last.clear();
                last.add(value);
                return complete.test(value);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "prometheus-operator did not generate " + what + "; last seen: " + last, e);
    }
    return last.get(0);
  }

  /** "0.25.0" from "alertmanager, version 0.25.0 (branch: ...)". */
  private static String versionOf(Path binary) {
    try {
      Process p =
          new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      Matcher m = Pattern.compile("version (\\d+\\.\\d+\\.\\d+)").matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("no version in: " + out);
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
