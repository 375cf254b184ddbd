package io.vllmoperator.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecretKeySelectorBuilder;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.AlertmanagerConfigSpec;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.AlertmanagerConfigSpecBuilder;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.InhibitRuleBuilder;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.Matcher;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.PagerDutyConfigBuilder;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.Receiver;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ReceiverBuilder;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.Route;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.RouteBuilder;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.SlackConfigBuilder;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.WebhookConfigBuilder;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.AlertReceiverSpec;
import io.vllmoperator.api.v1alpha1.spec.AlertRoutingSpec;
import io.vllmoperator.api.v1alpha1.spec.MonitoringSpec;
import io.vllmoperator.api.v1alpha1.spec.SecretKeyRef;
import io.vllmoperator.desired.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The AlertmanagerConfig spec of one deployment: its alerts, by severity, to the receivers of
 * spec.monitoring.alertRouting. prometheus-operator prefixes every receiver name with
 * `namespace/name/` and adds a namespace matcher to the route and the inhibit rule, so nothing here
 * repeats the namespace.
 *
 * <p>With routing on, every alert of the deployment carries `deployment=<name>` (AlertRules adds
 * it), so one matcher selects exactly this deployment's alerts: the top route matches nothing else
 * and leaves other alerts of the namespace to the rest of the Alertmanager configuration.
 */
public final class AlertRouting {
  /** The alert label naming the VllmDeployment. */
  public static final String DEPLOYMENT_LABEL = "deployment";

  public static final String CRITICAL = "critical";
  public static final String WARNING = "warning";

  /** Receives the alerts this deployment routes nowhere (e.g. no warning receivers): drops them. */
  public static final String NONE = "none";

  public static final List<String> GROUP_BY = List.of("alertname", "namespace", DEPLOYMENT_LABEL);
  public static final List<String> LATENCY_ALERTS =
      List.of("VllmHighTimeToFirstToken", "VllmHighInterTokenLatency", "VllmHighEndToEndLatency");

  private static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private AlertRouting() {}

  /** spec.monitoring.alertRouting, empty when absent. */
  public static AlertRoutingSpec settings(VllmDeployment vllm) {
    return Optional.ofNullable(vllm.getSpec().getMonitoring())
        .map(MonitoringSpec::getAlertRouting)
        .orElseGet(AlertRoutingSpec::new);
  }

  public static AlertmanagerConfigSpec spec(VllmDeployment vllm) {
    AlertRoutingSpec routing = settings(vllm);
    String name = Names.workload(vllm);
    List<Receiver> receivers = new ArrayList<>();
    receivers.add(new ReceiverBuilder().withName(NONE).build());
    List<Route> bySeverity = new ArrayList<>();
    addSeverity(CRITICAL, routing.getCritical(), receivers, bySeverity);
    addSeverity(WARNING, routing.getWarning(), receivers, bySeverity);

    Route top =
        new RouteBuilder()
            .withReceiver(NONE)
            .withMatchers(equal(DEPLOYMENT_LABEL, name))
            .withGroupBy(GROUP_BY)
            .withGroupWait(Optional.ofNullable(routing.getGroupWait()).orElse("30s"))
            .withGroupInterval(Optional.ofNullable(routing.getGroupInterval()).orElse("5m"))
            .withRepeatInterval(Optional.ofNullable(routing.getRepeatInterval()).orElse("4h"))
            .withRoutes(json(bySeverity))
            .build();

    return new AlertmanagerConfigSpecBuilder()
        .withRoute(top)
        .withReceivers(receivers)
        .withInhibitRules(
            new InhibitRuleBuilder()
                // The whole deployment is down (no `pod` label): its latency is not news.
                .withSourceMatch(
                    equal("alertname", "VllmTargetDown"),
                    equal(DEPLOYMENT_LABEL, name),
                    equal("pod", ""))
                .withTargetMatch(
                    regex("alertname", String.join("|", LATENCY_ALERTS)),
                    equal(DEPLOYMENT_LABEL, name))
                .withEqual("namespace", DEPLOYMENT_LABEL)
                .build())
        .build();
  }

  private static void addSeverity(
      String severity,
      List<AlertReceiverSpec> targets,
      List<Receiver> receivers,
      List<Route> routes) {
    if (targets == null || targets.isEmpty()) {
      return;
    }
    ReceiverBuilder receiver = new ReceiverBuilder().withName(severity);
    for (AlertReceiverSpec target : targets) {
      if (target.getWebhook() != null) {
        receiver.addToWebhookConfigs(
            new WebhookConfigBuilder()
                .withUrlSecret(secret(target.getWebhook().getUrlSecret()))
                .withSendResolved(true)
                .build());
      }
      if (target.getPagerduty() != null) {
        receiver.addToPagerdutyConfigs(
            new PagerDutyConfigBuilder()
                .withRoutingKey(secret(target.getPagerduty().getRoutingKeySecret()))
                .withSendResolved(true)
                .build());
      }
      if (target.getSlack() != null) {
        receiver.addToSlackConfigs(
            new SlackConfigBuilder()
                .withApiURL(secret(target.getSlack().getApiURLSecret()))
                .withChannel(target.getSlack().getChannel())
                .withSendResolved(true)
                .build());
      }
    }
    receivers.add(receiver.build());
    routes.add(
        new RouteBuilder()
            .withReceiver(severity)
            .withMatchers(equal("severity", severity))
            .build());
  }

  /** The fabric8 model types child routes as JSON (the CRD leaves them schemaless). */
  private static List<JsonNode> json(List<Route> routes) {
    return routes.stream().map(r -> (JsonNode) JSON.valueToTree(r)).toList();
  }

  private static Matcher equal(String label, String value) {
    return new Matcher("=", label, null, value);
  }

  private static Matcher regex(String label, String value) {
    return new Matcher("=~", label, null, value);
  }

  private static SecretKeySelector secret(SecretKeyRef ref) {
    return new SecretKeySelectorBuilder().withName(ref.getName()).withKey(ref.getKey()).build();
  }
}
