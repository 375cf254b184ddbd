package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.vllmoperator.TestManifests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/alertmanager-example.yaml, the routing docs/monitoring.md documents, checked by amtool. */
class AlertmanagerConfigTest {
  private static final Path CONFIG =
      TestManifests.repoRoot().resolve("docs/alertmanager-example.yaml");
  private static final Duration TIMEOUT = Duration.ofMinutes(1);
  private static final Map<String, String> RECEIVER_BY_SEVERITY =
      Map.of("critical", "pager", "warning", "ticket", "info", "null");

  @Test
  void amtoolAcceptsTheExampleConfig() {
    Path amtool = Tools.require("amtool", "prometheus-alertmanager");

    var result =
        Tools.run(
            TIMEOUT,
            CONFIG.getParent(),
            List.of(amtool.toString(), "check-config", CONFIG.toString()));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertIsRoutedByItsSeverity() {
    Path amtool = Tools.require("amtool", "prometheus-alertmanager");

    for (Rule rule : AlertRulesTest.rules(PromtoolTest.fixtureCr())) {
      String severity = rule.getLabels().get("severity");
      List<String> command =
          new ArrayList<>(
              List.of(
                  amtool.toString(),
                  "config",
                  "routes",
                  "test",
                  "--config.file=" + CONFIG,
                  "--verify.receivers=" + RECEIVER_BY_SEVERITY.get(severity)));
      command.add("alertname=" + rule.getAlert());
      command.add("severity=" + severity);
      command.add("namespace=llm");

      var result = Tools.run(TIMEOUT, CONFIG.getParent(), command);

      assertThat(result.exitCode()).as(rule.getAlert() + ": " + result.output()).isZero();
    }
  }
}
