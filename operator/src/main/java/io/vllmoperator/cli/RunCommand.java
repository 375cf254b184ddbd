package io.vllmoperator.cli;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.monitoring.OperatorMetrics;
import io.vllmoperator.reconciler.VllmDeploymentReconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the operator against the cluster of the current kubeconfig or service account. */
@Command(name = "run", description = "Run the operator (kubeconfig or in-cluster config).")
public class RunCommand implements Callable<Integer> {
  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Override
  public Integer call() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var operator =
        new Operator(
            o ->
                o.withMetrics(
                        MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
                            .build())
                    .withStopOnInformerErrorDuringStartup(false));
    RegisteredController<VllmDeployment> controller =
        operator.register(
            new VllmDeploymentReconciler(Clock.systemUTC()),
            config -> {
              Set<String> namespaces = watchedNamespaces(System.getenv("WATCH_NAMESPACES"));
              if (!namespaces.isEmpty()) {
                config.settingNamespaces(namespaces);
              }
            });
    OperatorMetrics.register(registry.getPrometheusRegistry(), cachedDeployments(controller));
    try (var http = OperatorHttpServer.start(httpPort, operator, registry)) {
      operator.installShutdownHook(Duration.ofSeconds(10));
      operator.start();
      new CountDownLatch(1).await();
    }
    return 0;
  }

  /**
   * The VllmDeployments in the controller's informer cache: what the per-deployment metrics are
   * computed from at scrape time. register() returns JOSDK's Controller, which owns that cache.
   */
  static Supplier<List<VllmDeployment>> cachedDeployments(
      RegisteredController<VllmDeployment> registered) {
    var controller = (Controller<VllmDeployment>) registered;
    return () -> controller.getEventSourceManager().getControllerEventSource().list().toList();
  }

  /** WATCH_NAMESPACES, set by the chart: comma-separated; empty means every namespace. */
  static Set<String> watchedNamespaces(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }
}
