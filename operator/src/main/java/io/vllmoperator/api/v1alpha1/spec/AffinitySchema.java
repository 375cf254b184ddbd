package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Schema only: the CRD shape of spec.scheduling.affinity, the Kubernetes Affinity with the rules
 * the pod itself must satisfy (operators and their values, weights 1-100, topology keys). The
 * operator reads the field as fabric8's Affinity. matchLabelKeys and mismatchLabelKeys are left
 * out.
 */
public final class AffinitySchema {
  @JsonPropertyDescription("Node affinity.")
  public NodeAffinity nodeAffinity;

  @JsonPropertyDescription("Pod affinity.")
  public PodAffinity podAffinity;

  @JsonPropertyDescription("Pod anti-affinity.")
  public PodAffinity podAntiAffinity;

  private AffinitySchema() {}

  /** Schema only: NodeAffinity. */
  public static final class NodeAffinity {
    @JsonPropertyDescription("Terms a node must match (any of them).")
    public NodeSelector requiredDuringSchedulingIgnoredDuringExecution;

    @Size(max = 16)
    @JsonPropertyDescription("Weighted terms a node should match.")
    public List<PreferredNode> preferredDuringSchedulingIgnoredDuringExecution;

    private NodeAffinity() {}
  }

  /** Schema only: NodeSelector. */
  public static final class NodeSelector {
    @Required
    @Size(min = 1, max = 16)
    @JsonPropertyDescription("At least one term; a node matching any of them qualifies.")
    public List<NodeSelectorTerm> nodeSelectorTerms;

    private NodeSelector() {}
  }

  /** Schema only: PreferredSchedulingTerm. */
  public static final class PreferredNode {
    @Required
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("1 to 100.")
    public Integer weight;

    @Required
    @JsonPropertyDescription("The term.")
    public NodeSelectorTerm preference;

    private PreferredNode() {}
  }

  /** Schema only: NodeSelectorTerm. */
  public static final class NodeSelectorTerm {
    @Size(max = 16)
    @ValidationRule(
        value =
            "self.all(e, e.operator in ['In', 'NotIn'] ? (has(e.values) && size(e.values) > 0)"
                + " : e.operator in ['Gt', 'Lt'] ? (has(e.values) && size(e.values) == 1"
                + " && e.values[0].matches('^[0-9]{1,18}$'))"
                + " : (!has(e.values) || size(e.values) == 0))",
        message =
            "spec.scheduling.affinity: In and NotIn need values, Gt and Lt one integer, Exists and DoesNotExist none")
    @JsonPropertyDescription("Node label expressions.")
    public List<NodeExpression> matchExpressions;

    @Size(max = 16)
    @ValidationRule(
        value = "self.all(e, has(e.values) && size(e.values) == 1)",
        message = "spec.scheduling.affinity: a matchFields expression takes exactly one value")
    @JsonPropertyDescription("Node field expressions (metadata.name).")
    public List<FieldExpression> matchFields;

    private NodeSelectorTerm() {}
  }

  /** Schema only: NodeSelectorRequirement on labels. */
  public static final class NodeExpression {
    @Required
    @Size(max = 253)
    @Pattern(Syntax.QUALIFIED_NAME)
    @JsonPropertyDescription("Node label key.")
    public String key;

    @Required
    @Pattern("^(In|NotIn|Exists|DoesNotExist|Gt|Lt)$")
    @JsonPropertyDescription("In, NotIn, Exists, DoesNotExist, Gt or Lt.")
    public String operator;

    @Size(max = 32)
    @JsonPropertyDescription("Values.")
    public List<@Size(max = 63) @Pattern(Syntax.LABEL_VALUE_OR_EMPTY) String> values;

    private NodeExpression() {}
  }

  /** Schema only: NodeSelectorRequirement on fields. */
  public static final class FieldExpression {
    @Required
    @Pattern("^metadata[.]name$")
    @JsonPropertyDescription("metadata.name.")
    public String key;

    @Required
    @Pattern("^(In|NotIn)$")
    @JsonPropertyDescription("In or NotIn.")
    public String operator;

    @Size(max = 1)
    @JsonPropertyDescription("One node name.")
    public List<@Size(max = 253) @Pattern(Syntax.DNS_SUBDOMAIN) String> values;

    private FieldExpression() {}
  }

  /** Schema only: PodAffinity / PodAntiAffinity. */
  public static final class PodAffinity {
    @Size(max = 16)
    @JsonPropertyDescription("Terms the pods must satisfy.")
    public List<PodAffinityTerm> requiredDuringSchedulingIgnoredDuringExecution;

    @Size(max = 16)
    @JsonPropertyDescription("Weighted terms the pods should satisfy.")
    public List<PreferredPod> preferredDuringSchedulingIgnoredDuringExecution;

    private PodAffinity() {}
  }

  /** Schema only: WeightedPodAffinityTerm. */
  public static final class PreferredPod {
    @Required
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("1 to 100.")
    public Integer weight;

    @Required
    @JsonPropertyDescription("The term.")
    public PodAffinityTerm podAffinityTerm;

    private PreferredPod() {}
  }

  /** Schema only: PodAffinityTerm. */
  public static final class PodAffinityTerm {
    @JsonPropertyDescription("Pods, by label.")
    public PeerSchema.Selector labelSelector;

    @JsonPropertyDescription("Namespaces of those pods, by label.")
    public PeerSchema.Selector namespaceSelector;

    @Size(max = 16)
    @JsonPropertyDescription("Namespaces of those pods, by name.")
    public List<@Size(max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String> namespaces;

    @Required
    @Size(min = 1, max = 253)
    @Pattern(Syntax.QUALIFIED_NAME)
    @JsonPropertyDescription(
        "Node label that defines the topology domain, e.g. kubernetes.io/hostname.")
    public String topologyKey;

    private PodAffinityTerm() {}
  }
}
