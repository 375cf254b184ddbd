package io.vllmoperator.dependent;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Revision;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeploymentDependentResourceTest {
  private static final VllmDeployment GATED =
      vllm(
          "llama-70b",
          """
          model:
            name: meta-llama/Llama-3.1-70B-Instruct
            tokenSecretRef: {name: hf-token, key: token}
            cache: {size: 300Gi}
          gpu: {count: 4, product: NVIDIA-H100-80GB-HBM3}
          engine:
            apiKeySecretRef: {name: api, key: key}
            env: [{name: EXTRA, value: x}]
          resources: {requests: {cpu: "16", memory: 200Gi}, limits: {memory: 320Gi}}
          scheduling:
            nodeSelector: {pool: inference}
            tolerations: [{key: dedicated, operator: Equal, value: llm, effect: NoSchedule}]
            priorityClassName: llm-critical
          rollout: {maxSurge: 0, maxUnavailable: 1, startupTimeout: 40m, progressDeadline: 1h}
          """);

  @Test
  void claimsTheGpusOnTheConfiguredResourceAndSchedulesByProduct() {
    var pod = DeploymentDependentResource.build(GATED).getSpec().getTemplate().getSpec();
    Container vllm = pod.getContainers().get(0);

    assertThat(vllm.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("4"))
        .containsEntry("memory", new Quantity("320Gi"));
    assertThat(vllm.getResources().getRequests())
        .containsEntry("nvidia.com/gpu", new Quantity("4"))
        .containsEntry("cpu", new Quantity("16"));
    assertThat(pod.getNodeSelector())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3")
        .containsEntry("pool", "inference");
    assertThat(pod.getTolerations())
        .anySatisfy(
            t -> {
              assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
              assertThat(t.getOperator()).isEqualTo("Exists");
              assertThat(t.getEffect()).isEqualTo("NoSchedule");
            })
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
    assertThat(pod.getPriorityClassName()).isEqualTo("llm-critical");
  }

  @Test
  void anotherGpuResourceIsClaimedAndToleratedUnderItsOwnName() {
    var amd = vllm("amd", "model: {name: m}\ngpu: {count: 2, resource: amd.com/gpu}");
    var pod = DeploymentDependentResource.build(amd).getSpec().getTemplate().getSpec();

    assertThat(pod.getContainers().get(0).getResources().getLimits())
        .containsOnlyKeys("amd.com/gpu");
    assertThat(pod.getTolerations()).extracting("key").containsExactly("amd.com/gpu");
    assertThat(pod.getNodeSelector()).isNull();
  }

  @Test
  void secretsReachThePodOnlyThroughSecretKeyRefs() {
    Container vllm = container(GATED);

    assertThat(env(vllm, "HF_TOKEN").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("hf-token");
    assertThat(env(vllm, "HF_TOKEN").getValue()).isNull();
    assertThat(env(vllm, "VLLM_API_KEY").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("key");
    assertThat(env(vllm, "VLLM_API_KEY").getValue()).isNull();
    assertThat(vllm.getArgs())
        .noneMatch(a -> a.contains("hf-token") || a.contains("api-key") || a.contains("token"));
    assertThat(env(vllm, "EXTRA").getValue()).isEqualTo("x");
  }

  @Test
  void probesWatchHealthAndTheStartupBudgetCoversModelLoading() {
    Container vllm = container(GATED);

    assertThat(vllm.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(vllm.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(vllm.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(vllm.getStartupProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    // 40m of startup budget at one probe every 10 s.
    assertThat(
            vllm.getStartupProbe().getPeriodSeconds()
                * vllm.getStartupProbe().getFailureThreshold())
        .isEqualTo(40 * 60);
    assertThat(vllm.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(vllm.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8000);
            });
  }

  @Test
  void cacheIsMountedAsHfHomeAndSharedMemoryGrowsWithGpus() {
    var deployment = DeploymentDependentResource.build(GATED);
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container vllm = pod.getContainers().get(0);

    assertThat(env(vllm, "HF_HOME").getValue()).isEqualTo("/models");
    assertThat(env(vllm, "VLLM_CACHE_ROOT").getValue()).isEqualTo("/models/vllm");
    assertThat(volume(pod, "model-cache").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("llama-70b-cache");
    assertThat(volume(pod, "dshm").getEmptyDir().getMedium()).isEqualTo("Memory");
    assertThat(volume(pod, "dshm").getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("16Gi"));
    assertThat(vllm.getVolumeMounts()).extracting("mountPath").contains("/dev/shm", "/models");
    assertThat(pod.getEnableServiceLinks()).isFalse();
  }

  @Test
  void anExistingClaimIsMountedAndNoCacheMeansNoHfHome() {
    var shared = vllm("shared", "model: {name: m, cache: {existingClaim: models}}");
    var none = vllm("none", "model: {name: m}");

    var pod = DeploymentDependentResource.build(shared).getSpec().getTemplate().getSpec();
    assertThat(volume(pod, "model-cache").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("models");
    assertThat(container(none).getEnv())
        .noneMatch(e -> e.getName().equals("HF_HOME") || e.getName().equals("VLLM_CACHE_ROOT"));
  }

  /** The 0.11 image's entrypoint ignores a positional model: the command must be explicit. */
  @Test
  void everyImageRunsVllmServeWithTheModelAsItsFirstPositionalArgument() {
    for (String image : new String[] {"vllm/vllm-openai:v0.11.0", "vllm/vllm-openai:v0.33.0"}) {
      Container vllm = container(vllm("pinned", "model: {name: org/model}\nimage: " + image));

      assertThat(vllm.getImage()).isEqualTo(image);
      assertThat(vllm.getCommand()).containsExactly("vllm", "serve");
      assertThat(vllm.getArgs().get(0)).isEqualTo("org/model");
      assertThat(vllm.getArgs()).doesNotContain("--model");
    }
    assertThat(container(vllm("default", "model: {name: m}")).getImage())
        .isEqualTo("vllm/vllm-openai:v0.33.0");
  }

  @Test
  void rolloutSettingsDriveTheDeploymentStrategy() {
    var spec = DeploymentDependentResource.build(GATED).getSpec();

    assertThat(spec.getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isZero();
    assertThat(spec.getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isOne();
    assertThat(spec.getProgressDeadlineSeconds()).isEqualTo(3600);
    assertThat(spec.getReplicas()).isOne();
    assertThat(spec.getSelector().getMatchLabels())
        .isEqualTo(
            Map.of("app.kubernetes.io/name", "vllm", "app.kubernetes.io/instance", "llama-70b"));
  }

  @Test
  void desiredStateIsPureAndTheRevisionFollowsOnlyThePodSpec() {
    Deployment first = DeploymentDependentResource.build(GATED);
    Deployment second = DeploymentDependentResource.build(GATED);
    assertThat(Serialization.asJson(first)).isEqualTo(Serialization.asJson(second));

    var relabelled = vllm("llama-70b", "model: {name: m}");
    relabelled.getMetadata().setLabels(Map.of("environment", "staging"));
    var plain = vllm("llama-70b", "model: {name: m}");
    assertThat(revision(relabelled)).isEqualTo(revision(plain));
    assertThat(DeploymentDependentResource.build(relabelled).getMetadata().getLabels())
        .containsEntry("environment", "staging");

    var otherImage = vllm("llama-70b", "model: {name: m}\nimage: vllm/vllm-openai:v0.11.1");
    assertThat(revision(otherImage)).isNotEqualTo(revision(plain));
  }

  @Test
  void thePodsCarryTheServedModelForLogShippingAndTheOptOutLabelOnlyWhenOptedOut() {
    var template = DeploymentDependentResource.build(GATED).getSpec().getTemplate();
    var optedOut =
        DeploymentDependentResource.build(
                vllm(
                    "chat",
                    "model: {name: m, servedName: team/Chat-1}\nmonitoring: {logs: {enabled:"
                        + " false}}"))
            .getSpec()
            .getTemplate();

    // No servedName: the CR's name, which is what vLLM is told (--served-model-name).
    assertThat(template.getMetadata().getAnnotations())
        .containsEntry("vllm-operator.io/served-model-name", "llama-70b");
    assertThat(template.getMetadata().getLabels()).doesNotContainKey("vllm-operator.io/logs");
    assertThat(optedOut.getMetadata().getAnnotations())
        .containsEntry("vllm-operator.io/served-model-name", "team/Chat-1");
    assertThat(optedOut.getMetadata().getLabels())
        .containsEntry("vllm-operator.io/logs", "disabled");
    assertThat(optedOut.getSpec().getContainers().get(0).getArgs())
        .containsSequence("--served-model-name", "team/Chat-1");
  }

  @Test
  void theRevisionCoversThePodTemplatesLabelsAndAnnotationsBecauseTheyRollThePodsToo() {
    var plain = vllm("llama-70b", "model: {name: m}");
    var optedOut = vllm("llama-70b", "model: {name: m}\nmonitoring: {logs: {enabled: false}}");
    var template = DeploymentDependentResource.build(plain).getSpec().getTemplate();

    assertThat(revision(optedOut)).isNotEqualTo(revision(plain));
    assertThat(Revision.of(template)).as("the annotation is the hash").isEqualTo(revision(plain));
    // Read back from the API server the maps come sorted, and the revision annotation is there.
    var reordered = Serialization.clone(template);
    reordered
        .getMetadata()
        .setLabels(new java.util.TreeMap<>(template.getMetadata().getLabels()).descendingMap());
    assertThat(Revision.of(reordered)).isEqualTo(revision(plain));
    reordered.getMetadata().getAnnotations().put("vllm-operator.io/revision", "0000000000");
    assertThat(Revision.of(reordered)).isEqualTo(revision(plain));
    reordered.getMetadata().getAnnotations().put("vllm-operator.io/served-model-name", "other");
    assertThat(Revision.of(reordered)).isNotEqualTo(revision(plain));
  }

  private static io.fabric8.kubernetes.api.model.Volume volume(
      io.fabric8.kubernetes.api.model.PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static String revision(VllmDeployment vllm) {
    return DeploymentDependentResource.build(vllm)
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get("vllm-operator.io/revision");
  }

  private static Container container(VllmDeployment vllm) {
    return DeploymentDependentResource.build(vllm)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  private static EnvVar env(Container container, String name) {
    Optional<EnvVar> found =
        container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
    assertThat(found).as("env " + name).isPresent();
    return found.get();
  }
}
