package io.vllmoperator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.status.Phase;
import org.junit.jupiter.api.Test;

/** What the operator's informer makes of VllmDeployments its Java types cannot hold. */
class LenientDeserializerTest {
  private final KubernetesSerialization serialization = LenientDeserializer.serialization();

  private static String vllm(String name, String engine, String status) {
    return """
        {"apiVersion": "vllm-operator.io/v1alpha1", "kind": "VllmDeployment",
         "metadata": {"name": "%s", "namespace": "llm", "uid": "u-%s", "resourceVersion": "7",
                      "generation": 3, "annotations": {"team": "ml"}},
         "spec": {"model": {"name": "Qwen/Qwen2.5-1.5B-Instruct"}, "replicas": 2,
                  "engine": %s},
         "status": %s}
        """
        .formatted(name, name, engine, status);
  }

  @Test
  void aValueOutOfRangeKeepsTheObjectWithItsMetadataAndStatusAndNamesTheField() {
    VllmDeployment read =
        serialization.unmarshal(
            vllm(
                "big",
                "{\"maxModelLen\": 3000000000}",
                "{\"phase\": \"Ready\", \"ready\": \"2/2\"}"),
            VllmDeployment.class);

    assertThat(read.getSpec()).isNull();
    assertThat(read.getMetadata().getName()).isEqualTo("big");
    assertThat(read.getMetadata().getNamespace()).isEqualTo("llm");
    assertThat(read.getMetadata().getGeneration()).isEqualTo(3L);
    assertThat(read.getMetadata().getAnnotations()).containsEntry("team", "ml");
    assertThat(read.getStatus().getPhase()).isEqualTo(Phase.READY);
    assertThat(read.getStatus().getReady()).isEqualTo("2/2");
    assertThat(UnreadableResource.problem(read))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .startsWith("spec.engine.maxModelLen: ")
                    .contains("3000000000")
                    .contains("out of range")
                    .doesNotContain("io.vllmoperator")
                    .doesNotContain("\n"));
  }

  @Test
  void aWrongTypeOrUnknownEnumValueIsReportedWithoutJavaClassNames() {
    VllmDeployment read =
        serialization.unmarshal(
            vllm("enum", "{\"dtype\": \"float128\"}", "{}"), VllmDeployment.class);

    assertThat(UnreadableResource.problem(read))
        .hasValueSatisfying(
            p ->
                assertThat(p).startsWith("spec.engine.dtype: ").doesNotContain("io.vllmoperator."));
  }

  @Test
  void anUnreadableStatusAloneIsDroppedAndTheSpecIsKept() {
    VllmDeployment read =
        serialization.unmarshal(
            vllm("odd-status", "{}", "{\"readyReplicas\": 99999999999}"), VllmDeployment.class);

    assertThat(UnreadableResource.isReadable(read)).isTrue();
    assertThat(read.getSpec().getReplicas()).isEqualTo(2);
    assertThat(read.getStatus()).isNull();
  }

  @Test
  void aReadableObjectReadsAsBefore() {
    VllmDeployment read =
        serialization.unmarshal(
            vllm("fine", "{\"maxModelLen\": 8192}", "{}"), VllmDeployment.class);

    assertThat(UnreadableResource.isReadable(read)).isTrue();
    assertThat(read.getSpec().getEngine().getMaxModelLen()).isEqualTo(8192);
    assertThat(read.getMetadata().getAnnotations())
        .doesNotContainKey(UnreadableResource.ANNOTATION);
  }

  /** The informer reads lists and watch events: one bad item must not fail the others. */
  @Test
  void aListWithOneBadItemReadsEveryItem() {
    String list =
        "{\"apiVersion\": \"vllm-operator.io/v1alpha1\", \"kind\": \"VllmDeploymentList\","
            + " \"metadata\": {}, \"items\": ["
            + vllm("big", "{\"maxModelLen\": 3000000000}", "{}")
            + ","
            + vllm("fine", "{}", "{}")
            + "]}";
    KubernetesResourceList<VllmDeployment> read =
        serialization.unmarshal(
            new java.io.ByteArrayInputStream(
                list.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            new TypeReference<DefaultKubernetesResourceList<VllmDeployment>>() {});

    assertThat(read.getItems())
        .extracting(v -> v.getMetadata().getName())
        .containsExactly("big", "fine");
    assertThat(UnreadableResource.isReadable(read.getItems().get(0))).isFalse();
    assertThat(UnreadableResource.isReadable(read.getItems().get(1))).isTrue();
  }

  @Test
  void aWatchEventOfABadObjectReads() {
    serialization.registerKubernetesResource(VllmDeployment.class);
    String event =
        "{\"type\": \"MODIFIED\", \"object\": "
            + vllm("big", "{\"maxModelLen\": 3000000000}", "{}")
            + "}";

    WatchEvent read = serialization.unmarshal(event, WatchEvent.class);

    assertThat(read.getObject()).isInstanceOf(VllmDeployment.class);
    assertThat(UnreadableResource.isReadable((VllmDeployment) read.getObject())).isFalse();
  }

  @Test
  void otherTypesAreUntouched() {
    GenericKubernetesResource generic =
        serialization.unmarshal(
            vllm("big", "{\"maxModelLen\": 3000000000}", "{}"), GenericKubernetesResource.class);

    assertThat(generic.getMetadata().getAnnotations())
        .doesNotContainKey(UnreadableResource.ANNOTATION);
  }

  /** The round trip JOSDK's cloner makes keeps the marker. */
  @Test
  void cloningKeepsTheMarker() {
    VllmDeployment read =
        serialization.unmarshal(
            vllm("big", "{\"maxModelLen\": 3000000000}", "{}"), VllmDeployment.class);

    assertThat(UnreadableResource.problem(serialization.clone(read)))
        .isEqualTo(UnreadableResource.problem(read));
  }
}
