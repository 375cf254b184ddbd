package io.vllmoperator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
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
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import io.vllmoperator.config.UnreadableResource;
import io.vllmoperator.dependent.AlertmanagerConfigDependentResource;
import io.vllmoperator.dependent.ControllerRevisionDependentResource;
import io.vllmoperator.dependent.DashboardsConfigMapDependentResource;
import io.vllmoperator.dependent.DeploymentDependentResource;
import io.vllmoperator.dependent.ModelCachePvcDependentResource;
import io.vllmoperator.dependent.NetworkPolicyDependentResource;
import io.vllmoperator.dependent.PrometheusOperatorCrdPresent;
import io.vllmoperator.dependent.PrometheusRuleDependentResource;
import io.vllmoperator.dependent.ServiceDependentResource;
import io.vllmoperator.dependent.ServiceMonitorDependentResource;
import io.vllmoperator.desired.Labels;
import io.vllmoperator.desired.MonitoringSettings;
import io.vllmoperator.desired.VllmPodTemplate;
import io.vllmoperator.monitoring.RolloutEventCounter;
import io.vllmoperator.rollout.DeploymentObservation;
import io.vllmoperator.rollout.PodObservation;
import io.vllmoperator.rollout.RevisionHistory;
import io.vllmoperator.rollout.RolloutDecision;
import io.vllmoperator.rollout.RolloutObservation;
import io.vllmoperator.rollout.RolloutPlan;
import io.vllmoperator.rollout.RolloutSettings;
import io.vllmoperator.rollout.RolloutStateMachine;
import io.vllmoperator.status.CacheClaimDiagnosis;
import io.vllmoperator.status.ClaimEventReader;
import io.vllmoperator.status.ClaimEvents;
import io.vllmoperator.status.EventRecorder;
import io.vllmoperator.status.FailureStatus;
import io.vllmoperator.status.PodDiagnosis;
import io.vllmoperator.status.PodLogReader;
import io.vllmoperator.status.PreviousLogCache;
import io.vllmoperator.status.PreviousLogs;
import io.vllmoperator.status.PrometheusOperatorCrds;
import io.vllmoperator.status.ReconcileFailure;
import io.vllmoperator.status.StatusEvents;
import io.vllmoperator.status.VllmStatusAggregator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin: decide the rollout first (rollout.RolloutStateMachine), then let the workflow apply the
 * dependents from that decision, then turn what is observed into status. The workflow is invoked
 * explicitly for both reasons: a rollback decided here must not be undone by a workflow that ran
 * before, and a VllmDeployment whose spec cannot be read never reaches the dependents.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(
          name = "model-cache",
          type = ModelCachePvcDependentResource.class,
          reconcilePrecondition = ModelCachePvcDependentResource.CacheSizeRequested.class),
      @Dependent(name = "revisions", type = ControllerRevisionDependentResource.class),
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
          name = VllmDeploymentReconciler.ALERTMANAGER_CONFIG,
          type = AlertmanagerConfigDependentResource.class,
          activationCondition = AlertmanagerConfigDependentResource.CrdPresent.class,
          reconcilePrecondition = AlertmanagerConfigDependentResource.Enabled.class),
      @Dependent(
          name = "dashboards",
          type = DashboardsConfigMapDependentResource.class,
          reconcilePrecondition = DashboardsConfigMapDependentResource.Enabled.class)
    })
@ControllerConfiguration(
    name = "vllmdeployment",
    fieldManager = VllmDeploymentReconciler.FIELD_MANAGER)
public class VllmDeploymentReconciler implements Reconciler<VllmDeployment> {
  /** Stable server-side apply field manager: changing it would orphan managed fields. */
  public static final String FIELD_MANAGER = "vllm-operator";

  static final String SERVICE_MONITOR = "service-monitor";
  static final String PROMETHEUS_RULE = "prometheus-rule";
  static final String ALERTMANAGER_CONFIG = "alertmanager-config";
  private static final String PODS = "pods";

  /**
   * While a wanted ServiceMonitor/PrometheusRule waits for its CRD, reconcile again after this, so
   * the activation condition looks again and creates them without an operator restart.
   */
  static final Duration CRD_RECHECK = PrometheusOperatorCrdPresent.RECHECK_INTERVAL.plusSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(VllmDeploymentReconciler.class);

  /** The threshold of the VllmOperatorSlowReconciles alert (p95). */
  static final Duration SLOW_RECONCILE = Duration.ofSeconds(5);

  private final Clock clock;
  private final PreviousLogCache previousLogs;
  private final ClaimEvents claimEvents;
  private final FailureReporter failures = new FailureReporter();
  private final RolloutEventCounter rolloutEvents;
  private final Duration imagePullGrace;

  public VllmDeploymentReconciler(Clock clock) {
    this(clock, new RolloutEventCounter(), RolloutSettings.DEFAULT_IMAGE_PULL_GRACE);
  }

