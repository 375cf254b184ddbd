package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.vllmoperator.desired.VllmPodTemplate;
import java.time.Duration;

/**
 * Reads the vLLM container's previous log through the API server ({@code pods/log}, {@code
 * previous=true}), bounded in size and time: the API server proxies the request to the node's
 * kubelet, and a dead kubelet must not stall the reconcile that asked.
 */
public final class PodLogReader implements PreviousLogCache.Reader {
  /** A crash at startup logs far less; a crash after days of serving has its cause at the end. */
  static final int TAIL_LINES = 1000;

  /** Bounds memory per cached log, whatever the line lengths. */
  static final int LIMIT_BYTES = 256 * 1024;

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final KubernetesClient client;

  public PodLogReader(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Not the pods().inContainer().terminated() DSL: its getLog() first starts a pod informer (a LIST
   * and a WATCH) to wait for readiness, and it cannot combine previous with limitBytes.
   *
   * @return the log, or null when the API server answers 404
   */
  @Override
  public String previousLog(Pod pod, String container) {
    if (!VllmPodTemplate.CONTAINER.equals(container)) {
      return null; // sidecars are not ours to diagnose
    }
    return bounded().raw(path(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
  }

  static String path(String namespace, String pod) {
    return "/api/v1/namespaces/"
        + namespace
        + "/pods/"
        + pod
        + "/log?container="
        + VllmPodTemplate.CONTAINER
        + "&previous=true&tailLines="
        + TAIL_LINES
        + "&limitBytes="
        + LIMIT_BYTES;
  }

  /** The same client (credentials, impersonation) with a short timeout and no retries. */
  private KubernetesClient bounded() {
    return client
        .newClient(
            new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                .withRequestTimeout((int) TIMEOUT.toMillis())
                .withRequestRetryBackoffLimit(0)
                .build())
        .adapt(KubernetesClient.class);
  }
}
