package io.vllmoperator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.DetailedCondition;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;

/**
 * Activation condition of the ServiceMonitor, PrometheusRule and AlertmanagerConfig dependents:
 * their monitoring.coreos.com CRD exists. While it is false JOSDK neither reconciles the dependent
 * nor starts its informer, so a cluster without prometheus-operator never sees a failing watch.
 *
 * <p>JOSDK 5.2.3's {@link CRDPresentActivationCondition} asks the API server at most 10 times, 10
 * seconds apart, and then never again, and assumes a CRD it found stays: a CRD installed later, or
 * deleted and reinstalled, would need an operator restart. This one asks again whenever the cached
 * answer (per CRD, for all VllmDeployments) is older than {@link #RECHECK_INTERVAL}, present or
 * not: one GET per CRD per interval at most. A CRD that disappears turns the dependent off, which
 * also stops its informer (no failing watch); one that comes back turns it on again. The reconciler
 * reschedules deployments that want a missing CRD, and the periodic resync covers the rest, so the
 * check runs even when nothing else changes.
 *
 * <p>The result is detailed (true/false), so the reconciler can read it from the workflow result
 * for the MonitoringReady condition.
 */
public class PrometheusOperatorCrdPresent<R extends HasMetadata>
    extends CRDPresentActivationCondition<R, VllmDeployment>
    implements DetailedCondition<R, VllmDeployment, Boolean> {

  /** How often a missing CRD is looked up again. */
  public static final Duration RECHECK_INTERVAL = Duration.ofSeconds(20);

  private final Clock clock;
  private final Duration recheckInterval;

  public PrometheusOperatorCrdPresent() {
    this(Clock.systemDefaultZone(), RECHECK_INTERVAL);
  }

  PrometheusOperatorCrdPresent(Clock clock, Duration recheckInterval) {
    super(Integer.MAX_VALUE, recheckInterval);
    this.clock = clock;
    this.recheckInterval = recheckInterval;
  }

  @Override
  public Result<Boolean> detailedIsMet(
      DependentResource<R, VllmDeployment> dependentResource,
      VllmDeployment primary,
      Context<VllmDeployment> context) {
    boolean present = isMet(dependentResource, primary, context);
    return Result.withResult(present, present);
  }

  @Override
  public boolean isMet(
      DependentResource<R, VllmDeployment> dependentResource,
      VllmDeployment primary,
      Context<VllmDeployment> context) {
    return super.isMet(dependentResource, primary, context);
  }

  /** Never checked, or last checked longer ago than the interval. */
  @Override
  protected boolean shouldCheckStateNow(CRDCheckState state) {
    if (state.isCrdPresent() == null || state.getLastChecked() == null) {
      return true;
    }
    // CRDCheckState stamps lastChecked with LocalDateTime.now() (default zone).
    return !LocalDateTime.now(clock).isBefore(state.getLastChecked().plus(recheckInterval));
  }
}
