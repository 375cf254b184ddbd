package io.vllmoperator.leader;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The coordination.k8s.io Lease that decides which replica of the operator reconciles. The holder
 * renews it every {@code retryPeriod}; if it cannot renew within {@code renewDeadline} it stops
 * leading (and the process exits, see {@link Leadership}); a standby takes the Lease once it has
 * not been renewed for {@code leaseDuration}, or at once when the leader released it on shutdown
 * ({@link LeaseRelease}).
 */
public record LeaderElectionSettings(
    String leaseName,
    String leaseNamespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  public static final String DEFAULT_LEASE_NAME = "vllm-operator-leader";

  public LeaderElectionSettings {
    require(leaseName, "a lease name");
    require(leaseNamespace, "a lease namespace (POD_NAMESPACE or --leader-election-namespace)");
    require(identity, "an identity");
    // The same ordering the Kubernetes controllers require: renew well before the lease expires.
    if (retryPeriod.isZero()
        || retryPeriod.isNegative()
        || retryPeriod.compareTo(renewDeadline) >= 0
        || renewDeadline.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException(
          "leader election needs 0 < retry period < renew deadline < lease duration, got "
              + retryPeriod.toSeconds()
              + "s, "
              + renewDeadline.toSeconds()
              + "s, "
              + leaseDuration.toSeconds()
              + "s");
    }
  }

  /**
   * Who holds the Lease: the pod name (POD_NAME, set by the chart; unique in the namespace).
   * Outside a pod, the host name plus a random suffix, so that two processes on one machine never
   * share an identity (both would believe they lead).
   */
  public static String identity(Map<String, String> env) {
    String pod = env.get("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host = env.getOrDefault("HOSTNAME", "");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    return host.isBlank() ? "vllm-operator_" + suffix : host + "_" + suffix;
  }

  /** The service account environment every pod gets; absent when run from a kubeconfig. */
  public static boolean runningInCluster(Map<String, String> env) {
    String host = env.get("KUBERNETES_SERVICE_HOST");
    return host != null && !host.isBlank();
  }

  public LeaderElectionConfiguration toConfiguration(LeaderCallbacks callbacks) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
        .withLeaseNamespace(leaseNamespace)
        .withIdentity(identity)
        .withLeaseDuration(leaseDuration)
        .withRenewDeadline(renewDeadline)
        .withRetryPeriod(retryPeriod)
        .withLeaderCallbacks(callbacks)
        // Leadership exits the process when the Lease is lost (two replicas must never write at
        // once), but not when leading ends because the process shuts down: JOSDK would call
        // System.exit from the shutdown hook, which never returns there.
        .withExitOnStopLeading(false)
        .build();
  }

  private static void require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("leader election needs " + what);
    }
  }
}
