package io.vllmoperator.cluster;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/** Runs a suite only where a Docker engine answers; says so loudly when it does not. */
class DockerAvailable implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      return ConditionEvaluationResult.enabled("a Docker engine answers");
    }
    String reason =
        context.getDisplayName()
            + " SKIPPED: it needs a Docker engine and none answers here. The same suite ran on the"
            + " local control plane (OperatorClusterIT); this skip is not a pass.";
    System.err.println("\n" + "*".repeat(100) + "\n*** " + reason + "\n" + "*".repeat(100) + "\n");
    return ConditionEvaluationResult.disabled(reason);
  }
}
