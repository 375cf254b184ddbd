package io.vllmoperator.validation;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vllmoperator.TestManifests;
import io.vllmoperator.api.v1alpha1.spec.InsufficientGpuPolicy;
import io.vllmoperator.manifest.ManifestReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CRD's own rules, evaluated offline: what `render` refuses, and with which words. */
class CrdValidationTest {

  static List<ValidationCases.Case> invalidCases() {
    return ValidationCases.invalid();
  }

  static List<Path> examples() {
    return TestManifests.examples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCases")
  void refusesInvalidSpecNamingTheField(ValidationCases.Case invalid) {
    assertThatThrownBy(() -> read(invalid.manifestYaml()))
        .isInstanceOf(InvalidResourceException.class)
        .satisfies(
            e ->
                assertThat(((InvalidResourceException) e).errors())
                    .extracting(FieldError::text)
                    .anySatisfy(text -> assertThat(text).contains(invalid.expectedError())));
  }

  @Test
  void thereAreAtLeastTwelveDistinctRefusals() {
    assertThat(invalidCases().stream().map(ValidationCases.Case::expectedError).distinct())
        .hasSizeGreaterThanOrEqualTo(12);
  }

  /** Real vLLM flags that only look like owned ones: the guard must let them through. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "--enable-prefix-caching",
        "--kv_cache_dtype=fp8",
        "--max-num-batched-tokens=8192",
        "--tokenizer-revision=v2",
        "--code-revision",
        "--model-impl=transformers",
        "--api-server-count",
        "--hf-overrides={\"rope_scaling\": null}",
        "--data-parallel-size-local",
        "--config-format=mistral",
        "--grpc-port",
        "-dpl",
        "--quantization",
        "-q",
        "--dtype=half",
        "-O3",
      })
  void acceptsRealFlagsTheOperatorDoesNotOwn(String flag) {
    var vllm =
        vllm(
            "flags",
            "model: {name: m}\nengine: {extraArgs: ['" + flag.replace("'", "''") + "', 'x']}");
    assertThat(vllm.getSpec().getEngine().getExtraArgs()).startsWith(flag);
  }

  @Test
  void aDeprecatedQuantizationIsAcceptedWithTheFlagThatAllowsIt() {
    var vllm =
        vllm(
            "fbgemm",
            "model: {name: m}\n"
                + "engine: {quantization: fbgemm_fp8, extraArgs: [--allow_deprecated_quantization]}");
    assertThat(vllm.getSpec().getEngine().getQuantization().value()).isEqualTo("fbgemm_fp8");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void acceptsEveryExample(Path example) {
    assertThat(TestManifests.readExample(example)).isNotEmpty();
  }

  @Test
  void appliesTheCrdDefaultsAsTheApiServerWould() {
    var vllm = vllm("defaults", "model: {name: Qwen/Qwen2.5-1.5B-Instruct}");
    var spec = vllm.getSpec();

    assertThat(spec.getImage()).isEqualTo("vllm/vllm-openai:v0.33.0");
    assertThat(spec.getReplicas()).isEqualTo(1);
    assertThat(spec.getGpu().getCount()).isEqualTo(1);
    assertThat(spec.getGpu().getResource()).isEqualTo("nvidia.com/gpu");
    assertThat(spec.getEngine().getPipelineParallelSize()).isEqualTo(1);
    assertThat(spec.getEngine().getTensorParallelSize()).isNull();
    assertThat(spec.getRollout().getMaxSurge()).isEqualTo(1);
    assertThat(spec.getRollout().getMaxUnavailable()).isZero();
    assertThat(spec.getRollout().getStartupTimeout()).isEqualTo("30m");
    assertThat(spec.getRollout().getProgressDeadline()).isEqualTo("45m");
    assertThat(spec.getRollout().getAutoRollback()).isTrue();
    assertThat(spec.getRollout().getOnInsufficientGpus()).isEqualTo(InsufficientGpuPolicy.WAIT);
    assertThat(spec.getService().getPort()).isEqualTo(8000);
    assertThat(spec.getMonitoring().getServiceMonitor().getEnabled()).isTrue();
    assertThat(spec.getMonitoring().getServiceMonitor().getInterval()).isEqualTo("15s");
    assertThat(spec.getMonitoring().getAlerts().getThresholds().getTtftP95Seconds()).isEqualTo(2.0);
    assertThat(spec.getMonitoring().getAlerts().getThresholds().getErrorRatio()).isEqualTo(0.05);
    assertThat(spec.getMonitoring().getDashboards().getFolder()).isEqualTo("vLLM");
    assertThat(spec.getMonitoring().getLogs().getEnabled()).isTrue();
  }

  @Test
  void nullsArePrunedBeforeDefaulting() {
    var vllm = vllm("nulls", "model: {name: m}\nreplicas: null\nrollout: null");

    assertThat(vllm.getSpec().getReplicas()).isEqualTo(1);
    assertThat(vllm.getSpec().getRollout().getMaxSurge()).isEqualTo(1);
  }

  @Test
  void acceptsEveryFieldAtOnce() {
    var vllm =
        vllm(
            "everything",
            """
            model:
              name: meta-llama/Llama-3.1-70B-Instruct
              revision: main
              servedName: llama
              tokenSecretRef: {name: hf, key: token}
              cache: {size: 100Gi, storageClassName: fast, accessMode: ReadWriteOnce}
            image: vllm/vllm-openai:v0.11.0
            replicas: 2
            gpu: {count: 8, resource: nvidia.com/gpu, product: NVIDIA-H100-80GB-HBM3}
            engine:
              tensorParallelSize: 4
              pipelineParallelSize: 2
              maxModelLen: 8192
              gpuMemoryUtilization: 1
              dtype: auto
              quantization: fp8
              maxNumSeqs: 256
              apiKeySecretRef: {name: key, key: key}
              extraArgs: ["--enable-prefix-caching", "--kv-cache-dtype", "fp8"]
              env: [{name: HF_TOKEN, valueFrom: {secretKeyRef: {name: hf, key: token}}}, {name: X, value: "y"}]
            resources: {requests: {cpu: "8", memory: 64Gi}, limits: {memory: 96Gi}}
            scheduling:
              nodeSelector: {pool: gpu}
              tolerations: [{key: k, operator: Exists}]
              affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a]}]}]}}}
              priorityClassName: high
              runtimeClassName: nvidia
            rollout: {maxSurge: 0, maxUnavailable: 1, startupTimeout: 1h30m, progressDeadline: 2h, autoRollback: false, onInsufficientGpus: ReplaceOneAtATime}
            service: {type: NodePort, port: 80, annotations: {a: b}}
            monitoring:
              labels: {release: kps}
              serviceMonitor: {enabled: false, interval: 30s}
              alerts:
                enabled: true
                runbookBaseUrl: https://runbooks.example.com/vllm
                labels: {team: ml}
                thresholds: {ttftP95Seconds: 1, interTokenP95Seconds: 0.1, e2eP95Seconds: 10, kvCacheUsage: 1, queueDepth: 5, errorRatio: 0.01}
                rules: {VllmTargetDown: {for: 1m, severity: warning}, VllmGpuHighTemperature: {for: 1h}, VllmRolledBack: {severity: critical}}
              dashboards: {enabled: true, folder: LLM}
              logs: {enabled: false}
            """);

    assertThat(vllm.getSpec().getEngine().getExtraArgs()).hasSize(3);
    assertThat(vllm.getSpec().getScheduling().getAffinity().getNodeAffinity()).isNotNull();
    assertThat(vllm.getSpec().getMonitoring().getAlerts().getRules().get("VllmTargetDown").getFor())
        .isEqualTo("1m");
  }

  @Test
  void aMissingNamespaceTakesTheReadersDefault() {
    var yaml =
        "apiVersion: vllm-operator.io/v1alpha1\nkind: VllmDeployment\nmetadata: {name: a}\n"
            + "spec: {model: {name: m}}\n";
    var vllm = new ManifestReader("team-a").read(new StringReader(yaml), "test").get(0);

    assertThat(vllm.getMetadata().getNamespace()).isEqualTo("team-a");
  }

  @Test
  void typeErrorsStopTheCelRulesAsOnTheApiServer() {
    assertThatThrownBy(
            () ->
                read(
                    "apiVersion: vllm-operator.io/v1alpha1\nkind: VllmDeployment\n"
                        + "metadata: {name: a}\nspec: {model: {name: m}, gpu: {count: x},"
                        + " engine: {tensorParallelSize: 3}}\n"))
        .hasMessageContaining("spec.gpu.count in body must be of type integer")
        .hasMessageContaining("some validation rules were not checked")
        .hasMessageNotContaining("must equal spec.gpu.count");
  }

  private static void read(String yaml) {
    new ManifestReader("default").read(new StringReader(yaml), "test");
  }
}
