package io.vllmoperator.desired;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.spec.SchedulingSpec;
import io.vllmoperator.api.v1alpha1.spec.SecretKeyRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pod of a vLLM server: one container, GPUs, probes on /health, secrets only as env. */
public final class VllmPodTemplate {
  public static final String CONTAINER = "vllm";
  public static final String PORT_NAME = "http";
  public static final String HEALTH_PATH = "/health";
  public static final String CACHE_MOUNT = "/models";

  /** vLLM's own cache (torch.compile artifacts, assets) on the cache volume survives restarts. */
  public static final String VLLM_CACHE_DIR = CACHE_MOUNT + "/vllm";

  public static final String REVISION_ANNOTATION = "vllm-operator.io/revision";
  static final int PROBE_PERIOD_SECONDS = 10;

  private VllmPodTemplate() {}

  public static PodTemplateSpec of(VllmDeployment vllm) {
    SchedulingSpec scheduling =
        vllm.getSpec().getScheduling() == null
            ? new SchedulingSpec()
            : vllm.getSpec().getScheduling();
    PodTemplateSpec template =
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .withLabels(labels(vllm))
            .withAnnotations(LogShipping.podAnnotations(vllm))
            .endMetadata()
            .withNewSpec()
            // A Service named like `vllm` would inject VLLM_* variables that vLLM reads as config.
            .withEnableServiceLinks(false)
            .withTerminationGracePeriodSeconds(60L)
            .withContainers(container(vllm))
            .withVolumes(volumes(vllm))
            .withNodeSelector(nullIfEmpty(GpuScheduling.nodeSelector(vllm)))
            .withTolerations(GpuScheduling.tolerations(vllm))
            .withAffinity(scheduling.getAffinity())
            .withTopologySpreadConstraints(TopologySpread.of(vllm))
            .withPriorityClassName(scheduling.getPriorityClassName())
            // "" means none; the pod would refuse it as a RuntimeClass name.
            .withRuntimeClassName(blankToNull(scheduling.getRuntimeClassName()))
            .endSpec()
            .build();
    Map<String, String> annotations = new LinkedHashMap<>(template.getMetadata().getAnnotations());
    annotations.put(REVISION_ANNOTATION, Revision.of(template));
    template.getMetadata().setAnnotations(annotations);
    return template;
  }

  private static Map<String, String> labels(VllmDeployment vllm) {
    Map<String, String> labels = Labels.pod(vllm);
    labels.putAll(LogShipping.podLabels(vllm));
    return labels;
  }

  private static Container container(VllmDeployment vllm) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(vllm.getSpec().getImage())
        .withCommand(EngineArgs.COMMAND)
        .withArgs(EngineArgs.of(vllm))
        .addNewPort()
        .withName(PORT_NAME)
        .withContainerPort(EngineArgs.CONTAINER_PORT)
        .withProtocol("TCP")
        .endPort()
        .withEnv(env(vllm))
        .withResources(GpuScheduling.resources(vllm))
        .withVolumeMounts(volumeMounts(vllm))
        .withStartupProbe(startupProbe(vllm))
        .withReadinessProbe(probe(PROBE_PERIOD_SECONDS, 3))
        .withLivenessProbe(probe(PROBE_PERIOD_SECONDS, 6))
        // A crash's last log lines become the termination message: CUDA OOM, 401 from the hub.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .build();
  }

  /** Probes fail with "connection refused" until the model is loaded; the budget covers that. */
  private static Probe startupProbe(VllmDeployment vllm) {
    long budget = Durations.seconds(vllm.getSpec().getRollout().getStartupTimeout());
    int failures = (int) Math.max(1, (budget + PROBE_PERIOD_SECONDS - 1) / PROBE_PERIOD_SECONDS);
    return probe(PROBE_PERIOD_SECONDS, failures);
  }

  private static Probe probe(int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(HEALTH_PATH)
        .withPort(new IntOrString(PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static List<EnvVar> env(VllmDeployment vllm) {
    List<EnvVar> env = new ArrayList<>();
    // Keep model servers from phoning home from inside a company network.
    env.add(new EnvVar("VLLM_NO_USAGE_STATS", "1", null));
    env.add(new EnvVar("DO_NOT_TRACK", "1", null));
    if (Names.cacheClaimInUse(vllm) != null) {
      env.add(new EnvVar("HF_HOME", CACHE_MOUNT, null));
      env.add(new EnvVar("VLLM_CACHE_ROOT", VLLM_CACHE_DIR, null));
    }
    SecretKeyRef token = vllm.getSpec().getModel().getTokenSecretRef();
    if (token != null) {
      env.add(fromSecret("HF_TOKEN", token));
    }
    SecretKeyRef apiKey = vllm.getSpec().getEngine().getApiKeySecretRef();
    if (apiKey != null) {
      env.add(fromSecret("VLLM_API_KEY", apiKey));
    }
    if (vllm.getSpec().getEngine().getEnv() != null) {
      env.addAll(vllm.getSpec().getEngine().getEnv());
    }
    return env;
  }

  private static EnvVar fromSecret(String name, SecretKeyRef ref) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(ref.getName())
        .withKey(ref.getKey())
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static List<Volume> volumes(VllmDeployment vllm) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName("dshm")
            .withNewEmptyDir()
            .withMedium("Memory")
            .withSizeLimit(GpuScheduling.sharedMemory(vllm))
            .endEmptyDir()
            .build());
    String claim = Names.cacheClaimInUse(vllm);
    if (claim != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("model-cache")
              .withNewPersistentVolumeClaim()
              .withClaimName(claim)
              .endPersistentVolumeClaim()
              .build());
    }
    return volumes;
  }

  private static List<VolumeMount> volumeMounts(VllmDeployment vllm) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName("dshm").withMountPath("/dev/shm").build());
    if (Names.cacheClaimInUse(vllm) != null) {
      mounts.add(
          new VolumeMountBuilder().withName("model-cache").withMountPath(CACHE_MOUNT).build());
    }
    return mounts;
  }

  private static <K, V> Map<K, V> nullIfEmpty(Map<K, V> map) {
    return map.isEmpty() ? null : map;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
