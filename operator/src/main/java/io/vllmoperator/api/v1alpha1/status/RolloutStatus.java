package io.vllmoperator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the current rollout stands: what is served, what is wanted, what failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {
  @JsonPropertyDescription(
      "Revision (hash of the pod template) the Deployment runs now; the last good one after a rollback.")
  private String servedRevision;

  @JsonPropertyDescription("Revision the spec asks for.")
  private String targetRevision;

  @JsonPropertyDescription(
      "Last revision that had all replicas Ready; the rollback target. Its pod template is kept in a ControllerRevision.")
  private String lastGoodRevision;

  @JsonPropertyDescription(
      "Revision that failed; not retried until the spec changes or the retry-rollout annotation changes.")
  private String failedRevision;

  @JsonPropertyDescription("Why failedRevision failed, e.g. CudaOutOfMemory or StartupTimeout.")
  private String failedReason;

  @JsonPropertyDescription("The root cause of the failure, as found in the pods.")
  private String failedMessage;

  @JsonPropertyDescription("Automatic rollbacks of this VllmDeployment so far.")
  private Integer rollbackCount;

  @JsonPropertyDescription("When the rollout of targetRevision began (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("Value of the vllm-operator.io/retry-rollout annotation last acted on.")
  private String observedRetry;

  @JsonPropertyDescription("Machine-readable reason of the rollout's state.")
  private String reason;

  @JsonPropertyDescription("Human-readable message of the rollout's state.")
  private String message;

  public String getServedRevision() {
    return servedRevision;
  }

  public void setServedRevision(String servedRevision) {
    this.servedRevision = servedRevision;
  }

  public String getTargetRevision() {
    return targetRevision;
  }

  public void setTargetRevision(String targetRevision) {
    this.targetRevision = targetRevision;
  }

  public String getLastGoodRevision() {
    return lastGoodRevision;
  }

  public void setLastGoodRevision(String lastGoodRevision) {
    this.lastGoodRevision = lastGoodRevision;
  }

  public String getFailedRevision() {
    return failedRevision;
  }

  public void setFailedRevision(String failedRevision) {
    this.failedRevision = failedRevision;
  }

  public String getFailedReason() {
    return failedReason;
  }

  public void setFailedReason(String failedReason) {
    this.failedReason = failedReason;
  }

  public String getFailedMessage() {
    return failedMessage;
  }

  public void setFailedMessage(String failedMessage) {
    this.failedMessage = failedMessage;
  }

  public Integer getRollbackCount() {
    return rollbackCount;
  }

  public void setRollbackCount(Integer rollbackCount) {
    this.rollbackCount = rollbackCount;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getObservedRetry() {
    return observedRetry;
  }

  public void setObservedRetry(String observedRetry) {
    this.observedRetry = observedRetry;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
