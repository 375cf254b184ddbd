package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Durations;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.Names;
import io.vllmoperator.desired.VllmPodTemplate;

/** The GPU pods, rolled out by the Deployment controller with the CR's surge settings. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class DeploymentDependentResource
    extends CRUDKubernetesDependentResource<Deployment, VllmDeployment> {

  public DeploymentDependentResource() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return build(vllm);
  }

  /** Pure: the same CR always gives the same Deployment. */
  public static Deployment build(VllmDeployment vllm) {
    var rollout = vllm.getSpec().getRollout();
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(Names.workload(vllm))
        .withNamespace(vllm.getMetadata().getNamespace())
        .withLabels(Labels.common(vllm))
        .endMetadata()
        .withNewSpec()
        .withReplicas(vllm.getSpec().getReplicas())
        .withNewSelector()
        .withMatchLabels(Labels.selector(vllm))
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(rollout.getMaxSurge()))
        .withMaxUnavailable(new IntOrString(rollout.getMaxUnavailable()))
        .endRollingUpdate()
        .endStrategy()
        .withProgressDeadlineSeconds((int) Durations.seconds(rollout.getProgressDeadline()))
        .withRevisionHistoryLimit(5)
        .withTemplate(VllmPodTemplate.of(vllm))
        .endSpec()
        .build();
  }
}
