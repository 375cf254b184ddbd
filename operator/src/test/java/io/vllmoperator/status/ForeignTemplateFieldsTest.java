package io.vllmoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.TestManifests;
import io.vllmoperator.dependent.DeploymentDependentResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForeignTemplateFieldsTest {
  /** What the API server records for the operator's server-side apply (abridged). */
  private static final ManagedFieldsEntry OPERATOR =
      entry(
          "vllm-operator",
          "Apply",
          null,
          """
          {"f:metadata":{"f:labels":{"f:app.kubernetes.io/instance":{}}},
           "f:spec":{"f:replicas":{},"f:template":{"f:metadata":{"f:annotations":
             {"f:vllm-operator.io/revision":{}}},"f:spec":{"f:containers":
             {"k:{\\"name\\":\\"vllm\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}
          """);

  /** The Deployment controller: its revision annotation and the status subresource. */
  private static final List<ManagedFieldsEntry> CONTROLLER =
      List.of(
          entry(
              "kube-controller-manager",
              "Update",
              null,
              "{\"f:metadata\":{\"f:annotations\":{\".\":{},"
                  + "\"f:deployment.kubernetes.io/revision\":{}}}}"),
          entry(
              "kube-controller-manager",
              "Update",
              "status",
              "{\"f:status\":{\"f:readyReplicas\":{},\"f:replicas\":{}}}"));

  @Test
  void onlyTheOperatorAndTheDeploymentControllerIsNothingToReport() {
    var managed = new ArrayList<>(CONTROLLER);
    managed.add(OPERATOR);

    assertThat(ForeignTemplateFields.of(deployment(managed))).isEmpty();
    assertThat(ForeignTemplateFields.of(deployment(null))).isEmpty();
  }

  @Test
  void anEnvVarAddedWithKubectlEditIsNamedWithItsManager() {
    // kubectl edit deployment llama: add env FOO to the vllm container.
    var edit =
        entry(
            "kubectl-edit",
            "Update",
            null,
            """
            {"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"vllm\\"}":
              {"f:env":{"k:{\\"name\\":\\"FOO\\"}":{".":{},"f:name":{},"f:value":{}}}}}}}}}
            """);

    var finding = ForeignTemplateFields.of(deployment(List.of(OPERATOR, edit))).orElseThrow();

    assertThat(finding.reason()).isEqualTo("TemplateModifiedExternally");
    assertThat(finding.message())
        .startsWith("the pod template of Deployment llama was also changed by kubectl-edit")
        .contains("spec.template.spec.containers[name=vllm].env[name=FOO]")
        .contains("the operator does not remove fields it does not own");
  }

  @Test
  void aRolloutRestartCountsToo() {
    var restart =
        entry(
            "kubectl-rollout",
            "Update",
            null,
            "{\"f:spec\":{\"f:template\":{\"f:metadata\":{\"f:annotations\":"
                + "{\"f:kubectl.kubernetes.io/restartedAt\":{}}}}}}");

    assertThat(ForeignTemplateFields.of(deployment(List.of(OPERATOR, restart))))
        .get()
        .extracting(PodDiagnosis.Finding::message)
        .asString()
        .contains(
            "kubectl-rollout (spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt)");
  }

  @Test
  void manyFieldsAreCutToAFewAndEveryManagerIsNamed() {
    var tool =
        entry(
            "policy-mutator",
            "Update",
            null,
            "{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:a\":{},\"f:b\":{},\"f:c\":{},"
                + "\"f:d\":{}}}}}");
    var helm =
        entry(
            "helm",
            "Update",
            null,
            "{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:nodeSelector\":{\"f:zone\":{}}}}}}");

    var message = ForeignTemplateFields.of(deployment(List.of(tool, helm))).orElseThrow().message();

    assertThat(message)
        .contains(
            "policy-mutator (spec.template.spec.a, spec.template.spec.b,"
                + " spec.template.spec.c, ...)")
        .contains(" and helm (spec.template.spec.nodeSelector.zone)");
  }

  @Test
  void theRolloutMessageNoLongerClaimsTheWholeTruth() {
    var finding = Optional.of(new PodDiagnosis.Finding("TemplateModifiedExternally", "x"));

    assertThat(ForeignTemplateFields.qualify("all replicas run revision abc", finding))
        .isEqualTo(
            "all replicas run revision abc (with changes by another field manager: see Degraded)");
    assertThat(ForeignTemplateFields.qualify("all replicas run revision abc", Optional.empty()))
        .isEqualTo("all replicas run revision abc");
  }

  static Deployment deployment(List<ManagedFieldsEntry> managedFields) {
    Deployment deployment =
        DeploymentDependentResource.build(
            TestManifests.vllm("llama", "model: {name: Qwen/Qwen2.5-1.5B-Instruct}"));
    deployment.getMetadata().setManagedFields(managedFields);
    return deployment;
  }

  @SuppressWarnings("unchecked")
  static ManagedFieldsEntry entry(
      String manager, String operation, String subresource, String fieldsJson) {
    FieldsV1 fields = new FieldsV1();
    Serialization.unmarshal(fieldsJson, Map.class)
        .forEach((k, v) -> fields.setAdditionalProperty((String) k, v));
    return new ManagedFieldsEntryBuilder()
        .withManager(manager)
        .withOperation(operation)
        .withSubresource(subresource)
        .withApiVersion("apps/v1")
        .withFieldsType("FieldsV1")
        .withFieldsV1(fields)
        .build();
  }
}
