package io.vllmoperator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import io.vllmoperator.dependent.DashboardsConfigMapDependentResource;
import io.vllmoperator.dependent.DeploymentDependentResource;
import io.vllmoperator.dependent.LogShippingConfigMapDependentResource;
import io.vllmoperator.dependent.ModelCachePvcDependentResource;
import io.vllmoperator.dependent.NetworkPolicyDependentResource;
import io.vllmoperator.dependent.PrometheusOperatorCrdPresent;
import io.vllmoperator.dependent.PrometheusRuleDependentResource;
import io.vllmoperator.dependent.ServiceDependentResource;
import io.vllmoperator.dependent.ServiceMonitorDependentResource;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.status.Conditions;
import io.vllmoperator.status.EventRecorder;
import io.vllmoperator.status.PodLogReader;
import io.vllmoperator.status.PreviousLogCache;
import io.vllmoperator.status.PreviousLogs;
import io.vllmoperator.status.PrometheusOperatorCrds;
import io.vllmoperator.status.StatusEvents;
import io.vllmoperator.status.VllmStatusAggregator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Thin: the workflow applies the dependents; this only turns what it observes into status. */
@Workflow(
    dependents = {
      @Dependent(
          name = "model-cache",
          type = ModelCachePvcDependentResource.class,
          reconcilePrecondition = ModelCachePvcDependentResource.CacheSizeRequested.class),
      @Dependent(name = "deployment", type = DeploymentDependentResource.class),
      @Dependent(name = "service", type = ServiceDependentResource.class),
      @Dependent(
          name = "network-policy",
          type = NetworkPolicyDependentResource.class,
          reconcilePrecondition = NetworkPolicyDependentResource.Enabled.class),
      @Dependent(
          name = VllmDeploymentReconciler.SERVICE_MONITOR,
          type = ServiceMonitorDependentResource.class,
          activationCondition = ServiceMonitorDependentResource.CrdPresent.class,
          reconcilePrecondition = ServiceMonitorDependentResource.Enabled.class),
      @Dependent(
          name = VllmDeploymentReconciler.PROMETHEUS_RULE,
          type = PrometheusRuleDependentResource.class,
          activationCondition = PrometheusRuleDependentResource.CrdPresent.class,
          reconcilePrecondition = PrometheusRuleDependentResource.Enabled.class),
      @Dependent(
          name = "dashboards",
          type = DashboardsConfigMapDependentResource.class,
          reconcilePrecondition = DashboardsConfigMapDependentResource.Enabled.class),
      @Dependent(
          name = "log-config",
          type = LogShippingConfigMapDependentResource.class,
          reconcilePrecondition = LogShippingConfigMapDependentResource.Enabled.class)
    })
@ControllerConfiguration(
    name = "vllmdeployment",
    fieldManager = VllmDeploymentReconciler.FIELD_MANAGER)
public class VllmDeploymentReconciler implements Reconciler<VllmDeployment> {
  /** Stable server-side apply field manager: changing it would orphan managed fields. */
  public static final String FIELD_MANAGER = "vllm-operator";

  static final String SERVICE_MONITOR = "service-monitor";
  static final String PROMETHEUS_RULE = "prometheus-rule";
  private static final String PODS = "pods";

  /**
   * While a wanted ServiceMonitor/PrometheusRule waits for its CRD, reconcile again after this, so
   * the activation condition looks again and creates them without an operator restart.
   */
  static final Duration CRD_RECHECK = PrometheusOperatorCrdPresent.RECHECK_INTERVAL.plusSeconds(10);

  private static final int MAX_ERROR_MESSAGE = 400;

  private final Clock clock;
  private final PreviousLogCache previousLogs;

  public VllmDeploymentReconciler(Clock clock) {
    this.clock = clock;
    this.previousLogs = new PreviousLogCache(clock);
  }

