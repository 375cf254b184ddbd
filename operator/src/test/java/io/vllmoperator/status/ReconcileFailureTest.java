package io.vllmoperator.status;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.OperatorException;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reconcile errors as the user reads them in Degraded and in the Warning Event. */
class ReconcileFailureTest {
  private final VllmDeployment vllm = vllm("llama", "model: {name: m}");

  /** What the API server answers for a Deployment it refuses (HTTP 422). */
  private static KubernetesClientException refused() {
    Status status =
        new StatusBuilder()
            .withCode(422)
            .withReason("Invalid")
            .withMessage(
                "Deployment.apps \"llama\" is invalid: spec.template.spec.containers[0]"
                    + ".resources.requests: Invalid value: \"8\": must be less than or equal to cpu"
                    + " limit of 4")
            .withNewDetails()
            .withName("llama")
            .withGroup("apps")
            .withKind("Deployment")
            .addNewCause()
            .withField("spec.template.spec.containers[0].resources.requests")
            .withReason("FieldValueInvalid")
            .withMessage("Invalid value: \"8\": must be less than or equal to cpu limit of 4")
            .endCause()
            .endDetails()
            .build();
    return new KubernetesClientException(
        "Failure executing: PATCH at: https://127.0.0.1/apis/apps/v1/namespaces/llm/deployments/"
            + "llama. Message: "
            + status.getMessage()
            + ". Received status: "
            + status,
        422,
        status);
  }

  /** As JOSDK hands it to updateErrorStatus: the workflow's aggregate, wrapped once more. */
  private static Exception fromWorkflow(Map<String, Exception> byDependent) {
    return new OperatorException(
        new AggregatedOperatorException("Exception(s) during workflow execution.", byDependent));
  }

  @Test
  void aRefusedObjectNamesTheObjectAndTheFieldsTheApiServerNamed() {
    ReconcileFailure failure =
        ReconcileFailure.of(vllm, fromWorkflow(Map.of("deployment", refused())));

    assertThat(failure.reason()).isEqualTo(ReconcileFailure.API_SERVER_REFUSED);
    assertThat(failure.message())
        .isEqualTo(
            "the API server refused Deployment llm/llama:"
                + " spec.template.spec.containers[0].resources.requests: Invalid value: \"8\": must"
                + " be less than or equal to cpu limit of 4");
    assertThat(failure.dependents()).containsExactly("deployment");
  }

  @Test
  void noStackTraceNorJavaTypesReachTheMessage() {
    ReconcileFailure failure =
        ReconcileFailure.of(vllm, fromWorkflow(Map.of("deployment", refused())));

    assertThat(failure.message())
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("https://")
        .doesNotContain("\n");
  }

  @Test
  void anUnreachableApiServerIsSaidSo() {
    var down =
        new KubernetesClientException(
            "Operation: [get] failed",
            new IOException("x", new ConnectException("Connection refused")));

    ReconcileFailure failure = ReconcileFailure.of(vllm, fromWorkflow(Map.of("service", down)));

    assertThat(failure.reason()).isEqualTo(ReconcileFailure.API_SERVER_UNAVAILABLE);
    assertThat(failure.message()).contains("could not be reached").contains("Connection refused");
  }

  @Test
  void aMissingResourceTypeIsSaidSo() {
    Status notFound =
        new StatusBuilder()
            .withCode(404)
            .withReason("NotFound")
            .withMessage("the server could not find the requested resource")
            .withNewDetails()
            .withKind("servicemonitors")
            .endDetails()
            .build();
    var missing = new KubernetesClientException("Failure executing: PATCH", 404, notFound);

    ReconcileFailure failure =
        ReconcileFailure.of(vllm, fromWorkflow(Map.of("service-monitor", missing)));

    assertThat(failure.reason()).isEqualTo(ReconcileFailure.RESOURCE_TYPE_MISSING);
    assertThat(failure.message()).contains("not served").contains("could not find");
    assertThat(failure.dependents()).containsExactly("service-monitor");
  }

  @Test
  void severalFailingDependentsAreAllNamedUnderOneReason() {
    Status forbidden =
        new StatusBuilder()
            .withCode(403)
            .withMessage("services \"llama\" is forbidden: exceeded quota: q")
            .build();
    ReconcileFailure failure =
        ReconcileFailure.of(
            vllm,
            fromWorkflow(
                Map.of(
                    "deployment",
                    refused(),
                    "service",
                    new KubernetesClientException("forbidden", 403, forbidden))));

    assertThat(failure.reason()).isEqualTo(ReconcileFailure.RECONCILE_ERROR);
    assertThat(failure.message())
        .contains("refused Deployment llm/llama")
        .contains("exceeded quota");
    assertThat(failure.dependents()).containsExactlyInAnyOrder("deployment", "service");
  }

  @Test
  void aBugIsNamedByItsExceptionTypeOnly() {
    ReconcileFailure failure =
        ReconcileFailure.of(vllm, new IllegalStateException("boom\n\tat Foo.bar(Foo.java:1)"));

    assertThat(failure.reason()).isEqualTo(ReconcileFailure.RECONCILE_ERROR);
    assertThat(failure.message())
        .isEqualTo("reconciling the VllmDeployment failed: IllegalStateException: boom");
  }

  @Test
  void theSameErrorGivesTheSameFailureSoRetriesAreRecognised() {
    assertThat(ReconcileFailure.of(vllm, fromWorkflow(Map.of("deployment", refused()))))
        .isEqualTo(ReconcileFailure.of(vllm, fromWorkflow(Map.of("deployment", refused()))));
  }
}
