package io.vllmoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vllmoperator.leader.LeaderElectionSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LeaderElectionOptionsTest {
  private static final Map<String, String> IN_A_POD =
      Map.of(
          "KUBERNETES_SERVICE_HOST", "10.0.0.1",
          "POD_NAME", "vllm-operator-7d9f-abcde",
          "HOSTNAME", "vllm-operator-7d9f-abcde");

  private static Optional<LeaderElectionSettings> parse(Map<String, String> env, String... args) {
    var command = new RunCommand();
    new CommandLine(command).parseArgs(args);
    return command.leaderElection.settings(env);
  }

  @Test
  void onInAPodWithJosdkDefaultTimingsAndThePodNameAsIdentity() {
    var settings = parse(IN_A_POD, "--leader-election-namespace", "ops").orElseThrow();
    assertThat(settings.leaseName()).isEqualTo("vllm-operator-leader");
    assertThat(settings.leaseNamespace()).isEqualTo("ops");
    assertThat(settings.identity()).isEqualTo("vllm-operator-7d9f-abcde");
    assertThat(settings.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void offFromAKubeconfigUnlessAskedFor() {
    assertThat(parse(Map.of())).isEmpty();
    assertThat(parse(Map.of(), "--leader-election", "--leader-election-namespace", "ops"))
        .isPresent();
    assertThat(parse(IN_A_POD, "--leader-election=false")).isEmpty();
  }

  @Test
  void leaseNameAndTimingsComeFromFlags() {
    var settings =
        parse(
                Map.of(),
                "--leader-election=true",
                "--leader-election-namespace=ops",
                "--leader-election-lease=team-a-vllm-operator",
                "--leader-election-identity=a",
                "--leader-election-lease-duration=4s",
                "--leader-election-renew-deadline=3s",
                "--leader-election-retry-period=1s")
            .orElseThrow();
    assertThat(settings.leaseName()).isEqualTo("team-a-vllm-operator");
    assertThat(settings.identity()).isEqualTo("a");
    assertThat(settings.leaseDuration()).isEqualTo(Duration.ofSeconds(4));
    assertThat(settings.toConfiguration(null).getLeaseNamespace()).contains("ops");
    // Leadership exits on a lost Lease itself; JOSDK's exit would hang a graceful shutdown.
    assertThat(settings.toConfiguration(null).isExitOnStopLeading()).isFalse();
  }

  @Test
  void refusesAMissingNamespaceAndTimingsThatCannotWork() {
    assertThatThrownBy(() -> parse(Map.of(), "--leader-election"))
        .hasMessageContaining("POD_NAMESPACE");
    assertThatThrownBy(
            () ->
                parse(
                    IN_A_POD,
                    "--leader-election-namespace=ops",
                    "--leader-election-renew-deadline=20s"))
        .hasMessageContaining("renew deadline < lease duration");
  }

  @Test
  void outsideAPodTwoProcessesOnOneHostGetDifferentIdentities() {
    var env = Map.of("HOSTNAME", "laptop");
    assertThat(LeaderElectionSettings.identity(env))
        .startsWith("laptop_")
        .isNotEqualTo(LeaderElectionSettings.identity(env));
  }
}
