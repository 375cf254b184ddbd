package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/** Extra scheduling constraints, merged with the GPU ones the operator sets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingSpec {
  @JsonPropertyDescription(
      "Node labels the pods must match, in addition to nvidia.com/gpu.product from spec.gpu.product.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations in addition to the one for the nvidia.com/gpu taint.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Node and pod affinity of the pods.")
  private Affinity affinity;

  @JsonPropertyDescription(
      "Topology spread constraints of the pods. Unset: spread the replicas across nodes"
          + " (topologyKey kubernetes.io/hostname, maxSkew 1, whenUnsatisfiable ScheduleAnyway), so"
          + " one node failure takes down as few as possible. An empty list turns spreading off.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription("PriorityClass of the pods.")
  private String priorityClassName;

  @JsonPropertyDescription("RuntimeClass of the pods (e.g. nvidia).")
  private String runtimeClassName;

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(
      List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public String getRuntimeClassName() {
    return runtimeClassName;
  }

  public void setRuntimeClassName(String runtimeClassName) {
    this.runtimeClassName = runtimeClassName;
  }
}
