package io.vllmoperator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.config.OperatorConfig;
import io.vllmoperator.dependent.PrometheusRuleDependentResource;
import io.vllmoperator.dependent.ServiceMonitorDependentResource;
import io.vllmoperator.dependent.StartOnceInformerEventSource;
import io.vllmoperator.reconciler.VllmDeploymentReconciler;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workflow starts a dependent's event source on every reconcile when the dependent has an
 * activation condition (the ServiceMonitor, PrometheusRule and AlertmanagerConfig). JOSDK 5.2.3
 * then maps every cached object to its primary again; the operator's event source does it once.
 * Counted here by the mapper's calls, against a real kube-apiserver.
 */
class StartOnceInformerIT {
  private static final String NS = "start-once";
  private static final int CACHED = 5;

  private static KubernetesClient client;
  private static KubernetesClient operatorClient;
  private static EventSourceContext<VllmDeployment> context;

  @BeforeAll
  static void start() {
    client = LocalCluster.get().newClient();
    ClusterFixtures.installCrd(client);
    ClusterFixtures.ensureNamespace(client, NS);
    for (int i = 0; i < CACHED; i++) {
      client
          .configMaps()
          .inNamespace(NS)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("cached-" + i)
                  .withLabels(Map.of("start-once", "yes"))
                  .endMetadata()
                  .build())
          .serverSideApply();
    }
    operatorClient = OperatorConfig.client(client.getConfiguration());
    // The controller's configuration as the operator registers it; the operator is not started.
    var operator = new Operator(o -> OperatorConfig.defaults().configure(o, operatorClient));
    ControllerConfiguration<VllmDeployment> controller =
        operator
            .register(
                new VllmDeploymentReconciler(Clock.systemUTC()),
                OperatorConfig.defaults()::configure)
            .getConfiguration();
    context = new EventSourceContext<>(null, controller, operatorClient, VllmDeployment.class);
  }

  @AfterAll
  static void stop() {
    client.configMaps().inNamespace(NS).withLabel("start-once", "yes").delete();
    operatorClient.close();
    client.close();
  }

  @Test
  void startingTheOperatorsEventSourceAgainMapsNothingAgain() throws InterruptedException {
    AtomicInteger mapped = new AtomicInteger();
    var source = new StartOnceInformerEventSource<>(counting(mapped), context);
    try {
      int afterFirstStart = startAndSettle(source, mapped);
      assertThat(afterFirstStart).as("the cache was indexed").isGreaterThanOrEqualTo(CACHED);

      source.start();
      source.start();

      assertThat(settled(mapped::get)).isEqualTo(afterFirstStart);
    } finally {
      source.stop();
    }
  }

  /** If this fails, JOSDK no longer re-indexes on start and StartOnceInformerEventSource can go. */
  @Test
  void josdksOwnEventSourceMapsTheWholeCacheAgainOnEachStart() throws InterruptedException {
    AtomicInteger mapped = new AtomicInteger();
    var source = new InformerEventSource<>(counting(mapped), context);
    try {
      int afterFirstStart = startAndSettle(source, mapped);

      source.start();
      source.start();

      assertThat(settled(mapped::get)).isEqualTo(afterFirstStart + 2 * CACHED);
    } finally {
      source.stop();
    }
  }

  @Test
  void theDependentsWithAnActivationConditionGetTheStartOnceEventSource() {
    assertThat(new ServiceMonitorDependentResource().eventSource(context))
        .get()
        .isInstanceOf(StartOnceInformerEventSource.class);
    assertThat(new PrometheusRuleDependentResource().eventSource(context))
        .get()
        .isInstanceOf(StartOnceInformerEventSource.class);
  }

  private static InformerEventSourceConfiguration<ConfigMap> counting(AtomicInteger mapped) {
    return InformerEventSourceConfiguration.from(ConfigMap.class, VllmDeployment.class)
        .withNamespaces(Set.of(NS))
        .withLabelSelector("start-once=yes")
        .withSecondaryToPrimaryMapper(
            configMap -> {
              mapped.incrementAndGet();
              return Set.<ResourceID>of();
            })
        .build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int startAndSettle(
      InformerEventSource<ConfigMap, VllmDeployment> source, AtomicInteger mapped)
      throws InterruptedException {
    source.setControllerConfiguration(
        (ControllerConfiguration) context.getControllerConfiguration());
    source.setEventHandler(event -> {});
    source.start();
    return settled(mapped::get);
  }

  /** The count once the informer's own add events are handled: unchanged for a second. */
  private static int settled(Supplier<Integer> count) throws InterruptedException {
    int last = count.get();
    for (int unchanged = 0; unchanged < 10; ) {
      Thread.sleep(100);
      int now = count.get();
      unchanged = now == last ? unchanged + 1 : 0;
      last = now;
    }
    return last;
  }
}
