package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.vllmoperator.api.v1alpha1.VllmDeployment;

/**
 * A dependent whose informer is registered by its activation condition (its CRD is present), so the
 * workflow starts the informer on every reconcile: it gets a {@link StartOnceInformerEventSource},
 * configured as JOSDK would configure its own.
 */
public abstract class ActivatedDependentResource<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, VllmDeployment> {

  protected ActivatedDependentResource(Class<R> resourceType) {
    super(resourceType);
  }

  @Override
  protected InformerEventSource<R, VllmDeployment> createEventSource(
      EventSourceContext<VllmDeployment> context) {
    var configured = super.createEventSource(context).configuration();
    var startOnce = new StartOnceInformerEventSource<R, VllmDeployment>(configured, context);
    setEventSource(startOnce);
    return startOnce;
  }
}
