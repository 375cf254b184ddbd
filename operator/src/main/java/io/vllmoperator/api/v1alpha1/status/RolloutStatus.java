package io.vllmoperator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the current rollout stands. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {
  @JsonPropertyDescription("Revision (hash of the pod template inputs) the pods run now.")
  private String currentRevision;

  @JsonPropertyDescription("Revision being rolled out.")
  private String targetRevision;

  @JsonPropertyDescription("Last revision that reached Ready; the rollback target.")
  private String lastGoodRevision;

  @JsonPropertyDescription("Revision that failed and was rolled back.")
  private String failedRevision;

  @JsonPropertyDescription("Machine-readable reason of the last rollout event.")
  private String reason;

  @JsonPropertyDescription("Human-readable message of the last rollout event.")
  private String message;

  public String getCurrentRevision() {
    return currentRevision;
  }

  public void setCurrentRevision(String currentRevision) {
    this.currentRevision = currentRevision;
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
