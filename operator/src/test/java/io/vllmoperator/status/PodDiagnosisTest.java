package io.vllmoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodDiagnosisTest {

  @Test
  void aHealthyPodHasNothingToReport() {
    assertThat(PodDiagnosis.of(List.of(running("ok")), "nvidia.com/gpu")).isEmpty();
  }

  @Test
  void aGpuShortageIsNamedAsSuch() {
    Pod pending = unschedulable("p", "0/6 nodes are available: 4 Insufficient nvidia.com/gpu.");
    Pod selector = unschedulable("q", "0/6 nodes are available: 6 node(s) didn't match selector.");

    assertThat(finding(pending).reason()).isEqualTo("InsufficientGpu");
    assertThat(finding(pending).message()).contains("Insufficient nvidia.com/gpu");
    assertThat(finding(selector).reason()).isEqualTo("Unschedulable");
  }

  @Test
  void aCudaOutOfMemoryCrashBecomesAnActionableReason() {
    Pod pod =
        crashed(
            "oom",
            1,
            null,
            "INFO loading\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n");

    var f = finding(pod);
    assertThat(f.reason()).isEqualTo("CudaOutOfMemory");
    assertThat(f.message()).contains("maxModelLen").contains("Tried to allocate 2.00 GiB");
  }

  @Test
  void aGatedModelRefusalIsNamedAndTheTokenNeverShows() {
    Pod pod =
        crashed(
            "gated",
            1,
            null,
            "huggingface_hub.errors.GatedRepoError: 401 Client Error. token hf_abcdefghijklmnop\n");

    var f = finding(pod);
    assertThat(f.reason()).isEqualTo("ModelAccessDenied");
    assertThat(f.message()).contains("tokenSecretRef").doesNotContain("hf_abcdefghijklmnop");
  }

  @Test
  void otherCrashesShowNoLogText() {
    Pod pod =
        crashed("x", 3, null, "ValueError: bad flag; Authorization: Bearer sk-secret-value-123\n");

    var f = finding(pod);
    assertThat(f.reason()).isEqualTo("ContainerCrashing");
    assertThat(f.message())
        .contains("exited with code 3")
        .doesNotContain("bad flag")
        .doesNotContain("sk-secret-value-123");
  }

  @Test
  void aRestartAfterExitCodeZeroIsStillACrash() {
    Pod pod = crashed("zero", 0, "Completed", "");

    var f = finding(pod);
    assertThat(f.reason()).isEqualTo("ContainerCrashing");
    assertThat(f.message()).contains("exited with code 0").contains("restarted 4 times");
  }

  @Test
  void aContainerThatHasNeverRestartedAndExitedZeroIsNotReported() {
    Pod pod =
        new PodBuilder(running("done"))
            .editStatus()
            .editFirstContainerStatus()
            .withNewState()
            .withNewTerminated()
            .withExitCode(0)
            .withReason("Completed")
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();

    assertThat(PodDiagnosis.of(List.of(pod), "nvidia.com/gpu")).isEmpty();
  }

  @Test
  void theWholePreviousLogIsPreferredOverTheTerminationMessage() throws Exception {
    String whole = fixture("0.11.0/KvCacheTooSmall.log");
    String tail = whole.substring(whole.length() - 2048);
    Pod pod = crashed("kv", 1, "Error", tail);
    PreviousLogs logs = (p, container) -> Optional.of(whole);

    var f = PodDiagnosis.of(List.of(pod), "nvidia.com/gpu", logs).orElseThrow();

    assertThat(f.reason()).isEqualTo("KvCacheTooSmall");
    assertThat(f.message()).contains("pod kv: ").contains("38432").hasSizeLessThanOrEqualTo(303);
  }

  @Test
  void withoutThePreviousLogTheTerminationMessageIsClassified() throws Exception {
    String whole = fixture("0.33.0/KvCacheTooSmall.log");
    Pod pod = crashed("kv", 1, "Error", whole.substring(whole.length() - 2048));

    var f = finding(pod);

    assertThat(f.reason()).isEqualTo("EngineInitFailed");
    assertThat(f.message()).contains("Engine core initialization failed");
  }

  @Test
  void aMisconfigurationOutranksAPendingPod() throws Exception {
    Pod crashed = crashed("bad", 2, "Error", fixture("0.33.0/UnrecognizedArguments.log"));
    Pod pending = unschedulable("a", "0/6 nodes are available: 4 Insufficient nvidia.com/gpu.");

    var f = PodDiagnosis.of(List.of(pending, crashed), "nvidia.com/gpu").orElseThrow();

    assertThat(f.reason()).isEqualTo("UnrecognizedArguments");
    assertThat(f.message()).contains("spec.engine.extraArgs").doesNotContain("sk-proj-");
  }

  @Test
  void theKernelOomKillerIsTheMemoryLimit() {
    assertThat(finding(crashed("k", 137, "OOMKilled", "")).reason()).isEqualTo("OOMKilled");
  }

  @Test
  void aMissingSecretIsAConfigErrorAndOutranksScheduling() {
    Pod config =
        new PodBuilder(running("cfg"))
            .editStatus()
            .editFirstContainerStatus()
            .withNewState()
            .withNewWaiting()
            .withReason("CreateContainerConfigError")
            .withMessage("secret \"hf-token\" not found")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    Pod pending = unschedulable("a", "0/6 nodes are available: 4 Insufficient nvidia.com/gpu.");

    Optional<PodDiagnosis.Finding> f = PodDiagnosis.of(List.of(pending, config), "nvidia.com/gpu");
    assertThat(f).get().extracting(PodDiagnosis.Finding::reason).isEqualTo("ContainerConfigError");
    assertThat(f.get().message()).contains("secret \"hf-token\" not found");
  }

  @Test
  void aPodWaitingForItsCacheClaimNamesTheClaim() {
    Pod pending =
        new PodBuilder(
                unschedulable(
                    "w",
                    "0/6 nodes are available: pod has unbound immediate PersistentVolumeClaims."))
            .withNewSpec()
            .addNewVolume()
            .withName("models")
            .withNewPersistentVolumeClaim()
            .withClaimName("llama-cache")
            .endPersistentVolumeClaim()
            .endVolume()
            .endSpec()
            .build();

    var f = finding(pending);
    assertThat(f.reason()).isEqualTo("ModelCacheUnbound");
    assertThat(f.message())
        .contains("model cache PersistentVolumeClaim llama-cache is not bound")
        .contains("unbound immediate PersistentVolumeClaims");
  }

  @Test
  void theMostSevereFindingWinsAndATieKeepsTheFirst() {
    var claim = Optional.of(new PodDiagnosis.Finding("ModelCacheUnbound", "claim"));
    var pod = Optional.of(new PodDiagnosis.Finding("ModelCacheUnbound", "pod"));
    var gpu = Optional.of(new PodDiagnosis.Finding("InsufficientGpu", "gpu"));
    var foreign = Optional.of(new PodDiagnosis.Finding("TemplateModifiedExternally", "foreign"));

    assertThat(PodDiagnosis.mostSevere(claim, pod, foreign)).isEqualTo(claim);
    assertThat(PodDiagnosis.mostSevere(Optional.empty(), gpu, foreign)).isEqualTo(gpu);
    assertThat(PodDiagnosis.mostSevere(Optional.empty(), Optional.empty(), foreign))
        .isEqualTo(foreign);
    assertThat(PodDiagnosis.mostSevere(Optional.empty(), Optional.empty())).isEmpty();
  }

  private static String fixture(String name) throws Exception {
    try (var in = PodDiagnosisTest.class.getResourceAsStream("/failure-logs/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static PodDiagnosis.Finding finding(Pod pod) {
    return PodDiagnosis.of(List.of(pod), "nvidia.com/gpu").orElseThrow();
  }

  private static Pod running(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("vllm")
        .withReady(true)
        .withRestartCount(0)
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static Pod unschedulable(String name, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("False")
        .withReason("Unschedulable")
        .withMessage(message)
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod crashed(String name, int exitCode, String reason, String log) {
    return new PodBuilder(running(name))
        .editStatus()
        .editFirstContainerStatus()
        .withRestartCount(4)
        .withNewState()
        .withNewWaiting()
        .withReason("CrashLoopBackOff")
        .endWaiting()
        .endState()
        .withNewLastState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason == null ? "Error" : reason)
        .withMessage(log)
        .endTerminated()
        .endLastState()
        .endContainerStatus()
        .endStatus()
        .build();
  }
}
