package io.vllmoperator.cluster;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.desired.VllmPodTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Failures injected into kwok's fake kubelets (scripts/local-cluster, see scripts/README.md): a
 * Stage that makes a VllmDeployment's pods crash on start, and Logs that kwok's kubelet API serves
 * as their containers' previous log.
 *
 * <p>The faults of a rollout are keyed on the pod template revision ({@link Target}): only the pods
 * of that revision fail, so the pods of the revision before keep serving and a rollback to it
 * works. Compute the revision offline ({@code VllmPodTemplate.of(vllm)}) and create the Stages
 * before the spec change, then {@link #awaitArmed} before applying it.
 *
 * <p>How kwok (v0.8.0) picks a Stage: among the Stages whose selector matches the pod, weighted at
 * random among those with a weight above 0 (a Stage of weight 0, like pod-ready, is chosen only
 * when no matching Stage has a weight); every Stage here has weight 10000 and the selectors of one
 * fault never overlap, so the choice is deterministic. A delay starts when kwok sees the pod's
 * current version and starts again on any change to the pod.
 */
final class KwokFaults {
  private static final String API_VERSION = "kwok.x-k8s.io/v1alpha1";

  /** What the kubelet keeps of a log as the termination message (FallbackToLogsOnError). */
  static final int TERMINATION_MESSAGE_BYTES = 2048;

  static final int TERMINATION_MESSAGE_LINES = 80;

  private KwokFaults() {}

  /**
   * Pods of {@code instance} in {@code namespace} go from Pending straight to a crash loop, never
   * Ready: restartCount 1, waiting in CrashLoopBackOff, lastState terminated with {@code exitCode},
   * reason Error and {@code terminationMessage}. The Stage's weight beats kwok's pod-ready.
   */
  static void crashOnStart(
      KubernetesClient client,
      String namespace,
      String instance,
      int exitCode,
      String terminationMessage) {
    String selector =
        """
        - {key: '.metadata.namespace', operator: In, values: [%s]}
        - {key: '.metadata.labels["app.kubernetes.io/instance"]', operator: In, values: [%s]}
        - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
        """
            .formatted(namespace, instance);
    apply(
        client,
        stage(
            stageName(namespace, instance),
            Map.of(),
            selector + PENDING,
            null,
            firstCrash(exitCode, terminationMessage)));
  }

  // --- faults keyed on the pod template revision ---------------------------------------------

  /** Label on every Stage the revision faults create, so a test can remove all of them. */
  static final String FAULT_LABEL = "vllm-operator.io/test-fault";

  /**
   * The pods of one pod template revision (annotation {@code vllm-operator.io/revision}) in one
   * namespace: the pods a rollout to that revision creates, and no other.
   */
  record Target(String namespace, String revision) {
    String selector() {
      return """
          - {key: '.metadata.namespace', operator: In, values: [%s]}
          - {key: '.metadata.annotations["%s"]', operator: In, values: ['%s']}
          - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
          """
          .formatted(namespace, VllmPodTemplate.REVISION_ANNOTATION, revision);
    }

    String stageName(String fault) {
      return "fault-" + namespace + "-" + revision + "-" + fault;
    }
  }

  /**
   * A crash loop as a kubelet reports it: the first crash when the pod starts (restartCount 1,
   * waiting in CrashLoopBackOff, lastState terminated with {@code exitCode}, reason Error and
   * {@code terminationMessage}), then one more restart every {@code interval} until {@code
   * restartCount}. Never Ready.
   */
  static void crashLoop(
      KubernetesClient client,
      Target target,
      int restartCount,
      Duration interval,
      int exitCode,
      String terminationMessage) {
    if (restartCount < 1) {
      throw new IllegalArgumentException("a crash loop has at least one restart");
    }
    if (restartCount > 1) {
      // Created first: once kwok plays the entry stage below, it knows this one too.
      apply(
          client,
          stage(
              target.stageName("crash-again"),
              Map.of(FAULT_LABEL, target.namespace()),
              target.selector()
                  + """
                  - {key: '.status.phase', operator: In, values: [Running]}
                  - {key: '.status.containerStatuses.[].state.waiting.reason', operator: In, values: [CrashLoopBackOff]}
                  - {key: '(.status.containerStatuses | map(.restartCount) | min) < %d', operator: In, values: ['true']}
                  """
                      .formatted(restartCount),
              interval,
              nextCrash(exitCode, terminationMessage)));
    }
    apply(
        client,
        stage(
            target.stageName("crash"),
            Map.of(FAULT_LABEL, target.namespace()),
            target.selector() + PENDING,
            null,
            firstCrash(exitCode, terminationMessage)));
  }

  /**
   * Running but never Ready: the container started and never passes its probes (a model that loads
   * forever, a hung engine). No restart, no waiting reason, no termination.
   */
  static void neverReady(KubernetesClient client, Target target) {
    apply(
        client,
        stage(
            target.stageName("never-ready"),
            Map.of(FAULT_LABEL, target.namespace()),
            target.selector() + PENDING,
            null,
            RUNNING_NOT_READY));
  }

  /**
   * Running and not Ready for {@code loadTime}, then Ready: a model that takes that long to load.
   * kwok's delay runs from the moment it sees the running pod; any change to the pod in between
   * starts it again.
   */
  static void slowReady(KubernetesClient client, Target target, Duration loadTime) {
    apply(
        client,
        stage(
            target.stageName("loaded"),
            Map.of(FAULT_LABEL, target.namespace()),
            target.selector()
                + """
                - {key: '.status.phase', operator: In, values: [Running]}
                - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: In, values: ['False']}
                - {key: '.status.containerStatuses.[].state.running', operator: Exists}
                """,
            loadTime,
            """
            {{ $now := Now }}
            conditions:
            - {type: Ready, status: "True", reason: null, lastTransitionTime: {{ $now | Quote }}}
            - {type: ContainersReady, status: "True", reason: null, lastTransitionTime: {{ $now | Quote }}}
            containerStatuses:
            {{ range .status.containerStatuses }}
            - name: {{ .name | Quote }}
              image: {{ .image | Quote }}
              ready: true
              started: true
              restartCount: {{ .restartCount }}
              state:
                running:
                  startedAt: {{ .state.running.startedAt | Quote }}
            {{ end }}
            """));
    apply(
        client,
        stage(
            target.stageName("loading"),
            Map.of(FAULT_LABEL, target.namespace()),
            target.selector() + PENDING,
            null,
            RUNNING_NOT_READY));
  }

  /**
   * The image cannot be pulled: the pod stays Pending, its container waiting in ErrImagePull, then
   * ImagePullBackOff after {@code 1s}, then ErrImagePull again after {@code backOff}, and so on, as
   * a kubelet alternates them.
   */
  static void imagePullError(KubernetesClient client, Target target, Duration backOff) {
    String waitingReason = "- {key: '.status.containerStatuses.[].state.waiting.reason'";
    apply(
        client,
        stage(
            target.stageName("pull-again"),
            Map.of(FAULT_LABEL, target.namespace()),
            target.selector()
                + PENDING
                + waitingReason
                + ", operator: In, values: [ImagePullBackOff]}\n",
            backOff,
            pullWaiting("ErrImagePull", PULL_FAILED)));
    apply(
        client,
        stage(
            target.stageName("pull-backoff"),
            Map.of(FAULT_LABEL, target.namespace()),
            target.selector()
                + PENDING
                + waitingReason
                + ", operator: In, values: [ErrImagePull]}\n",
            Duration.ofSeconds(1),
            pullWaiting("ImagePullBackOff", PULL_BACK_OFF)));
    apply(
        client,
        stage(
            target.stageName("pull"),
            Map.of(FAULT_LABEL, target.namespace()),
            target.selector()
                + PENDING
                + "- {key: '.status.containerStatuses', operator: DoesNotExist}\n",
            null,
            """
            {{ $now := Now }}
            conditions:
            - {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
            - {type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}}
            - {type: ContainersReady, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}}
            """
                + pullWaiting("ErrImagePull", PULL_FAILED)
                + """
                {{ with NodeIPsWith .spec.nodeName }}
                hostIP: {{ index . 0 | Quote }}
                {{ end }}
                startTime: {{ $now | Quote }}
                """));
  }

  /** Removes every Stage of the revision faults in {@code namespace}. */
  static void clearFaults(KubernetesClient client, String namespace) {
    client
        .genericKubernetesResources(API_VERSION, "Stage")
        .withLabel(FAULT_LABEL, namespace)
        .delete();
  }

  /**
   * Waits until kwok plays the faults of {@code target}: a canary pod with the target's revision
   * annotation (and none of the operator's labels, so no controller counts it) must come out of
   * Pending in the fault's state instead of kwok's pod-ready. kwok reads Stages through a watch;
   * without this a pod created right after the Stage could still meet only pod-ready.
   */
  static void awaitArmed(
      KubernetesClient client,
      Target target,
      Map<String, String> nodeSelector,
      List<Toleration> tolerations) {
    String name = "canary-" + target.revision();
    Pod canary =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(target.namespace())
            .withAnnotations(Map.of(VllmPodTemplate.REVISION_ANNOTATION, target.revision()))
            .withLabels(Map.of(FAULT_LABEL + "-canary", "true"))
            .endMetadata()
            .withNewSpec()
            .withNodeSelector(nodeSelector)
            .withTolerations(tolerations)
            .withTerminationGracePeriodSeconds(0L)
            .addNewContainer()
            .withName(VllmPodTemplate.CONTAINER)
            .withImage("canary")
            .endContainer()
            .endSpec()
            .build();
    var pods = client.pods().inNamespace(target.namespace());
    pods.resource(canary).create();
    try {
      pods.withName(name)
          .waitUntilCondition(
              p -> p != null && faulted(p), Duration.ofSeconds(60).toMillis(), MILLISECONDS);
    } finally {
      pods.withName(name).withGracePeriod(0).delete();
    }
  }

  /** kwok played a fault on it: container statuses written, and not Ready. */
  static boolean faulted(Pod pod) {
    var status = pod.getStatus();
    return status != null
        && status.getContainerStatuses() != null
        && !status.getContainerStatuses().isEmpty()
        && status.getConditions().stream()
            .noneMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static final String PENDING =
      """
      - {key: '.status.phase', operator: In, values: [Pending]}
      """;

  /** Go printf formats of the kubelet's messages, given the image. */
  private static final String PULL_FAILED = "failed to pull and unpack image %q: not found";

  private static final String PULL_BACK_OFF = "Back-off pulling image %q";

  private static final String POD_IPS =
      """
      {{ with NodeIPsWith .spec.nodeName }}
      hostIP: {{ index . 0 | Quote }}
      {{ end }}
      {{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      podIP: {{ index . 0 | Quote }}
      {{ end }}
      """;

  /** A started container that never passes its probes. */
  private static final String RUNNING_NOT_READY =
      """
      {{ $now := Now }}
      conditions:
      - {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
      - {type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}}
      - {type: ContainersReady, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}}
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        ready: false
        started: false
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      """
          + POD_IPS
          + """
          phase: Running
          startTime: {{ $now | Quote }}
          """;

  /** What a kubelet writes after the first crash of every container. */
  private static String firstCrash(int exitCode, String terminationMessage) {
    checkNoTemplate(terminationMessage);
    return """
        {{ $now := Now }}
        conditions:
        - {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
        - {type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}}
        - {type: ContainersReady, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}}
        containerStatuses:
        {{ range .spec.containers }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          ready: false
          started: false
          restartCount: 1
          state:
            waiting:
              reason: CrashLoopBackOff
              message: {{ printf "back-off 10s restarting failed container=%%s pod=%%s" .name $.metadata.name | Quote }}
          lastState:
            terminated:
              exitCode: %d
              reason: Error
              message: %s
              startedAt: {{ $now | Quote }}
              finishedAt: {{ $now | Quote }}
        {{ end }}
        """
            .formatted(exitCode, json(terminationMessage))
        + POD_IPS
        + """
        phase: Running
        startTime: {{ $now | Quote }}
        """;
  }

  /**
   * One more crash: restartCount + 1, a fresh lastState; still waiting in CrashLoopBackOff. Pod
   * status lists have no merge key in a strategic merge patch (only conditions do): every container
   * status is written whole, or what is left out is gone.
   */
  private static String nextCrash(int exitCode, String terminationMessage) {
    checkNoTemplate(terminationMessage);
    return """
        {{ $now := Now }}
        containerStatuses:
        {{ range .status.containerStatuses }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          ready: false
          started: false
          restartCount: {{ add1 .restartCount }}
          state:
            waiting:
              reason: CrashLoopBackOff
              message: {{ printf "back-off 10s restarting failed container=%%s pod=%%s" .name $.metadata.name | Quote }}
          lastState:
            terminated:
              exitCode: %d
              reason: Error
              message: %s
              startedAt: {{ $now | Quote }}
              finishedAt: {{ $now | Quote }}
        {{ end }}
        """
        .formatted(exitCode, json(terminationMessage));
  }

  /**
   * Every container waiting on its image with {@code reason}; {@code messageFormat} is a Go printf
   * format given the image.
   */
  private static String pullWaiting(String reason, String messageFormat) {
    return """
        containerStatuses:
        {{ range .spec.containers }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          ready: false
          started: false
          restartCount: 0
          state:
            waiting:
              reason: %s
              message: {{ printf "%s" .image | Quote }}
        {{ end }}
        phase: Pending
        """
        .formatted(reason, messageFormat);
  }

  private static String stage(
      String name,
      Map<String, String> labels,
      String matchExpressions,
      Duration delay,
      String statusTemplate) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("apiVersion: ").append(API_VERSION).append('\n');
    yaml.append("kind: Stage\nmetadata:\n  name: ").append(name).append('\n');
    if (!labels.isEmpty()) {
      yaml.append("  labels:\n");
      labels.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
    }
    yaml.append("spec:\n  resourceRef: {apiGroup: v1, kind: Pod}\n  selector:\n");
    yaml.append("    matchExpressions:\n").append(matchExpressions.stripTrailing().indent(4));
    yaml.append("  weight: 10000\n");
    if (delay != null) {
      yaml.append("  delay: {durationMilliseconds: ").append(delay.toMillis()).append("}\n");
    }
    yaml.append("  next:\n    statusTemplate: |\n").append(statusTemplate.indent(6));
    return yaml.toString();
  }

  private static void checkNoTemplate(String message) {
    if (message.contains("{{")) {
      throw new IllegalArgumentException("the message would be read as a Go template");
    }
  }

  /** Every pod in {@code namespace}: kwok serves {@code previousLog} as vllm's previous log. */
  static void servePreviousLog(KubernetesClient client, String namespace, Path previousLog) {
    String logs =
        """
        apiVersion: %s
        kind: ClusterLogs
        metadata:
          name: %s
        spec:
          selector: {matchNamespaces: [%s]}
          logs:
          - containers: [vllm]
            previousLogsFile: %s
        """
            .formatted(API_VERSION, "previous-log-" + namespace, namespace, json(previousLog));
    apply(client, logs);
  }

  /** Removes what {@link #crashOnStart} and {@link #servePreviousLog} created. */
  static void clear(KubernetesClient client, String namespace, String instance) {
    client
        .genericKubernetesResources(API_VERSION, "Stage")
        .withName(stageName(namespace, instance))
        .delete();
    client
        .genericKubernetesResources(API_VERSION, "ClusterLogs")
        .withName("previous-log-" + namespace)
        .delete();
  }

  /**
   * Writes {@code text} as a container runtime (CRI) log file, the format kwok reads like a
   * kubelet: one "timestamp stream tag message" line per log line.
   */
  static Path criLogFile(Path file, String text) {
    StringBuilder cri = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        cri.append("2026-12-02T06:55:27.000000000Z stderr F ").append(line).append('\n');
      }
    }
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, cri.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kubelet's termination message for a log: its last 80 lines, at most the last 2 KiB. */
  static String terminationMessage(String log) {
    List<String> lines = Arrays.asList(log.strip().split("\n"));
    String tail =
        String.join(
            "\n",
            lines.subList(Math.max(0, lines.size() - TERMINATION_MESSAGE_LINES), lines.size()));
    byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
    return bytes.length <= TERMINATION_MESSAGE_BYTES
        ? tail
        : new String(
            bytes,
            bytes.length - TERMINATION_MESSAGE_BYTES,
            TERMINATION_MESSAGE_BYTES,
            StandardCharsets.UTF_8);
  }

  private static String stageName(String namespace, String instance) {
    return "crash-" + namespace + "-" + instance;
  }

  /** A JSON string is a YAML flow scalar: quotes, newlines and backslashes stay intact. */
  private static String json(Object value) {
    return Serialization.asJson(value.toString());
  }

  private static void apply(KubernetesClient client, String yaml) {
    GenericKubernetesResource resource =
        client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    client
        .genericKubernetesResources(resource.getApiVersion(), resource.getKind())
        .resource(resource)
        .forceConflicts()
        .serverSideApply();
  }
}
