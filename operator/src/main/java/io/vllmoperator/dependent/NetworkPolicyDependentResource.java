package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.NetworkPolicySpec;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.Names;
import io.vllmoperator.desired.VllmPodTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Admits traffic to the vLLM pods' serving port only from the peers the user lists and the
 * Prometheus scraper. Ingress only: the pods still reach the Hugging Face Hub.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class NetworkPolicyDependentResource
    extends CRUDKubernetesDependentResource<NetworkPolicy, VllmDeployment> {

  /** What prometheus-operator labels the pods of every Prometheus it runs with. */
  static final Map<String, String> PROMETHEUS_POD_LABELS = Map.of(Labels.NAME_KEY, "prometheus");

  public NetworkPolicyDependentResource() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  public static NetworkPolicy build(VllmDeployment vllm) {
    NetworkPolicySpec spec = vllm.getSpec().getNetworkPolicy();
    List<NetworkPolicyPeer> from = new ArrayList<>();
    if (spec.getAllowedClients() != null) {
      from.addAll(spec.getAllowedClients());
    }
    from.add(spec.getPrometheus() != null ? spec.getPrometheus() : defaultPrometheus());
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(Names.workload(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(Labels.common(vllm))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(Labels.selector(vllm))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(VllmPodTemplate.PORT_NAME))
        .endPort()
        .withFrom(from)
        .endIngress()
        .endSpec()
        .build();
  }

  /** Prometheus pods in any namespace: an empty namespace selector matches every namespace. */
  private static NetworkPolicyPeer defaultPrometheus() {
    return new NetworkPolicyPeerBuilder()
        .withNamespaceSelector(new LabelSelectorBuilder().build())
        .withPodSelector(new LabelSelectorBuilder().withMatchLabels(PROMETHEUS_POD_LABELS).build())
        .build();
  }

  /** spec.networkPolicy.enabled (default false); turning it off deletes the policy. */
  public static class Enabled implements Condition<NetworkPolicy, VllmDeployment> {
    @Override
    public boolean isMet(
        DependentResource<NetworkPolicy, VllmDeployment> dependentResource,
        VllmDeployment vllm,
        Context<VllmDeployment> context) {
      return enabled(vllm);
    }

    public static boolean enabled(VllmDeployment vllm) {
      NetworkPolicySpec spec = vllm.getSpec().getNetworkPolicy();
      return spec != null && Boolean.TRUE.equals(spec.getEnabled());
    }
  }
}
