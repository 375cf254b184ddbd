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

  /** As {@link #count}, per "VERB resource[/subresource]": says who wrote when a count is off. */
  static Map<String, Double> countByVerbAndResource(
      TestCluster cluster, Predicate<Map<String, String>> labels) {
    Map<String, Double> counts = new java.util.TreeMap<>();
    visit(
        cluster,
        REQUESTS,
        labels,
        true,
        (values, sample) ->
            counts.merge(
                values.get("verb")
                    + " "
                    + values.get("resource")
                    + (values.getOrDefault("subresource", "").isEmpty()
                        ? ""
                        : "/" + values.get("subresource")),
                sample,
                Double::sum));
    return counts;
  }

  private static double sum(
      TestCluster cluster, String metric, Predicate<Map<String, String>> labels, boolean required) {
    double[] total = {0};
    visit(cluster, metric, labels, required, (values, sample) -> total[0] += sample);
    return total[0];
  }

  private static void visit(
      TestCluster cluster,
      String metric,
      Predicate<Map<String, String>> labels,
      boolean required,
      java.util.function.BiConsumer<Map<String, String>, Double> sample) {
    var metrics = cluster.kubectl("", "get", "--raw", "/metrics");
    if (metrics.exitCode() != 0) {
      throw new IllegalStateException("cannot read apiserver metrics: " + metrics.output());
    }
    boolean seen = false;
    for (String line : metrics.output().split("\n")) {
      Matcher matched = SAMPLE.matcher(line);
      if (!matched.matches() || !metric.equals(matched.group(1))) {
        continue;
      }
      seen = true;
      Map<String, String> values = new HashMap<>();
      Matcher label = LABEL.matcher(matched.group(2));
      while (label.find()) {
        values.put(label.group(1), label.group(2));
      }
      if (labels.test(values)) {
        sample.accept(values, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    if (!seen && required) {
      throw new IllegalStateException("no " + metric + " samples in /metrics");
    }
  }

  /** Container log reads (pods/log; the API server counts them under the verb CONNECT). */
  static double podLogReads(TestCluster cluster) {
    return count(
        cluster, l -> "pods".equals(l.get("resource")) && "log".equals(l.get("subresource")));
  }
}
