package io.vllmoperator.cli;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.config.OperatorConfig;
import io.vllmoperator.config.UnreadableResource;
import io.vllmoperator.desired.Durations;
import io.vllmoperator.leader.Leadership;
import io.vllmoperator.lifecycle.GracefulShutdown;
import io.vllmoperator.monitoring.KubernetesRequestMetrics;
import io.vllmoperator.monitoring.LeadershipMetrics;
import io.vllmoperator.monitoring.OperatorMetrics;
import io.vllmoperator.monitoring.ReconcileTimerPerController;
import io.vllmoperator.monitoring.RolloutEventCounter;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the operator against the cluster of the current kubeconfig or service account. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the operator (kubeconfig or in-cluster config).")
public class RunCommand implements Callable<Integer> {
  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--resync-interval",
      defaultValue = "5m",
      description =
          "Reconcile every VllmDeployment at least this often, even when nothing changed, e.g. 5m,"
              + " 1h (default: ${DEFAULT-VALUE}). Repairs what no event reported.")
  String resyncInterval;

  @Option(
      names = "--reconcile-threads",
      defaultValue = "" + OperatorConfig.DEFAULT_RECONCILE_THREADS,
      description =
          "VllmDeployments reconciled at once (default: ${DEFAULT-VALUE}). A reconcile mostly"
              + " waits on the API server; see docs/benchmarks.md for the measured effect.")
  int reconcileThreads;

  @Option(
      names = "--image-pull-grace",
      defaultValue = "3m",
      description =
          "How long a pod of a new revision may wait on an image pull error or a container config"
              + " error (a missing Secret key) before the revision counts as failed and is rolled"
              + " back, e.g. 3m (default: ${DEFAULT-VALUE}).")
  String imagePullGrace;

  @Option(
      names = "--shutdown-timeout",
      defaultValue = "20s",
      description =
          "On SIGTERM, how long the reconciles in flight may take to finish before the process"
              + " exits; the leader then releases its Lease, so a standby takes over at once"
              + " (default: ${DEFAULT-VALUE}). Keep the pod's terminationGracePeriodSeconds above"
              + " it.")
  String shutdownTimeout;

  @Mixin LeaderElectionOptions leaderElection;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    Duration shutdown = Duration.ofSeconds(Durations.seconds(shutdownTimeout));
    var settings =
        new OperatorConfig(
            Duration.ofSeconds(Durations.seconds(resyncInterval)),
            OperatorConfig.DEFAULT_FIRST_RETRY,
            OperatorConfig.DEFAULT_MAX_RETRY,
            reconcileThreads);
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new ReconcileTimerPerController());
    var election = leaderElection.settings(System.getenv());
    var leadership =
        election
            .map(e -> Leadership.elected(e.identity(), Leadership.EXIT_PROCESS))
            .orElseGet(Leadership::sole);
    LeadershipMetrics.register(registry, leadership, Clock.systemUTC());
    var client = OperatorConfig.client(new KubernetesRequestMetrics(registry));
    var operator =
        new Operator(
            o -> {
              settings.configure(o, client);
              // Still needed after Operator.stop(): the graceful shutdown releases the Lease.
              o.withCloseClientOnStop(false);
              election.ifPresent(
                  e ->
                      o.withLeaderElectionConfiguration(e.toConfiguration(leadership.callbacks())));
              o.withMetrics(
                  MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
                      .build());
            });
    Set<String> namespaces = watchedNamespaces(System.getenv("WATCH_NAMESPACES"));
    var rolloutEvents = new RolloutEventCounter();
    RegisteredController<VllmDeployment> controller =
        operator.register(
            new VllmDeploymentReconciler(
                Clock.systemUTC(),
                rolloutEvents,
                Duration.ofSeconds(Durations.seconds(imagePullGrace))),
            config -> {
              settings.configure(config);
              if (!namespaces.isEmpty()) {
                config.settingNamespaces(namespaces);
              }
            });
    // The same counter must reach the reconciler, which records the rollout markers into it.
    OperatorMetrics.register(
        registry.getPrometheusRegistry(), cachedDeployments(controller), rolloutEvents);
    var http = OperatorHttpServer.start(httpPort, operator, registry, leadership);
    new GracefulShutdown(operator, leadership, election, shutdown, List.of(http, client))
        .installHook();
    operator.start();
    // Runs until the process is stopped; GracefulShutdown then closes everything.
    new CountDownLatch(1).await();
    return 0;
  }

  /**
   * The VllmDeployments in the controller's informer cache: what the per-deployment metrics are
   * computed from at scrape time. register() returns JOSDK's Controller, which owns that cache.
   */
  static Supplier<List<VllmDeployment>> cachedDeployments(
      RegisteredController<VllmDeployment> registered) {
    var controller = (Controller<VllmDeployment>) registered;
    return () ->
        controller
            .getEventSourceManager()
            .getControllerEventSource()
            .list()
            .filter(UnreadableResource::isReadable)
            .toList();
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
