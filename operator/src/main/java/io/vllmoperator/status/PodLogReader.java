package io.vllmoperator.status;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.vllmoperator.desired.VllmPodTemplate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

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
   * and a WATCH) to wait for readiness, and its interfaces do not chain previous with limitBytes.
   * Not client.raw() either: it ignores a per-client request timeout.
   *
   * @return the log, or null when the API server answers 404
   */
  @Override
  public String previousLog(Pod pod, String container) {
    if (!VllmPodTemplate.CONTAINER.equals(container)) {
      return null; // sidecars are not ours to diagnose
    }
    // The same credentials and impersonation, but one attempt: fabric8 retries 5xx and timeouts.
    HttpClient http =
        client
            .getHttpClient()
            .newBuilder()
            .tag(
                new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
    String uri =
        client.getMasterUrl().toString().replaceAll("/+$", "")
            + path(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    HttpRequest request =
        http.newHttpRequestBuilder().uri(uri).timeout(TIMEOUT.toMillis(), MILLISECONDS).build();
    HttpResponse<String> response = await(http.sendAsync(request, String.class));
    if (response.code() == 404) {
      return null;
    }
    if (!response.isSuccessful()) {
      throw new KubernetesClientException(status(response));
    }
    return response.body();
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

  /** The request timeout covers the headers; this also bounds a body that trickles in. */
  private static HttpResponse<String> await(CompletableFuture<HttpResponse<String>> response) {
    try {
      return response.get(TIMEOUT.multipliedBy(2).toMillis(), MILLISECONDS);
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new KubernetesClientException("no answer within " + TIMEOUT.multipliedBy(2), e);
    } catch (ExecutionException e) {
      throw new KubernetesClientException(String.valueOf(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted", e);
    }
  }

  /** The API server's Status, or the code when the body is not one (a proxy in between). */
  private Status status(HttpResponse<String> response) {
    try {
      Status status = client.getKubernetesSerialization().unmarshal(response.body(), Status.class);
      if (status != null && status.getCode() != null) {
        return status;
      }
    } catch (RuntimeException notAStatus) {
      // fall through
    }
    return new StatusBuilder()
        .withCode(response.code())
        .withMessage("HTTP " + response.code())
        .build();
  }
}