  @Override
  public UpdateControl<VllmDeployment> reconcile(
      VllmDeployment vllm, Context<VllmDeployment> context) {
    var now = clock.instant();
    PrometheusOperatorCrds crds = prometheusOperatorCrds(context);
    VllmDeploymentStatus status =
        new VllmStatusAggregator(now, previousLogs(context))
            .aggregate(
                vllm,
                context.getSecondaryResource(Deployment.class),
                context.getSecondaryResources(Pod.class),
                crds);
    if (!sameStatus(vllm.getStatus(), status)) {
      var recorder = new EventRecorder(context.getClient());
      StatusEvents.between(vllm.getStatus(), status).forEach(e -> recorder.record(vllm, e, now));
      // Patch and cache, so the next reconcile compares against this status, not a stale one.
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
          vllm, withStatus(vllm, status), context);
    }
    UpdateControl<VllmDeployment> control = UpdateControl.noUpdate();
    return waitsForCrd(vllm, crds) ? control.rescheduleAfter(CRD_RECHECK) : control;
  }

  /**
   * Crashed vLLM containers' previous logs, each read once through the API server; logs of pods
   * that are gone from the informer cache are dropped first.
   */
  private PreviousLogs previousLogs(Context<VllmDeployment> context) {
    previousLogs.evictUnless(pod -> stillCached(context, pod));
    // The client is only asked for when a crash is actually read.
    return previousLogs.reading(
        (pod, container) -> new PodLogReader(context.getClient()).previousLog(pod, container));
  }

  @SuppressWarnings("unchecked")
  private static boolean stillCached(Context<VllmDeployment> context, PreviousLogCache.PodRef pod) {
    var cache = (Cache<Pod>) context.eventSourceRetriever().getEventSourceFor(Pod.class, PODS);
    return cache
        .get(new ResourceID(pod.name(), pod.namespace()))
        .map(p -> pod.uid().equals(p.getMetadata().getUid()))
        .orElse(false);
  }

  /** The activation conditions' answers; a dependent the workflow did not visit counts as found. */
  static PrometheusOperatorCrds prometheusOperatorCrds(Context<VllmDeployment> context) {
    var result = context.managedWorkflowAndDependentResourceContext().getWorkflowReconcileResult();
    return new PrometheusOperatorCrds(
        crdFound(result, SERVICE_MONITOR), crdFound(result, PROMETHEUS_RULE));
  }

  private static boolean crdFound(Optional<WorkflowReconcileResult> result, String dependent) {
    return result
        .flatMap(
            r -> r.getDependentConditionResult(dependent, Condition.Type.ACTIVATION, Boolean.class))
        .orElse(true);
  }

  static boolean waitsForCrd(VllmDeployment vllm, PrometheusOperatorCrds crds) {
    MonitoringSettings monitoring = MonitoringSettings.of(vllm);
    return (monitoring.serviceMonitor() && !crds.serviceMonitors())
        || (monitoring.alerts() && !crds.prometheusRules());
  }

  /** Pods are watched, never managed: their states explain a Degraded or stuck deployment. */
  @Override
  public List<EventSource<?, VllmDeployment>> prepareEventSources(
      EventSourceContext<VllmDeployment> context) {
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, VllmDeployment.class)
            .withName(PODS)
            .withLabelSelector(Labels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(
                pod ->
                    Optional.ofNullable(pod.getMetadata().getLabels())
                        .map(labels -> labels.get(Labels.INSTANCE_KEY))
                        .map(name -> Set.of(new ResourceID(name, pod.getMetadata().getNamespace())))
                        .orElse(Set.of()))
            .build();
    return List.of(new InformerEventSource<>(pods, context));
  }

  @Override
  public ErrorStatusUpdateControl<VllmDeployment> updateErrorStatus(
      VllmDeployment vllm, Context<VllmDeployment> context, Exception error) {
    VllmDeploymentStatus status =
        vllm.getStatus() == null ? new VllmDeploymentStatus() : copy(vllm.getStatus());
    var conditions = new ArrayList<>(status.getConditions());
    conditions.removeIf(c -> Conditions.DEGRADED.equals(c.getType()));
    conditions.add(
        Conditions.of(
            Conditions.DEGRADED,
            true,
            "ReconcileError",
            truncate(Objects.toString(error.getMessage(), error.getClass().getSimpleName())),
            vllm.getMetadata().getGeneration(),
            status.getConditions(),
            clock.instant()));
    status.setConditions(conditions);
    if (sameStatus(vllm.getStatus(), status)) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    return ErrorStatusUpdateControl.patchStatus(withStatus(vllm, status));
  }

  /** Status patches carry only name, namespace and status, as server-side apply expects. */
  private static VllmDeployment withStatus(VllmDeployment vllm, VllmDeploymentStatus status) {
    VllmDeployment fresh = new VllmDeployment();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(vllm.getMetadata().getName())
            .withNamespace(vllm.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }

  public static boolean sameStatus(VllmDeploymentStatus current, VllmDeploymentStatus next) {
    return current != null
        && Serialization.jsonMapper()
            .valueToTree(current)
            .equals(Serialization.jsonMapper().valueToTree(next));
  }

  private static VllmDeploymentStatus copy(VllmDeploymentStatus status) {
    return Serialization.jsonMapper().convertValue(status, VllmDeploymentStatus.class);
  }

  private static String truncate(String message) {
    return message.length() <= MAX_ERROR_MESSAGE
        ? message
        : message.substring(0, MAX_ERROR_MESSAGE) + "...";
  }
}
