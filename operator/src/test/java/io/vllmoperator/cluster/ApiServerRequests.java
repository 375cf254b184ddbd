package io.vllmoperator.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests the API server itself counted (apiserver_request_total), not the client's view. */
final class ApiServerRequests {
  private static final Pattern SAMPLE =
      Pattern.compile("^apiserver_request_total\\{([^}]*)\\} ([0-9.e+]+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private ApiServerRequests() {}

  /** Sum of the samples whose labels (verb, resource, subresource, code, ...) match. */
  static double count(TestCluster cluster, Predicate<Map<String, String>> labels) {
    var metrics = cluster.kubectl("", "get", "--raw", "/metrics");
    if (metrics.exitCode() != 0) {
      throw new IllegalStateException("cannot read apiserver metrics: " + metrics.output());
    }
    double total = 0;
    boolean seen = false;
    for (String line : metrics.output().split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        continue;
      }
      seen = true;
      Map<String, String> values = new HashMap<>();
      Matcher label = LABEL.matcher(sample.group(1));
      while (label.find()) {
        values.put(label.group(1), label.group(2));
      }
      if (labels.test(values)) {
        total += Double.parseDouble(sample.group(2));
      }
    }
    if (!seen) {
      throw new IllegalStateException("no apiserver_request_total samples in /metrics");
    }
    return total;
  }

  /** Container log reads (pods/log; the API server counts them under the verb CONNECT). */
  static double podLogReads(TestCluster cluster) {
    return count(
        cluster, l -> "pods".equals(l.get("resource")) && "log".equals(l.get("subresource")));
  }
}
