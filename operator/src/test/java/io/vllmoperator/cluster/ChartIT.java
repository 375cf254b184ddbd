package io.vllmoperator.cluster;

import static io.vllmoperator.cluster.ChartDocuments.allowed;
import static io.vllmoperator.cluster.ChartDocuments.chart;
import static io.vllmoperator.cluster.ChartDocuments.documents;
import static io.vllmoperator.cluster.ChartDocuments.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.config.OperatorConfig;
import io.vllmoperator.desired.Durations;
import io.vllmoperator.leader.LeaderElectionSettings;
import io.vllmoperator.leader.LeaseRelease;
import io.vllmoperator.status.Conditions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Helm chart: lint, template, install, and the operator working under the chart's RBAC. */
class ChartIT {
  private static final String RELEASE_NS = "vllm-operator";
  private static final String RELEASE = "vllm-operator";
  private static final String WORKLOAD_NS = "chart-tier";

  private static LocalCluster cluster;
  private static KubernetesClient admin;

  @BeforeAll
  static void install() {
    cluster = LocalCluster.get();
    admin = cluster.newClient();
    var installed =
        cluster.helm(
            "upgrade", "--install", RELEASE, chart(), "-n", RELEASE_NS, "--create-namespace");
    assertThat(installed.exitCode()).as(installed.output()).isZero();
    ClusterFixtures.installCrd(admin);
    ClusterFixtures.ensureNamespace(admin, WORKLOAD_NS);
  }

  @AfterAll
  static void uninstall() {
    admin.resources(VllmDeployment.class).inNamespace(WORKLOAD_NS).delete();
    cluster.helm("uninstall", RELEASE, "-n", RELEASE_NS);
    admin.close();
  }

  @Test
  void lintsStrictly() {
    var lint = cluster.helm("lint", "--strict", chart());
    assertThat(lint.exitCode()).as(lint.output()).isZero();
  }

