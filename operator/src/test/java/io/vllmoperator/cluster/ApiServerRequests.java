package io.vllmoperator.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests the API server itself counted (apiserver_request_total), not the client's view. */
final class ApiServerRequests {
  private static final String REQUESTS = "apiserver_request_total";
  private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)\\} ([0-9.e+]+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private ApiServerRequests() {}

  /** Sum of the samples whose labels (verb, resource, subresource, code, ...) match. */
  static double count(TestCluster cluster, Predicate<Map<String, String>> labels) {
    return sum(cluster, REQUESTS, labels, true);
  }

  /**
   * Requests API Priority and Fairness dispatched through a FlowSchema; a FlowSchema that matches
   * one user's writes counts that client's writes (0 before its first request).
   */
  static double dispatched(TestCluster cluster, String flowSchema) {
    return sum(
        cluster,
        "apiserver_flowcontrol_dispatched_requests_total",
        l -> flowSchema.equals(l.get("flow_schema")),
        false);
  }

  private static double sum(
      TestCluster cluster, String metric, Predicate<Map<String, String>> labels, boolean required) {
    var metrics = cluster.kubectl("", "get", "--raw", "/metrics");
    if (metrics.exitCode() != 0) {
      throw new IllegalStateException("cannot read apiserver metrics: " + metrics.output());
    }
    double total = 0;
    boolean seen = false;
    for (String line : metrics.output().split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches() || !metric.equals(sample.group(1))) {
        continue;
      }
      seen = true;
      Map<String, String> values = new HashMap<>();
      Matcher label = LABEL.matcher(sample.group(2));
      while (label.find()) {
        values.put(label.group(1), label.group(2));
      }
      if (labels.test(values)) {
        total += Double.parseDouble(sample.group(3));
      }
    }
    if (!seen && required) {
      throw new IllegalStateException("no " + metric + " samples in /metrics");
    }
    return total;
  }

  /** Container log reads (pods/log; the API server counts them under the verb CONNECT). */
  static double podLogReads(TestCluster cluster) {
    return count(
        cluster, l -> "pods".equals(l.get("resource")) && "log".equals(l.get("subresource")));
  }
}
