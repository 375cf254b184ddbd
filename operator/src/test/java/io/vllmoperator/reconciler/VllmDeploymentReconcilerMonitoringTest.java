package io.vllmoperator.reconciler;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.status.Conditions;
import io.vllmoperator.status.PrometheusOperatorCrds;
import io.vllmoperator.status.VllmStatusAggregator;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How the reconciler turns the workflow's CRD checks into MonitoringReady and into a reschedule, so
 * the ServiceMonitor/PrometheusRule appear without a restart once prometheus-operator does.
 */
class VllmDeploymentReconcilerMonitoringTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final VllmDeploymentReconciler reconciler =
      new VllmDeploymentReconciler(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void whileTheCrdIsMissingTheDeploymentIsReconciledAgainSoon() {
    VllmDeployment vllm =
        withCurrentStatus(vllm("llama", "model: {name: m}"), PrometheusOperatorCrds.MISSING);

    var control =
        reconciler.reconcile(
            vllm, context(Map.of("service-monitor", false, "prometheus-rule", false)));

    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay())
        .contains(VllmDeploymentReconciler.CRD_RECHECK.toMillis());
    assertThat(Conditions.find(vllm.getStatus().getConditions(), Conditions.MONITORING_READY))
        .get()
        .extracting(io.fabric8.kubernetes.api.model.Condition::getReason)
        .isEqualTo("PrometheusOperatorNotInstalled");
  }

  @Test
  void withTheCrdsPresentNothingIsRescheduled() {
    VllmDeployment vllm =
        withCurrentStatus(vllm("llama", "model: {name: m}"), PrometheusOperatorCrds.INSTALLED);

    var control =
        reconciler.reconcile(
            vllm, context(Map.of("service-monitor", true, "prometheus-rule", true)));

    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void theActivationResultsOfBothDependentsAreRead() {
    assertThat(
            VllmDeploymentReconciler.prometheusOperatorCrds(
                context(Map.of("service-monitor", false, "prometheus-rule", true))))
        .isEqualTo(new PrometheusOperatorCrds(false, true));
    assertThat(VllmDeploymentReconciler.prometheusOperatorCrds(context(Map.of())))
        .isEqualTo(PrometheusOperatorCrds.INSTALLED);
    assertThat(
            VllmDeploymentReconciler.prometheusOperatorCrds(
                context(
                    Map.of(
                        "service-monitor", true,
                        "prometheus-rule", true,
                        "alertmanager-config", false))))
        .isEqualTo(new PrometheusOperatorCrds(true, true, false));
  }

  @Test
  void alertRoutingWaitsForTheAlertmanagerConfigCrd() {
    var routed =
        vllm(
            "r",
            "model: {name: m}\nmonitoring: {alertRouting: {enabled: true, warning: [{pagerduty:"
                + " {routingKeySecret: {name: pd, key: key}}}]}}");
    var noAlertmanagerConfigs = new PrometheusOperatorCrds(true, true, false);

    assertThat(VllmDeploymentReconciler.waitsForCrd(routed, noAlertmanagerConfigs)).isTrue();
    assertThat(
            VllmDeploymentReconciler.waitsForCrd(
                vllm("b", "model: {name: m}"), noAlertmanagerConfigs))
        .isFalse();
  }

  @Test
  void onlyAWantedObjectWaitsForItsCrd() {
    var alertsOnly = vllm("a", "model: {name: m}\nmonitoring: {serviceMonitor: {enabled: false}}");
    var crdsForMonitorsOnly = new PrometheusOperatorCrds(true, false);

    assertThat(VllmDeploymentReconciler.waitsForCrd(alertsOnly, crdsForMonitorsOnly)).isTrue();
    assertThat(
            VllmDeploymentReconciler.waitsForCrd(
                alertsOnly, new PrometheusOperatorCrds(false, true)))
        .isFalse();
    assertThat(
            VllmDeploymentReconciler.waitsForCrd(
                vllm("b", "model: {name: m}"), PrometheusOperatorCrds.INSTALLED))
        .isFalse();
  }

  /** The status the reconciler would write, already in place: the reconcile writes nothing. */
  private static VllmDeployment withCurrentStatus(
      VllmDeployment vllm, PrometheusOperatorCrds crds) {
    vllm.setStatus(
        new VllmStatusAggregator(NOW).aggregate(vllm, Optional.empty(), List.of(), crds));
    return vllm;
  }

  /** A Context whose workflow result answers the activation conditions with {@code crds}. */
  @SuppressWarnings("unchecked")
  private static Context<VllmDeployment> context(Map<String, Boolean> crds) {
    WorkflowReconcileResult result =
        new WorkflowReconcileResult() {
          @Override
          public <T> Optional<T> getDependentConditionResult(
              String name, Condition.Type type, Class<T> expected) {
            return type == Condition.Type.ACTIVATION && crds.containsKey(name)
                ? Optional.of(expected.cast(crds.get(name)))
                : Optional.empty();
          }
        };
    ManagedWorkflowAndDependentResourceContext workflow =
        (ManagedWorkflowAndDependentResourceContext)
            Proxy.newProxyInstance(
                VllmDeploymentReconcilerMonitoringTest.class.getClassLoader(),
                new Class<?>[] {ManagedWorkflowAndDependentResourceContext.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getWorkflowReconcileResult")) {
                    return Optional.of(result);
                  }
                  if (method.getName().equals("reconcileManagedWorkflow")) {
                    return result;
                  }
                  if (method.getName().equals("put")) {
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return (Context<VllmDeployment>)
        Proxy.newProxyInstance(
            VllmDeploymentReconcilerMonitoringTest.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "managedWorkflowAndDependentResourceContext" -> workflow;
                  case "getSecondaryResource" -> Optional.empty();
                  case "getSecondaryResources" -> Set.of();
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
