package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.Names;
import io.vllmoperator.desired.VllmPodTemplate;
import java.util.Map;

/** The OpenAI-compatible endpoint; its port is also what Prometheus scrapes. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ServiceDependentResource
    extends CRUDKubernetesDependentResource<Service, VllmDeployment> {

  public ServiceDependentResource() {
    super(Service.class);
  }

  @Override
  protected Service desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  public static Service build(VllmDeployment vllm) {
    var service = vllm.getSpec().getService();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Names.workload(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(Labels.common(vllm))
        .withAnnotations(service.getAnnotations() == null ? Map.of() : service.getAnnotations())
        .endMetadata()
        .withNewSpec()
        .withType(service.getType().value())
        .withSelector(Labels.selector(vllm))
        .addNewPort()
        .withName(VllmPodTemplate.PORT_NAME)
        .withPort(service.getPort())
        .withTargetPort(new IntOrString(VllmPodTemplate.PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }
}
