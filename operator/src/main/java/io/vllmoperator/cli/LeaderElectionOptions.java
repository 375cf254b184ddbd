package io.vllmoperator.cli;

import io.vllmoperator.desired.Durations;
import io.vllmoperator.leader.LeaderElectionSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The leader election flags of {@code vllm-operator run}. */
final class LeaderElectionOptions {
  @Option(
      names = "--leader-election",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Elect a leader through a coordination.k8s.io Lease, so several replicas can run and only"
              + " one reconciles. Default: on when running in a pod (KUBERNETES_SERVICE_HOST is"
              + " set), off from a kubeconfig.")
  Boolean enabled;

  @Option(
      names = "--leader-election-lease",
      defaultValue = LeaderElectionSettings.DEFAULT_LEASE_NAME,
      description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--leader-election-namespace",
      defaultValue = "${env:POD_NAMESPACE}",
      description = "Namespace of the Lease (default: the operator's own, POD_NAMESPACE).")
  String leaseNamespace;

  @Option(
      names = "--leader-election-identity",
      description =
          "This replica's name in the Lease (default: POD_NAME, else the host name plus a random"
              + " suffix).")
  String identity;

  @Option(
      names = "--leader-election-lease-duration",
      defaultValue = "15s",
      description =
          "How long a standby waits after the last renewal before it takes the Lease: the longest"
              + " time without a leader when the leader dies (default: ${DEFAULT-VALUE}).")
  String leaseDuration;

  @Option(
      names = "--leader-election-renew-deadline",
      defaultValue = "10s",
      description =
          "The leader gives up (and the process exits) when it could not renew the Lease for this"
              + " long (default: ${DEFAULT-VALUE}).")
  String renewDeadline;

  @Option(
      names = "--leader-election-retry-period",
      defaultValue = "2s",
      description =
          "How often the leader renews and a standby tries to acquire (default: ${DEFAULT-VALUE}).")
  String retryPeriod;

  /** The Lease to run under, or empty when leader election is off. */
  Optional<LeaderElectionSettings> settings(Map<String, String> env) {
    boolean on = enabled != null ? enabled : LeaderElectionSettings.runningInCluster(env);
    if (!on) {
      return Optional.empty();
    }
    return Optional.of(
        new LeaderElectionSettings(
            leaseName,
            leaseNamespace,
            identity != null && !identity.isBlank()
                ? identity
                : LeaderElectionSettings.identity(env),
            duration(leaseDuration),
            duration(renewDeadline),
            duration(retryPeriod)));
  }

  private static Duration duration(String value) {
    return Duration.ofSeconds(Durations.seconds(value));
  }
}
