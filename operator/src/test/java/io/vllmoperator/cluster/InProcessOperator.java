package io.vllmoperator.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vllmoperator.config.OperatorConfig;
import io.vllmoperator.monitoring.RolloutEventCounter;
import io.vllmoperator.reconciler.VllmDeploymentReconciler;
import io.vllmoperator.rollout.RolloutSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The real operator, started in the test JVM against the test cluster, configured as {@code
 * vllm-operator run} configures it (its own client with the operator's serialization, retries,
 * resync).
 */
final class InProcessOperator implements AutoCloseable {
  private final Operator operator;
  private final KubernetesClient operatorClient;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private InProcessOperator(
      KubernetesClient client,
      OperatorConfig settings,
      Duration imagePullGrace,
      Set<String> namespaces) {
    operatorClient = OperatorConfig.client(client.getConfiguration());
    operator =
        new Operator(
            o -> {
              settings.configure(o, operatorClient);
              o.withMetrics(
                  MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
                      .build());
            });
    operator.register(
        new VllmDeploymentReconciler(Clock.systemUTC(), new RolloutEventCounter(), imagePullGrace),
        config -> {
          settings.configure(config);
          if (!namespaces.isEmpty()) {
            config.settingNamespaces(namespaces);
          }
        });
  }

  static InProcessOperator start(KubernetesClient client) {
    return start(client, OperatorConfig.defaults());
  }

  static InProcessOperator start(KubernetesClient client, OperatorConfig settings) {
    return start(client, settings, RolloutSettings.DEFAULT_IMAGE_PULL_GRACE, Set.of());
  }

  /**
   * As {@code vllm-operator run --image-pull-grace=<imagePullGrace>} with WATCH_NAMESPACES set to
   * {@code namespaces} (empty: every namespace).
   */
  static InProcessOperator start(
      KubernetesClient client,
      OperatorConfig settings,
      Duration imagePullGrace,
      Set<String> namespaces) {
    InProcessOperator running = new InProcessOperator(client, settings, imagePullGrace, namespaces);
    running.operator.start();
    return running;
  }

  /** Successful reconciles so far, from JOSDK's own metrics. */
  double successfulReconciles() {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().equals("operator.sdk.reconciliations.success"))
        .filter(Counter.class::isInstance)
        .mapToDouble(m -> ((Counter) m).count())
        .sum();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
