package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/** Extra scheduling constraints, merged with the GPU ones the operator sets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingSpec {
  @Size(max = 32)
  @ValidationRule(
      value = Syntax.KEYS_ARE_QUALIFIED_NAMES,
      message = "spec.scheduling.nodeSelector: each key must be a label key, e.g. example.com/pool")
  @JsonPropertyDescription(
      "Node labels the pods must match, in addition to nvidia.com/gpu.product from spec.gpu.product.")
  private Map<String, @Size(max = 63) @Pattern(Syntax.LABEL_VALUE_OR_EMPTY) String> nodeSelector;

  @Size(max = 32)
  @SchemaFrom(type = TolerationSchema[].class)
  @ValidationRule(
      value =
          "self.all(t, ((has(t.key) && size(t.key) > 0) || (has(t.operator) && t.operator == 'Exists'))"
              + " && (!has(t.operator) || t.operator != 'Exists' || !has(t.value) || size(t.value) == 0)"
              + " && (!has(t.tolerationSeconds) || (has(t.effect) && t.effect == 'NoExecute')))",
      message =
          "spec.scheduling.tolerations: a key is required unless operator is Exists; Exists takes no value; tolerationSeconds needs effect NoExecute")
  @JsonPropertyDescription("Tolerations in addition to the one for the nvidia.com/gpu taint.")
  private List<Toleration> tolerations;

  @SchemaFrom(type = AffinitySchema.class)
  @JsonPropertyDescription("Node and pod affinity of the pods.")
  private Affinity affinity;

  @Size(max = 16)
  @ValidationRule(
      value =
          "self.all(c, has(c.maxSkew) && c.maxSkew > 0 && c.maxSkew <= 2147483647 &&"
              + " has(c.topologyKey) && c.topologyKey !="
              + " '' && has(c.whenUnsatisfiable) && c.whenUnsatisfiable in ['DoNotSchedule',"
              + " 'ScheduleAnyway'])",
      message =
          "spec.scheduling.topologySpreadConstraints: each needs maxSkew > 0 (int32), a topologyKey and"
              + " whenUnsatisfiable DoNotSchedule or ScheduleAnyway")
  @ValidationRule(
      value =
          "self.all(c, !has(c.minDomains) || (c.minDomains > 0 && c.minDomains <= 2147483647 &&"
              + " has(c.whenUnsatisfiable) &&"
              + " c.whenUnsatisfiable == 'DoNotSchedule'))",
      message =
          "spec.scheduling.topologySpreadConstraints: minDomains must be a positive int32 and needs"
              + " whenUnsatisfiable DoNotSchedule")
  @ValidationRule(
      value =
          "self.all(c, (!has(c.nodeAffinityPolicy) || c.nodeAffinityPolicy in ['Honor', 'Ignore'])"
              + " && (!has(c.nodeTaintsPolicy) || c.nodeTaintsPolicy in ['Honor', 'Ignore']))",
      message =
          "spec.scheduling.topologySpreadConstraints: nodeAffinityPolicy and nodeTaintsPolicy are"
              + " Honor or Ignore")
  @JsonPropertyDescription(
      "Topology spread constraints of the pods. Unset: spread the replicas across nodes"
          + " (topologyKey kubernetes.io/hostname, maxSkew 1, whenUnsatisfiable ScheduleAnyway), so"
          + " one node failure takes down as few as possible. An empty list turns spreading off.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  @Size(max = 253)
  @Pattern(Syntax.DNS_SUBDOMAIN_OR_EMPTY)
  @JsonPropertyDescription("PriorityClass of the pods.")
  private String priorityClassName;

  @Size(max = 253)
  @Pattern(Syntax.DNS_SUBDOMAIN_OR_EMPTY)
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
