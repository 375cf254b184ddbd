package io.vllmoperator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import org.junit.jupiter.api.Test;

/** The copy JOSDK reconciles: equal to the cached object, sharing nothing with it. */
class TokenBufferClonerTest {
  private final KubernetesSerialization informer = LenientDeserializer.serialization();
  private final TokenBufferCloner cloner = new TokenBufferCloner();

  private static final String CACHED =
      """
      {"apiVersion": "vllm-operator.io/v1alpha1", "kind": "VllmDeployment",
       "metadata": {"name": "chat", "namespace": "llm", "uid": "u-1", "resourceVersion": "7",
                    "generation": 3, "annotations": {"team": "ml"}, "labels": {"tier": "gold"}},
       "spec": {"model": {"name": "Qwen/Qwen2.5-1.5B-Instruct"}, "replicas": 2,
                "engine": {"maxModelLen": 8192}},
       "status": {"phase": "Ready", "ready": "2/2", "observedGeneration": 3,
                  "conditions": [{"type": "Ready", "status": "True", "reason": "AllReplicasReady",
                                  "lastTransitionTime": "2026-12-04T10:00:00Z"}]}}
      """;

  @Test
  void theCopyIsEqualToTheCachedObjectAsJson() {
    VllmDeployment cached = informer.unmarshal(CACHED, VllmDeployment.class);

    VllmDeployment copy = cloner.clone(cached);

    assertThat(copy).isNotSameAs(cached);
    assertThat(informer.asJson(copy)).isEqualTo(informer.asJson(cached));
    assertThat(copy.getSpec().getEngine().getMaxModelLen()).isEqualTo(8192);
    assertThat(copy.getStatus().getConditions()).hasSize(1);
  }

  @Test
  void changingTheCopyLeavesTheCachedObjectAlone() {
    VllmDeployment cached = informer.unmarshal(CACHED, VllmDeployment.class);
    String before = informer.asJson(cached);

    VllmDeployment copy = cloner.clone(cached);
    copy.getMetadata().getAnnotations().put("team", "other");
    copy.getMetadata().getLabels().clear();
    copy.getSpec().setReplicas(5);
    copy.getStatus().setPhase(Phase.DEGRADED);
    copy.getStatus().getConditions().get(0).setStatus("False");

    assertThat(informer.asJson(cached)).isEqualTo(before);
  }

  @Test
  void anObjectMarkedUnreadableStaysMarkedWithoutASpec() {
    VllmDeployment cached =
        informer.unmarshal(
            CACHED.replace("\"maxModelLen\": 8192", "\"maxModelLen\": 3000000000"),
            VllmDeployment.class);
    assertThat(UnreadableResource.problem(cached)).isPresent();

    VllmDeployment copy = cloner.clone(cached);

    assertThat(copy.getSpec()).isNull();
    assertThat(UnreadableResource.problem(copy)).isEqualTo(UnreadableResource.problem(cached));
    assertThat(copy.getStatus().getPhase()).isEqualTo(Phase.READY);
  }

  @Test
  void theOperatorReconcilesCopiesMadeByIt() {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())
            .build()) {
      var operator = new Operator(o -> OperatorConfig.defaults().configure(o, client));

      assertThat(operator.getConfigurationService().getResourceCloner())
          .isInstanceOf(TokenBufferCloner.class);
    }
  }
}
