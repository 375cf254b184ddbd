package io.vllmoperator.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.logging.MdcPropagatingThreadPool;
import io.vllmoperator.monitoring.KubernetesRequestMetrics;
import java.time.Duration;

/**
 * How the operator runs, shared by {@code vllm-operator run} and the cluster tests, so both run the
 * same configuration:
 *
 * <ul>
 *   <li>a client that offers the API server ChaCha20-Poly1305 first ({@link
 *       CipherSuitePreference});
 *   <li>a client whose serialization survives a VllmDeployment the Java types cannot hold ({@link
 *       UnreadableResource});
 *   <li>retries that never give up (missing CRDs, an API server that is down and conflicts all
 *       heal), with a capped exponential backoff;
 *   <li>a periodic resync, so anything missed (an event lost while the API server was away, a
 *       deleted object whose owner nothing else touches) is repaired without a restart.
 * </ul>
 */
public record OperatorConfig(
    Duration resyncInterval, Duration firstRetry, Duration maxRetry, int reconcileThreads) {
  public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(5);
  public static final Duration DEFAULT_FIRST_RETRY = Duration.ofSeconds(2);
  public static final Duration DEFAULT_MAX_RETRY = Duration.ofMinutes(5);

  /**
   * VllmDeployments reconciled at once, JOSDK's default. A reconcile mostly waits on the API server
   * (a handful of server-side applies, one Service create of several seconds under load), so fewer
   * threads converge a large fleet more slowly (measured in docs/benchmarks.md).
   */
  public static final int DEFAULT_RECONCILE_THREADS = 50;

  /** JOSDK's own default for its client (ConfigurationService.DEFAULT_MAX_CONCURRENT_REQUEST). */
  private static final int MAX_CONCURRENT_REQUESTS = 512;

  public OperatorConfig {
    if (resyncInterval.isNegative() || resyncInterval.isZero()) {
      throw new IllegalArgumentException("the resync interval must be positive: " + resyncInterval);
    }
    if (reconcileThreads < 1) {
      throw new IllegalArgumentException(
          "the reconcile threads must be at least 1: " + reconcileThreads);
    }
  }

  public static OperatorConfig defaults() {
    return new OperatorConfig(
        DEFAULT_RESYNC, DEFAULT_FIRST_RETRY, DEFAULT_MAX_RETRY, DEFAULT_RECONCILE_THREADS);
  }

  /** The operator's client, from kubeconfig or the in-cluster service account. */
  public static KubernetesClient client() {
    return client(Config.autoConfigure(null));
  }

  public static KubernetesClient client(Config config) {
    return builder(config).build();
  }

  /**
   * The operator's client, from kubeconfig or the in-cluster service account, with {@code requests}
   * seeing every request it makes (the request metrics of /metrics).
   */
  public static KubernetesClient client(KubernetesRequestMetrics requests) {
    return client(Config.autoConfigure(null), requests);
  }

  public static KubernetesClient client(Config config, KubernetesRequestMetrics requests) {
    return builder(config)
        .withHttpClientBuilderConsumer(
            http -> http.addOrReplaceInterceptor(KubernetesRequestMetrics.NAME, requests))
        .build();
  }

  private static KubernetesClientBuilder builder(Config config) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(config).withMaxConcurrentRequests(MAX_CONCURRENT_REQUESTS).build())
        .withHttpClientFactory(new OperatorHttpClientFactory(config.getTlsVersions()))
        .withKubernetesSerialization(LenientDeserializer.serialization());
  }

  /** Operator-wide settings; the caller adds metrics (and leader election). */
  public void configure(ConfigurationServiceOverrider operator, KubernetesClient client) {
    operator
        .withKubernetesClient(client)
        .withResourceCloner(new TokenBufferCloner())
        .withConcurrentReconciliationThreads(reconcileThreads)
        // The workflow's dependents run on this pool: with the reconcile's MDC (namespace, name).
        // As many threads as reconciles, as JOSDK's defaults have it (50 and 50).
        .withWorkflowExecutorService(new MdcPropagatingThreadPool(reconcileThreads, "workflow"))
        // An informer that cannot list yet (RBAC, API server away) retries instead of exiting.
        .withStopOnInformerErrorDuringStartup(false);
  }

  /** Settings of the VllmDeployment controller. */
  public void configure(ControllerConfigurationOverrider<VllmDeployment> controller) {
    controller.withRetry(retry()).withReconciliationMaxInterval(resyncInterval);
  }

  /** 2s, 4s, 8s, ... up to 5 min between attempts, for as long as the error lasts. */
  public GenericRetry retry() {
    return new GenericRetry()
        .withoutMaxAttempts()
        .setInitialInterval(firstRetry)
        .setIntervalMultiplier(2)
        .setMaxInterval(maxRetry.toMillis());
  }
}
