package io.vllmoperator.cluster;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Write requests the API server itself counted (apiserver_request_total), not the client's view.
 */
final class ApiServerWrites {
  private static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE");
  private static final Pattern SAMPLE =
      Pattern.compile("^apiserver_request_total\\{([^}]*)\\} ([0-9.e+]+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private ApiServerWrites() {}

  /** Sum of write requests to the given resources (e.g. deployments, services). */
  static double count(TestCluster cluster, Set<String> resources) {
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
      String verb = null;
      String resource = null;
      Matcher label = LABEL.matcher(sample.group(1));
      while (label.find()) {
        if (label.group(1).equals("verb")) {
          verb = label.group(2);
        } else if (label.group(1).equals("resource")) {
          resource = label.group(2);
        }
      }
      if (WRITE_VERBS.contains(verb) && resources.contains(resource)) {
        total += Double.parseDouble(sample.group(2));
      }
    }
    if (!seen) {
      throw new IllegalStateException("no apiserver_request_total samples in /metrics");
    }
    return total;
  }
}
