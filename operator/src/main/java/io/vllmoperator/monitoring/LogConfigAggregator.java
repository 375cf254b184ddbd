package io.vllmoperator.monitoring;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.config.UnreadableResource;
import io.vllmoperator.reconciler.VllmDeploymentReconciler;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link LogConfigAggregate} applied in the operator's namespace. It watches VllmDeployments
 * (deletions included, so no finalizer is needed), waits for a burst of changes to settle, and
 * writes only when the aggregate differs from what it last applied.
 */
public final class LogConfigAggregator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogConfigAggregator.class);
  static final long SETTLE_MILLIS = 2000;
  static final long RETRY_SECONDS = 30;

  private final KubernetesClient client;
  private final String namespace;
  private final Set<String> watchedNamespaces;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "log-config-aggregator");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean pending = new AtomicBoolean();
  private SharedIndexInformer<VllmDeployment> informer;
  private Map<String, String> lastApplied;

  /** {@code watchedNamespaces} empty: every namespace, as the operator itself. */
  public LogConfigAggregator(
      KubernetesClient client, String namespace, Set<String> watchedNamespaces) {
    this.client = client;
    this.namespace = namespace;
    this.watchedNamespaces = Set.copyOf(watchedNamespaces);
  }

  public LogConfigAggregator start() {
    informer =
        client
            .resources(VllmDeployment.class)
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(VllmDeployment vllm) {
                    schedule(SETTLE_MILLIS);
                  }

                  @Override
                  public void onUpdate(VllmDeployment before, VllmDeployment after) {
                    if (before.getMetadata().getGeneration() == null
                        || !before
                            .getMetadata()
                            .getGeneration()
                            .equals(after.getMetadata().getGeneration())) {
                      schedule(SETTLE_MILLIS);
                    }
                  }

                  @Override
                  public void onDelete(VllmDeployment vllm, boolean finalStateUnknown) {
                    schedule(SETTLE_MILLIS);
                  }
                });
    schedule(0);
    return this;
  }

  private void schedule(long delayMillis) {
    if (pending.compareAndSet(false, true)) {
      executor.schedule(this::apply, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void apply() {
    pending.set(false);
    var deployments =
        informer.getStore().list().stream()
            .filter(UnreadableResource::isReadable)
            .filter(
                v ->
                    watchedNamespaces.isEmpty()
                        || watchedNamespaces.contains(v.getMetadata().getNamespace()))
            .toList();
    ConfigMap desired = LogConfigAggregate.of(namespace, deployments);
    if (desired.getData().equals(lastApplied)) {
      return;
    }
    try {
      client
          .resource(desired)
          .fieldManager(VllmDeploymentReconciler.FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
      lastApplied = desired.getData();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not apply {}/{}: {}; retrying in {}s",
          namespace,
          LogConfigAggregate.NAME,
          e.getMessage(),
          RETRY_SECONDS);
      schedule(TimeUnit.SECONDS.toMillis(RETRY_SECONDS));
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    executor.shutdownNow();
  }
}