  @Test
  void rbacGrantsNoSecretsAndNoClaimDeletion() throws IOException {
    var template = cluster.helm("template", RELEASE, chart(), "-n", RELEASE_NS);
    assertThat(template.exitCode()).as(template.output()).isZero();

    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode doc : documents(template.output())) {
      if ("ClusterRole".equals(doc.path("kind").asText())
          && RELEASE.equals(doc.at("/metadata/name").asText())) {
        doc.path("rules").forEach(rules::add);
      }
    }
    assertThat(rules).isNotEmpty();
    assertThat(rules)
        .noneSatisfy(r -> assertThat(r.path("resources").toString()).contains("secrets"));
    assertThat(rules)
        .filteredOn(r -> r.path("resources").toString().contains("persistentvolumeclaims"))
        .singleElement()
        .satisfies(r -> assertThat(r.path("verbs").toString()).doesNotContain("delete"));
    assertThat(rules)
        .filteredOn(r -> r.path("resources").toString().contains("pods/log"))
        .singleElement()
        .satisfies(r -> assertThat(r.path("verbs").toString()).isEqualTo("[\"get\"]"));
  }

  @Test
  void twoReplicasWithALeaseAPodDisruptionBudgetAndSpreadOverNodes() throws IOException {
    var template = cluster.helm("template", RELEASE, chart(), "-n", RELEASE_NS);
    assertThat(template.exitCode()).as(template.output()).isZero();
    List<JsonNode> docs = documents(template.output());

    JsonNode deployment = only(docs, "Deployment");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(pod.at("/containers/0/args").toString())
        .contains("--leader-election=true")
        .contains("--leader-election-lease=" + RELEASE + "-leader")
        .contains("--leader-election-lease-duration=15s");
    JsonNode spread =
        pod.at("/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0");
    assertThat(spread.at("/podAffinityTerm/topologyKey").asText())
        .isEqualTo("kubernetes.io/hostname");
    JsonNode selector = deployment.at("/spec/selector/matchLabels");
    assertThat(spread.at("/podAffinityTerm/labelSelector/matchLabels")).isEqualTo(selector);

    JsonNode pdb = only(docs, "PodDisruptionBudget");
    assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
    assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(selector);

    JsonNode role = only(docs, "Role");
    assertThat(role.at("/metadata/namespace").asText()).isEqualTo(RELEASE_NS);
    assertThat(role.path("rules"))
        .allSatisfy(
            r -> {
              assertThat(r.path("apiGroups").toString()).isEqualTo("[\"coordination.k8s.io\"]");
              assertThat(r.path("resources").toString()).isEqualTo("[\"leases\"]");
            });
    JsonNode binding = only(docs, "RoleBinding");
    assertThat(binding.at("/metadata/namespace").asText()).isEqualTo(RELEASE_NS);
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(RELEASE);
    assertThat(docs)
        .filteredOn(d -> "ClusterRole".equals(d.path("kind").asText()))
        .noneSatisfy(d -> assertThat(d.path("rules").toString()).contains("leases"));

    var single = cluster.helm("template", RELEASE, chart(), "--set", "replicaCount=1");
    assertThat(single.output()).doesNotContain("kind: PodDisruptionBudget");
    var unsafe =
        cluster.helm(
            "template",
            RELEASE,
            chart(),
            "--set",
            "replicaCount=2",
            "--set",
            "leaderElection.enabled=false");
    assertThat(unsafe.exitCode()).isNotZero();
    assertThat(unsafe.output()).contains("replicaCount > 1 needs leaderElection.enabled");
    var off =
        cluster.helm(
            "template",
            RELEASE,
            chart(),
            "--set",
            "replicaCount=1",
            "--set",
            "leaderElection.enabled=false");
    assertThat(off.exitCode()).as(off.output()).isZero();
    assertThat(off.output()).contains("--leader-election=false").doesNotContain("kind: Role\n");
    var badDuration =
        cluster.helm("template", RELEASE, chart(), "--set", "leaderElection.leaseDuration=15");
    assertThat(badDuration.exitCode()).isNotZero();
    assertThat(badDuration.output()).contains("leaseDuration");
  }

  @Test
  void theChartsServiceAccountMayHoldItsLeaseInTheReleaseNamespaceOnly() {
    String lease = RELEASE + "-leader";
    try (KubernetesClient asOperator = cluster.newClientAs(RELEASE_NS, RELEASE)) {
      assertThat(allowed(asOperator, RELEASE_NS, "create", "leases", lease)).isTrue();
      assertThat(allowed(asOperator, RELEASE_NS, "get", "leases", lease)).isTrue();
      assertThat(allowed(asOperator, RELEASE_NS, "update", "leases", lease)).isTrue();
      assertThat(allowed(asOperator, RELEASE_NS, "patch", "leases", lease)).isTrue();
      assertThat(allowed(asOperator, RELEASE_NS, "get", "leases", "someone-elses-lease")).isFalse();
      assertThat(allowed(asOperator, RELEASE_NS, "delete", "leases", lease)).isFalse();
      assertThat(allowed(asOperator, RELEASE_NS, "list", "leases", "")).isFalse();
      assertThat(allowed(asOperator, WORKLOAD_NS, "create", "leases", "")).isFalse();
      assertThat(allowed(asOperator, "kube-system", "get", "leases", lease)).isFalse();

      // The calls the operator makes, for real: fabric8's LeaseLock (create, get, and a merge
      // patch to renew), then the release on shutdown (get, update).
      var lock = new LeaseLock(RELEASE_NS, lease, "chart-it");
      // A Lease keeps microseconds: whole seconds compare exactly.
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
      lock.create(
          asOperator, new LeaderElectionRecord("chart-it", Duration.ofSeconds(15), now, now, 0));
      assertThat(lock.get(asOperator).getHolderIdentity()).isEqualTo("chart-it");
      ZonedDateTime renewed = now.plusSeconds(2);
      lock.update(
          asOperator,
          new LeaderElectionRecord("chart-it", Duration.ofSeconds(15), now, renewed, 0));
      assertThat(lock.get(asOperator).getRenewTime().toInstant()).isEqualTo(renewed.toInstant());
      var settings =
          new LeaderElectionSettings(
              lease,
              RELEASE_NS,
              "chart-it",
              Duration.ofSeconds(15),
              Duration.ofSeconds(10),
              Duration.ofSeconds(2));
      assertThat(LeaseRelease.release(asOperator, settings, Clock.systemUTC())).isTrue();
      assertThat(asOperator.leases().inNamespace(RELEASE_NS).withName(lease).get().getSpec())
          .satisfies(spec -> assertThat(spec.getHolderIdentity()).isNull())
          .satisfies(spec -> assertThat(spec.getLeaseDurationSeconds()).isEqualTo(1));
    } finally {
      admin.leases().inNamespace(RELEASE_NS).withName(lease).delete();
    }
  }

  @Test
  void theResyncIntervalIsAValuePassedAsTheOperatorsFlag() throws IOException {
    assertThat(operatorArgs()).contains("--resync-interval=5m");
    assertThat(Duration.ofSeconds(Durations.seconds("5m")))
        .as("the chart's default is the operator's")
        .isEqualTo(OperatorConfig.DEFAULT_RESYNC);
    assertThat(operatorArgs("--set", "resyncInterval=1h30m")).contains("--resync-interval=1h30m");

    var malformed =
        cluster.helm("template", RELEASE, chart(), "--set-string", "resyncInterval=5min");
    assertThat(malformed.exitCode()).isNotZero();
    assertThat(malformed.output()).contains("resyncInterval").contains("does not match pattern");
    var zero = cluster.helm("template", RELEASE, chart(), "--set-string", "resyncInterval=0s");
    assertThat(zero.exitCode()).isNotZero();
    assertThat(zero.output()).contains("resyncInterval must be longer than zero");
  }

  @Test
  void logAndShutdownValuesArePassedAsFlagsTheOperatorAccepts() throws IOException {
    List<String> defaults = operatorArgs();
    assertThat(defaults)
        .contains("--log-format=json", "--log-level=info", "--shutdown-timeout=20s");
    List<String> set =
        operatorArgs(
            "--set",
            "logFormat=text",
            "--set",
            "logLevel=debug",
            "--set",
            "shutdownTimeoutSeconds=45");
    assertThat(set).contains("--log-format=text", "--log-level=debug", "--shutdown-timeout=45s");
    // The operator's own parser takes what the chart passes (args[0] is the subcommand).
    new picocli.CommandLine(new io.vllmoperator.cli.RunCommand())
        .parseArgs(set.subList(1, set.size()).toArray(String[]::new));

    var template = cluster.helm("template", RELEASE, chart(), "--set", "shutdownTimeoutSeconds=45");
    JsonNode pod =
        documents(template.output()).stream()
            .filter(d -> "Deployment".equals(d.path("kind").asText()))
            .findFirst()
            .orElseThrow()
            .at("/spec/template/spec");
    assertThat(pod.path("terminationGracePeriodSeconds").asInt())
        .as("SIGKILL comes after the shutdown timeout")
        .isEqualTo(55);
    assertThat(pod.at("/containers/0/env").toString())
        .as("no JAVA_TOOL_OPTIONS, whose 'Picked up' line would not be JSON")
        .doesNotContain("JAVA_TOOL_OPTIONS");

    var badFormat = cluster.helm("template", RELEASE, chart(), "--set", "logFormat=xml");
    assertThat(badFormat.exitCode()).isNotZero();
    assertThat(badFormat.output()).contains("logFormat");
  }

  private static List<String> operatorArgs(String... set) throws IOException {
    List<String> command = new ArrayList<>(List.of("template", RELEASE, chart()));
    command.addAll(List.of(set));
    var template = cluster.helm(command.toArray(String[]::new));
    assertThat(template.exitCode()).as(template.output()).isZero();
    JsonNode deployment =
        documents(template.output()).stream()
            .filter(d -> "Deployment".equals(d.path("kind").asText()))
            .findFirst()
            .orElseThrow();
    List<String> args = new ArrayList<>();
    deployment.at("/spec/template/spec/containers/0/args").forEach(a -> args.add(a.asText()));
    return args;
  }

  @Test
  void sharedDashboardsAreTheRepositorysFilesForTheGrafanaSidecar() throws IOException {
    // On by default: the fleet's one set.
    var template = cluster.helm("template", RELEASE, chart(), "-n", RELEASE_NS);
    assertThat(template.exitCode()).as(template.output()).isZero();

    List<JsonNode> dashboards =
        documents(template.output()).stream()
            .filter(d -> "ConfigMap".equals(d.path("kind").asText()))
            .filter(d -> "1".equals(d.at("/metadata/labels/grafana_dashboard").asText()))
            .toList();
    assertThat(dashboards).hasSize(3);
    for (JsonNode configMap : dashboards) {
      var entry = configMap.path("data").fields().next();
      assertThat(entry.getValue().asText())
          .isEqualTo(
              java.nio.file.Files.readString(
                  TestManifests.repoRoot().resolve("dashboards").resolve(entry.getKey())));
    }
    var off =
        cluster.helm(
            "template", RELEASE, chart(), "-n", RELEASE_NS, "--set", "dashboards.enabled=false");
    assertThat(off.output()).doesNotContain("grafana_dashboard");
  }

  @Test
  void theOperatorRunsAnExampleToReadyUnderTheChartsServiceAccount() throws IOException {
    try (KubernetesClient asOperator = cluster.newClientAs(RELEASE_NS, RELEASE);
        InProcessOperator operator = InProcessOperator.start(asOperator)) {
      assertThatThrownBy(() -> asOperator.secrets().inNamespace(WORKLOAD_NS).list())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("forbidden");
      assertThat(allowed(asOperator, WORKLOAD_NS, "get", "pods/log", ""))
          .as("reads a crashed container's previous log")
          .isTrue();
      assertThat(allowed(asOperator, WORKLOAD_NS, "get", "secrets", "")).isFalse();

      VllmDeployment vllm =
          TestManifests.readExample(
                  TestManifests.repoRoot().resolve("examples/gated-model-with-secrets.yaml"))
              .get(0);
      vllm.getMetadata().setNamespace(WORKLOAD_NS);
      vllm.getMetadata().setGeneration(null);
      admin.resource(vllm).create();

      await("Ready under the chart's RBAC")
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                var current =
                    admin
                        .resources(VllmDeployment.class)
                        .inNamespace(WORKLOAD_NS)
                        .withName(vllm.getMetadata().getName())
                        .get();
                return current.getStatus() != null && current.getStatus().getPhase() == Phase.READY;
              });
      assertThat(
              admin.v1().events().inNamespace(WORKLOAD_NS).list().getItems().stream()
                  .filter(e -> "vllm-operator".equals(e.getSource().getComponent())))
          .as("events recorded with the chart's permissions")
          .isNotEmpty();
    }
  }

  @Test
  void theOperatorManagesMonitoringObjectsButNeverReadsTheReceiversSecrets() {
    try (KubernetesClient asOperator = cluster.newClientAs(RELEASE_NS, RELEASE)) {
      for (String resource : List.of("servicemonitors", "prometheusrules", "alertmanagerconfigs")) {
        for (String verb : List.of("get", "list", "watch", "create", "patch", "update", "delete")) {
          assertThat(allowed(asOperator, WORKLOAD_NS, verb, resource, ""))
              .as(verb + " " + resource)
              .isTrue();
        }
      }
      assertThat(allowed(asOperator, WORKLOAD_NS, "get", "secrets", "alert-receivers"))
          .as("receiver credentials stay Secret references that prometheus-operator reads")
          .isFalse();
    }
  }

  @Test
  void anUnbindableCacheClaimIsExplainedUnderTheChartsRbac() {
    try (KubernetesClient asOperator = cluster.newClientAs(RELEASE_NS, RELEASE);
        InProcessOperator operator = InProcessOperator.start(asOperator)) {
      assertThat(allowed(asOperator, WORKLOAD_NS, "list", "events", ""))
          .as("reads the Events of a Pending cache claim")
          .isTrue();
      VllmDeployment vllm =
          TestManifests.vllm(
              "unbindable",
              "model: {name: Qwen/Qwen2.5-1.5B-Instruct, cache: {size: 10Gi, storageClassName:"
                  + " no-such-class}}");
      vllm.getMetadata().setNamespace(WORKLOAD_NS);
      vllm.getMetadata().setGeneration(null);
      vllm.setStatus(null);
      admin.resource(vllm).create();
      try {
        await("Degraded=ModelCacheUnbound naming the missing StorageClass")
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .until(
                () ->
                    Conditions.find(
                            admin
                                .resources(VllmDeployment.class)
                                .inNamespace(WORKLOAD_NS)
                                .withName("unbindable")
                                .get()
                                .getStatus()
                                .getConditions(),
                            Conditions.DEGRADED)
                        .filter(c -> "ModelCacheUnbound".equals(c.getReason()))
                        .filter(
                            c ->
                                c.getMessage()
                                    .contains(
                                        "PersistentVolumeClaim unbindable-cache is not bound:"
                                            + " StorageClass \"no-such-class\" does not exist"))
                        .isPresent());
      } finally {
        admin.resource(vllm).delete();
        // The cache claim outlives its VllmDeployment by design.
        admin
            .persistentVolumeClaims()
            .inNamespace(WORKLOAD_NS)
            .withName("unbindable-cache")
            .delete();
      }
    }
  }
}