  /**
   * @param rolloutEvents counts the rollout markers for /metrics
   * @param imagePullGrace how long a new pod may wait on an image pull error before its revision
   *     fails
   */
  public VllmDeploymentReconciler(
      Clock clock, RolloutEventCounter rolloutEvents, Duration imagePullGrace) {
    this.clock = clock;
    this.previousLogs = new PreviousLogCache(clock);
    this.claimEvents = new ClaimEvents(clock);
    this.rolloutEvents = rolloutEvents;
    this.imagePullGrace = imagePullGrace;
  }

  @Override
  public UpdateControl<VllmDeployment> reconcile(
      VllmDeployment vllm, Context<VllmDeployment> context) {
    long started = System.nanoTime();
    try {
      return reconcileNow(vllm, context);
    } finally {
      // The reconcile timer has no per-deployment labels: the log says which one was slow.
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      if (took.compareTo(SLOW_RECONCILE) > 0) {
        LOG.warn(
            "{}/{}: reconcile took {} ms",
            vllm.getMetadata().getNamespace(),
            vllm.getMetadata().getName(),
            took.toMillis());
      }
    }
  }

  private UpdateControl<VllmDeployment> reconcileNow(
      VllmDeployment vllm, Context<VllmDeployment> context) {
    var now = clock.instant();
    Optional<String> unreadable = UnreadableResource.problem(vllm);
    if (unreadable.isPresent()) {
      return reportUnreadable(vllm, ReconcileFailure.unreadableSpec(unreadable.get()), context);
    }
    Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);
    Set<Pod> pods = context.getSecondaryResources(Pod.class);
    PreviousLogs logs = previousLogs(context);
    RevisionHistory history =
        RevisionHistory.of(context.getSecondaryResources(ControllerRevision.class));
    List<PodObservation> observedPods =
        PodObservation.of(List.copyOf(pods), vllm.getSpec().getGpu().getResource(), logs);
    // Built once: building the template hashes it, and the settings and the plan both need it.
    PodTemplateSpec target = VllmPodTemplate.of(vllm);
    RolloutDecision decision =
        RolloutStateMachine.decide(
            RolloutSettings.of(vllm, target, imagePullGrace),
            vllm.getStatus() == null ? null : vllm.getStatus().getRollout(),
            new RolloutObservation(
                DeploymentObservation.of(deployment),
                observedPods,
                history.revisions(),
                history.newest(),
                now));
    RolloutPlan.of(vllm, target, decision, history).putInto(context);
    boolean failureRecordedFirst = rememberFailureFirst(vllm, decision, context, now);

    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    failures.succeeded(vllm);
    PrometheusOperatorCrds crds = prometheusOperatorCrds(context);
    // The cache claim's Events are read only while it is Pending, the client only when due.
    Optional<PersistentVolumeClaim> claim =
        context.getSecondaryResource(PersistentVolumeClaim.class);
    Optional<PodDiagnosis.Finding> unbound =
        claim.flatMap(
            c ->
                claimEvents.explain(c, p -> new ClaimEventReader(context.getClient()).eventsOf(p)));
    VllmDeploymentStatus status =
        new VllmStatusAggregator(now, logs, unbound)
            .aggregate(vllm, decision, deployment, observedPods, crds);
    if (!sameStatus(vllm.getStatus(), status)) {
      String id = vllm.getMetadata().getNamespace() + "/" + vllm.getMetadata().getName();
      Long applied = vllm.getStatus() == null ? null : vllm.getStatus().getObservedGeneration();
      if (!Objects.equals(applied, status.getObservedGeneration())) {
        LOG.info("{}: applied generation {}", id, status.getObservedGeneration());
      }
      var events = StatusEvents.between(vllm.getStatus(), status, announcedPhases(decision));
      // Patch and cache, so the next reconcile compares against this status, not a stale one.
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
          vllm, withStatus(vllm, status), context);
      // Recorded once the status that remembers them is written.
      var recorder = events.isEmpty() ? null : new EventRecorder(context.getClient());
      for (var event : events) {
        LOG.info("{}: {}: {}", id, event.reason(), event.message());
        recorder.record(vllm, event, now);
      }
    }
    if (!failureRecordedFirst) {
      recordRolloutEvents(vllm, decision, context, now);
    }
    Optional<Duration> recheck = decision.recheckAfter();
    if (claim.filter(CacheClaimDiagnosis::pending).isPresent()) {
      Duration refresh = ClaimEvents.REFRESH;
      recheck = Optional.of(recheck.filter(r -> r.compareTo(refresh) < 0).orElse(refresh));
    }
    if (waitsForCrd(vllm, crds)) {
      recheck = Optional.of(recheck.filter(r -> r.compareTo(CRD_RECHECK) < 0).orElse(CRD_RECHECK));
    }
    UpdateControl<VllmDeployment> control = UpdateControl.noUpdate();
    return recheck.map(control::rescheduleAfter).orElse(control);
  }

  /**
   * A newly failed revision is written to the status before the rollback is applied: were the
   * operator to stop in between, the restarted one must not see the failed pods gone and roll the
   * failed revision out again. Its Events follow the status write, as all Events do: a failed or
   * conflicting patch is retried without recording them twice (a stop between the two loses them;
   * the status and the RolledBack condition still say what happened).
   */
  private boolean rememberFailureFirst(
      VllmDeployment vllm, RolloutDecision decision, Context<VllmDeployment> context, Instant now) {
    RolloutStatus before = vllm.getStatus() == null ? null : vllm.getStatus().getRollout();
    String failed = decision.rollout().getFailedRevision();
    if (failed == null || (before != null && failed.equals(before.getFailedRevision()))) {
      return false;
    }
    VllmDeploymentStatus status =
        vllm.getStatus() == null
            ? new VllmDeploymentStatus()
            : Serialization.jsonMapper().convertValue(vllm.getStatus(), VllmDeploymentStatus.class);
    status.setRollout(decision.rollout());
    status.setPhase(decision.state().phase());
    PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
        vllm, withStatus(vllm, status), context);
    recordRolloutEvents(vllm, decision, context, now);
    return true;
  }

  /**
   * Rollout markers: an Event, a log line and a count for /metrics each. Recorded once the status
   * that remembers them is written, so a failed patch and its retry do not record them twice.
   */
  private void recordRolloutEvents(
      VllmDeployment vllm, RolloutDecision decision, Context<VllmDeployment> context, Instant now) {
    if (decision.events().isEmpty()) {
      return;
    }
    String id = vllm.getMetadata().getNamespace() + "/" + vllm.getMetadata().getName();
    var recorder = new EventRecorder(context.getClient());
    for (var event : decision.events()) {
      LOG.info("{}: {}: {}", id, event.marker().reason(), event.message());
      recorder.record(
          vllm,
          new StatusEvents.StatusEvent(
              event.marker().warning() ? "Warning" : "Normal",
              event.marker().reason(),
              event.message()),
          now);
      counted(event.marker())
          .ifPresent(
              kind ->
                  rolloutEvents.record(
                      vllm.getMetadata().getNamespace(), vllm.getMetadata().getName(), kind));
    }
  }

  /** Phases whose change this reconcile's rollout markers announce (when they are recorded). */
  private static Set<Phase> announcedPhases(RolloutDecision decision) {
    return decision.events().stream()
        .flatMap(e -> e.marker().announces().stream())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static Optional<RolloutEventCounter.Kind> counted(RolloutDecision.Marker marker) {
    return switch (marker) {
      case ROLLOUT_STARTED -> Optional.of(RolloutEventCounter.Kind.STARTED);
      case ROLLOUT_SUCCEEDED -> Optional.of(RolloutEventCounter.Kind.SUCCEEDED);
      case ROLLOUT_FAILED -> Optional.of(RolloutEventCounter.Kind.FAILED);
      case ROLLED_BACK -> Optional.of(RolloutEventCounter.Kind.ROLLED_BACK);
      default -> Optional.empty();
    };
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

  /** Leaves every object as it is; says on the VllmDeployment which field could not be read. */
  private UpdateControl<VllmDeployment> reportUnreadable(
      VllmDeployment vllm, ReconcileFailure failure, Context<VllmDeployment> context) {
    var now = clock.instant();
    failures
        .failed(vllm, failure, null, now)
        .ifPresent(e -> new EventRecorder(context.getClient()).record(vllm, e, now));
    VllmDeploymentStatus status = FailureStatus.of(vllm, failure, now);
    if (!sameStatus(vllm.getStatus(), status)) {
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
          vllm, withStatus(vllm, status), context);
    }
    return UpdateControl.noUpdate();
  }

  /** The activation conditions' answers; a dependent the workflow did not visit counts as found. */
  static PrometheusOperatorCrds prometheusOperatorCrds(Context<VllmDeployment> context) {
    var result = context.managedWorkflowAndDependentResourceContext().getWorkflowReconcileResult();
    return new PrometheusOperatorCrds(
        crdFound(result, SERVICE_MONITOR),
        crdFound(result, PROMETHEUS_RULE),
        crdFound(result, ALERTMANAGER_CONFIG));
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
        || (monitoring.alerts() && !crds.prometheusRules())
        || (monitoring.alertRouting() && !crds.alertmanagerConfigs());
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

  /**
   * A failed reconcile keeps the last observed status and says in Degraded what failed; one log
   * line and one Warning Event per distinct failure (see {@link FailureReporter}). JOSDK retries
   * with backoff for as long as it lasts (see config.OperatorConfig).
   */
  @Override
  public ErrorStatusUpdateControl<VllmDeployment> updateErrorStatus(
      VllmDeployment vllm, Context<VllmDeployment> context, Exception error) {
    var now = clock.instant();
    ReconcileFailure failure = ReconcileFailure.of(vllm, error);
    failures
        .failed(vllm, failure, error, now)
        .ifPresent(e -> new EventRecorder(context.getClient()).record(vllm, e, now));
    if (ReconcileFailure.API_SERVER_UNAVAILABLE.equals(failure.reason())) {
      // The status could not be written either; the retry after the outage will.
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    VllmDeploymentStatus status = FailureStatus.of(vllm, failure, now);
    if (sameStatus(vllm.getStatus(), status)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
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
}
