package io.vllmoperator.dependent;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import org.junit.jupiter.api.Test;

class NetworkPolicyDependentResourceTest {

  @Test
  void isOffByDefault() {
    var vllm = vllm("qwen", "model: {name: m}");

    assertThat(NetworkPolicyDependentResource.Enabled.enabled(vllm)).isFalse();
    assertThat(DesiredObjects.of(vllm)).noneMatch(NetworkPolicy.class::isInstance);
  }

  @Test
  void admitsTheListedClientsAndPrometheusToTheServingPortOnly() {
    var vllm =
        vllm(
            "qwen",
            """
            model: {name: m}
            networkPolicy:
              enabled: true
              allowedClients:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: apps}}
                  podSelector: {matchLabels: {app: chat}}
                - ipBlock: {cidr: 10.20.0.0/16}
            """);

    NetworkPolicy policy = NetworkPolicyDependentResource.build(vllm);

    assertThat(policy.getMetadata().getName()).isEqualTo("qwen");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/instance", "qwen");
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    var rule = policy.getSpec().getIngress();
    assertThat(rule).singleElement();
    assertThat(rule.get(0).getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http"));
    var from = rule.get(0).getFrom();
    assertThat(from).hasSize(3);
    assertThat(from.get(0).getPodSelector().getMatchLabels()).containsEntry("app", "chat");
    assertThat(from.get(1).getIpBlock().getCidr()).isEqualTo("10.20.0.0/16");
    NetworkPolicyPeer prometheus = from.get(2);
    assertThat(prometheus.getNamespaceSelector().getMatchLabels()).isNullOrEmpty();
    assertThat(prometheus.getPodSelector().getMatchLabels())
        .containsExactlyEntriesOf(java.util.Map.of("app.kubernetes.io/name", "prometheus"));
    assertThat(DesiredObjects.of(vllm)).anyMatch(NetworkPolicy.class::isInstance);
  }

  @Test
  void aCustomScraperPeerReplacesTheDefault() {
    var vllm =
        vllm(
            "qwen",
            """
            model: {name: m}
            networkPolicy:
              enabled: true
              prometheus:
                namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
            """);

    var from = NetworkPolicyDependentResource.build(vllm).getSpec().getIngress().get(0).getFrom();

    assertThat(from)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getNamespaceSelector().getMatchLabels())
                  .containsEntry("kubernetes.io/metadata.name", "monitoring");
              assertThat(p.getPodSelector()).isNull();
            });
  }
}
