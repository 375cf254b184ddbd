package io.vllmoperator.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Failures injected into kwok's fake kubelets (scripts/local-cluster, see scripts/README.md): a
 * Stage that makes a VllmDeployment's pods crash on start, and Logs that kwok's kubelet API serves
 * as their containers' previous log.
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
    if (terminationMessage.contains("{{")) {
      throw new IllegalArgumentException("the message would be read as a Go template");
    }
    String stage =
        """
        apiVersion: %s
        kind: Stage
        metadata:
          name: %s
        spec:
          resourceRef: {apiGroup: v1, kind: Pod}
          selector:
            matchExpressions:
            - {key: '.metadata.namespace', operator: In, values: [%s]}
            - {key: '.metadata.labels["app.kubernetes.io/instance"]', operator: In, values: [%s]}
            - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
            - {key: '.status.phase', operator: In, values: [Pending]}
          weight: 10000
          next:
            statusTemplate: |
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
              {{ with NodeIPsWith .spec.nodeName }}
              hostIP: {{ index . 0 | Quote }}
              {{ end }}
              {{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
              podIP: {{ index . 0 | Quote }}
              {{ end }}
              phase: Running
              startTime: {{ $now | Quote }}
        """
            .formatted(
                API_VERSION,
                stageName(namespace, instance),
                namespace,
                instance,
                exitCode,
                json(terminationMessage));
    apply(client, stage);
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
