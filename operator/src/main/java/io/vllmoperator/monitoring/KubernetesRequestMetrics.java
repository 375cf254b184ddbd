package io.vllmoperator.monitoring;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Counts the HTTP requests the operator's Kubernetes client makes, by method and response code, as
 * {@code vllm_operator_kubernetes_client_requests_total{method, code}} (what client-go calls
 * rest_client_requests_total). fabric8 retries 429, 5xx and I/O errors by itself (up to 10 times by
 * default); each attempt is counted. An attempt that got no response at all (connection refused,
 * reset, timed out) is counted with code {@code <error>}, as client-go does, but only when fabric8
 * retries it: fabric8 tells its interceptors about an I/O error only before a retry, so the last
 * attempt of a request that ran out of retries is not seen. During an outage the count still grows
 * with every retry.
 *
 * <p>fabric8 has no metrics of its own, and JOSDK only counts whole reconciles: a standby that
 * cannot read its Lease, or a leader whose writes are forbidden, would otherwise show nothing.
 */
public final class KubernetesRequestMetrics implements Interceptor {
  /** The Micrometer name; Prometheus sees vllm_operator_kubernetes_client_requests_total. */
  public static final String REQUESTS = "vllm.operator.kubernetes.client.requests";

  /** The code of a request that got no HTTP response. */
  public static final String NO_RESPONSE = "<error>";

  /** Name of the interceptor in the client's chain. */
  public static final String NAME = "vllm-operator-request-metrics";

  private final MeterRegistry registry;

  public KubernetesRequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void after(
      HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> body) {
    count(request, String.valueOf(response.code()));
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    count(request, NO_RESPONSE);
  }

  private void count(HttpRequest request, String code) {
    Counter.builder(REQUESTS)
        .description(
            "HTTP requests of the operator's Kubernetes client, by method and response code"
                + " (<error>: no response)")
        .tag("method", request == null ? "unknown" : request.method())
        .tag("code", code)
        .register(registry)
        .increment();
  }
}
