package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
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
import io.vllmoperator.rollout.RolloutPlan;
import io.vllmoperator.rollout.RolloutSettings.Strategy;

/** The GPU pods, rolled out by the Deployment controller with the CR's surge settings. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class DeploymentDependentResource
    extends CRUDKubernetesDependentResource<Deployment, VllmDeployment> {

  public DeploymentDependentResource() {
    super(Deployment.class);
  }

  /** From the rollout decision: the served revision's template, its strategy, paused or not. */
  @Override
  protected Deployment desired(VllmDeployment vllm, Context<VllmDeployment> context) {
    return RolloutPlan.in(context).map(plan -> build(vllm, plan)).orElseGet(() -> build(vllm));
  }

  /** The spec's own revision and strategy, as `render` shows it. Pure. */
  public static Deployment build(VllmDeployment vllm) {
    var rollout = vllm.getSpec().getRollout();
    return build(
        vllm,
        VllmPodTemplate.of(vllm),
        new Strategy(rollout.getMaxSurge(), rollout.getMaxUnavailable()),
        false);
  }

  /** Pure: the same CR and plan always give the same Deployment. */
  public static Deployment build(VllmDeployment vllm, RolloutPlan plan) {
    return build(vllm, plan.servedTemplate(), plan.decision().strategy(), plan.decision().paused());
  }

  private static Deployment build(
      VllmDeployment vllm, PodTemplateSpec template, Strategy strategy, boolean paused) {
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
        .withMaxSurge(new IntOrString(strategy.maxSurge()))
        .withMaxUnavailable(new IntOrString(strategy.maxUnavailable()))
        .endRollingUpdate()
        .endStrategy()
        .withProgressDeadlineSeconds((int) Durations.seconds(rollout.getProgressDeadline()))
        .withRevisionHistoryLimit(5)
        // Omitted unless paused, so the field stays unset on every Deployment that never was.
        .withPaused(paused ? Boolean.TRUE : null)
        .withTemplate(template)
        .endSpec()
        .build();
  }
}
