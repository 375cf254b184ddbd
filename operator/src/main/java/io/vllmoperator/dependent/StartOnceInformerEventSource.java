package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * An informer event source whose start does nothing once it runs.
 *
 * <p>JOSDK 5.2.3 starts the event source of a dependent with an activation condition again on every
 * reconcile, and each start re-indexes the informer's whole cache under the event source's lock:
 * O(N) per reconcile, O(N²) to create N VllmDeployments, with every reconcile thread queued on that
 * lock. JOSDK 5.3.3 has the same check (operator-framework/java-operator-sdk#3275); it is not
 * available to this build.
 */
public class StartOnceInformerEventSource<R extends HasMetadata, P extends HasMetadata>
    extends InformerEventSource<R, P> {

  public StartOnceInformerEventSource(
      InformerEventSourceConfiguration<R> configuration, EventSourceContext<P> context) {
    super(configuration, context);
  }

  @Override
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    super.start();
  }
}
