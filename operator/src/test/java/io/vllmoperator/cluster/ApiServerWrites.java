package io.vllmoperator.cluster;

import java.util.Set;

/** Write requests the API server itself counted (apiserver_request_total). */
final class ApiServerWrites {
  private static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE");

  private ApiServerWrites() {}

  /** Write requests to the given resources, per "VERB resource[/subresource]". */
  static java.util.Map<String, Double> byVerbAndResource(
      TestCluster cluster, Set<String> resources) {
    return ApiServerRequests.countByVerbAndResource(
        cluster, l -> WRITE_VERBS.contains(l.get("verb")) && resources.contains(l.get("resource")));
  }

  /** Sum of write requests to the given resources (e.g. deployments, services). */
  static double count(TestCluster cluster, Set<String> resources) {
    return ApiServerRequests.count(
        cluster, l -> WRITE_VERBS.contains(l.get("verb")) && resources.contains(l.get("resource")));
  }
}
