package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two packaged operator processes against one cluster: one holds the Lease and is the only one that
 * writes; after a kill -9 of the leader the standby takes the Lease and reconciles a change.
 *
 * <p>Who wrote is measured by the API server, not by the operators: each process authenticates as
 * its own user (the admin kubeconfig impersonating {@code leader-it-a} / {@code leader-it-b}), and
 * one API Priority and Fairness FlowSchema per user matches only that user's write verbs, so {@code
 * apiserver_flowcontrol_dispatched_requests_total{flow_schema=...}} counts each process' writes
 * (create, update, patch, delete; server-side apply is a patch).
 */
class LeaderElectionIT {
  private static final String NS = "leader-it";
  private static final String OPERATOR_NS = "leader-it-operator";
  private static final String LEASE = "vllm-operator-leader";
  private static final String GROUP = "leader-it-operators";
  private static final Duration LEASE_DURATION = Duration.ofSeconds(8);

  private static LocalCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void setUp() {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, NS);
    ClusterFixtures.ensureNamespace(client, OPERATOR_NS);
    apply(
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: leader-it-operators}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: %s}]
        """
            .formatted(GROUP));
    for (String id : new String[] {"a", "b"}) {
      apply(
          """
          apiVersion: flowcontrol.apiserver.k8s.io/v1
          kind: FlowSchema
          metadata: {name: leader-it-writes-%1$s}
          spec:
            priorityLevelConfiguration: {name: workload-high}
            matchingPrecedence: 100
            distinguisherMethod: {type: ByUser}
            rules:
            - subjects: [{kind: User, user: {name: leader-it-%1$s}}]
              resourceRules:
              - verbs: [create, update, patch, delete, deletecollection]
                apiGroups: ["*"]
                resources: ["*"]
                namespaces: ["*"]
                clusterScope: true
          """
              .formatted(id));
    }
  }

  @AfterAll
  static void tearDown() {
    client.resources(VllmDeployment.class).inNamespace(NS).delete();
    client.leases().inNamespace(OPERATOR_NS).withName(LEASE).delete();
    cluster.kubectl(
        "",
        "delete",
        "--ignore-not-found",
        "flowschema/leader-it-writes-a",
        "flowschema/leader-it-writes-b",
        "clusterrolebinding/leader-it-operators");
    client.close();
  }

  @Test
  void onlyTheLeaderWritesAndTheStandbyTakesOverAfterAKill() throws Exception {
    try (OperatorProcess a = start("a");
        OperatorProcess b = startWhenLeading(a, "b")) {
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
      double takeover = Duration.between(killed, Instant.now()).toMillis() / 1000.0;
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
          "LEADER-TAKEOVER seconds=%.1f lease_duration=%d reconciled_after=%.1f%n",
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
    }
  }

  private static OperatorProcess start(String id) {
    return OperatorProcess.start(
        cluster.kubeconfig(),
        Map.of(
            "KUBERNETES_IMPERSONATE_USERNAME", "leader-it-" + id,
            "KUBERNETES_IMPERSONATE_GROUP", GROUP + ",system:authenticated"),
        "--leader-election",
        "--leader-election-namespace=" + OPERATOR_NS,
        "--leader-election-identity=" + id,
        "--leader-election-lease-duration=" + LEASE_DURATION.toSeconds() + "s",
        "--leader-election-renew-deadline=6s",
        "--leader-election-retry-period=2s");
  }

  /** Starts the second process once the first holds the Lease, so who leads is known. */
  private static OperatorProcess startWhenLeading(OperatorProcess first, String id) {
    await("a holds the Lease")
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> "a".equals(holder()) && readyz(first).equals("200 ok: leader"));
    return start(id);
  }

  private static String holder() {
    Lease lease = client.leases().inNamespace(OPERATOR_NS).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static double writes(String id) {
    return ApiServerRequests.dispatched(cluster, "leader-it-writes-" + id);
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
    VllmDeployment vllm =
        TestManifests.vllm(name, "model: {name: Qwen/Qwen2.5-1.5B-Instruct}\n" + specYaml);
    vllm.getMetadata().setNamespace(NS);
    vllm.getMetadata().setGeneration(null);
    vllm.setStatus(null);
    client.resource(vllm).create();
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

  private static void apply(String yaml) {
    var applied = cluster.kubectl(yaml, "apply", "--server-side", "-f", "-");
    assertThat(applied.exitCode()).as(applied.output()).isZero();
  }
}
