package io.vllmoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import io.vllmoperator.api.v1alpha1.status.Phase;
import io.vllmoperator.api.v1alpha1.status.RolloutStatus;
import java.util.ArrayList;
import java.util.List;

/** Observed state, rebuilt by the operator on every reconcile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VllmDeploymentStatus {
  @JsonPropertyDescription("Generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Pending, Progressing, Scaling, Ready, ScaledToZero, Degraded, RollingBack, RolledBack or"
          + " Failed. Conditions say why.")
  private Phase phase;

  @JsonPropertyDescription(
      "Available, Progressing, Degraded, RolledBack and MonitoringReady, with reasons.")
  private List<Condition> conditions = new ArrayList<>();

  @StatusReplicas
  @JsonPropertyDescription("Pods of this deployment, all revisions.")
  private Integer replicas;

  @JsonPropertyDescription("Pods that pass their readiness probe.")
  private Integer readyReplicas;

  @JsonPropertyDescription("Pods that run the current spec.")
  private Integer updatedReplicas;

  @JsonPropertyDescription("Ready pods out of desired, e.g. 2/2.")
  private String ready;

  @LabelSelector
  @JsonPropertyDescription("Label selector of the pods, for the scale subresource and HPA.")
  private String selector;

  @JsonPropertyDescription("OpenAI-compatible base URL inside the cluster.")
  private String endpoint;

  @JsonPropertyDescription("Revisions and the outcome of the last rollout.")
  private RolloutStatus rollout;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Integer getUpdatedReplicas() {
    return updatedReplicas;
  }

  public void setUpdatedReplicas(Integer updatedReplicas) {
    this.updatedReplicas = updatedReplicas;
  }

  public String getReady() {
    return ready;
  }

  public void setReady(String ready) {
    this.ready = ready;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public RolloutStatus getRollout() {
    return rollout;
  }

  public void setRollout(RolloutStatus rollout) {
    this.rollout = rollout;
  }
}
