package io.vllmoperator.cluster;

import java.util.List;
import java.util.Map;

/**
 * Operator processes that each act as a user of their own ({@code <prefix>-<id>}, members of the
 * cluster-admin group {@code <prefix>-operators}), so the API server tells their writes apart: one
 * API Priority and Fairness FlowSchema per user ({@code <prefix>-writes-<id>}) matches only that
 * user's write verbs, and {@code apiserver_flowcontrol_dispatched_requests_total} counts them
 * (server-side apply is a patch).
 */
final class OperatorIdentities {
  private final TestCluster cluster;
  private final String prefix;
  private final List<String> ids;

  private OperatorIdentities(TestCluster cluster, String prefix, List<String> ids) {
    this.cluster = cluster;
    this.prefix = prefix;
    this.ids = List.copyOf(ids);
  }

  /** Creates the group's binding and one FlowSchema per id. */
  static OperatorIdentities create(TestCluster cluster, String prefix, String... ids) {
    OperatorIdentities identities = new OperatorIdentities(cluster, prefix, List.of(ids));
    identities.kubectl("apply", "--server-side");
    return identities;
  }

  /** The environment that makes an operator process act as user {@code id}. */
  Map<String, String> impersonation(String id) {
    return Map.of(
        "KUBERNETES_IMPERSONATE_USERNAME", prefix + "-" + id,
        "KUBERNETES_IMPERSONATE_GROUP", group() + ",system:authenticated");
  }

  /** Writes of user {@code id} so far, as the API server counted them. */
  double writes(String id) {
    return ApiServerRequests.dispatched(cluster, prefix + "-writes-" + id);
  }

  void delete() {
    kubectl("delete", "--ignore-not-found");
  }

  private String group() {
    return prefix + "-operators";
  }

  private void kubectl(String... verb) {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: %1$s}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: %1$s}]
            """
                .formatted(group()));
    for (String id : ids) {
      yaml.append(
          """
          ---
          apiVersion: flowcontrol.apiserver.k8s.io/v1
          kind: FlowSchema
          metadata: {name: %1$s-writes-%2$s}
          spec:
            priorityLevelConfiguration: {name: workload-high}
            matchingPrecedence: 100
            distinguisherMethod: {type: ByUser}
            rules:
            - subjects: [{kind: User, user: {name: %1$s-%2$s}}]
              resourceRules:
              - verbs: [create, update, patch, delete, deletecollection]
                apiGroups: ["*"]
                resources: ["*"]
                namespaces: ["*"]
                clusterScope: true
          """
              .formatted(prefix, id));
    }
    String[] args = new String[verb.length + 2];
    System.arraycopy(verb, 0, args, 0, verb.length);
    args[verb.length] = "-f";
    args[verb.length + 1] = "-";
    var result = cluster.kubectl(yaml.toString(), args);
    if (result.exitCode() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", verb) + ": " + result.output());
    }
  }
}
