package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * Schema only: the CRD shape of a NetworkPolicy peer in spec.networkPolicy, with the syntax the
 * NetworkPolicy itself requires. The operator reads the fields as fabric8's NetworkPolicyPeer.
 * ipBlock takes IPv4 CIDRs only: the API server's CIDR check has no exact regex for IPv6.
 */
@ValidationRule(
    value = "!has(self.ipBlock) || (!has(self.namespaceSelector) && !has(self.podSelector))",
    message = "spec.networkPolicy: a peer takes either ipBlock or selectors, not both")
@ValidationRule(
    value = "has(self.ipBlock) || has(self.namespaceSelector) || has(self.podSelector)",
    message = "spec.networkPolicy: a peer needs an ipBlock, a namespaceSelector or a podSelector")
public final class PeerSchema {
  static final String IPV4_CIDR =
      "^(0*(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}"
          + "0*(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])$";

  @JsonPropertyDescription("Namespaces, by label.")
  public Selector namespaceSelector;

  @JsonPropertyDescription("Pods, by label.")
  public Selector podSelector;

  @JsonPropertyDescription("An IPv4 range.")
  public IpBlock ipBlock;

  private PeerSchema() {}

  /** Schema only: a LabelSelector. */
  public static final class Selector {
    @Size(max = 32)
    @ValidationRule(
        value = Syntax.KEYS_ARE_QUALIFIED_NAMES,
        message = "spec.networkPolicy: each matchLabels key must be a label key")
    @JsonPropertyDescription("Labels to match exactly.")
    public Map<String, @Size(max = 63) @Pattern(Syntax.LABEL_VALUE_OR_EMPTY) String> matchLabels;

    @Size(max = 16)
    @ValidationRule(
        value =
            "self.all(e, e.operator in ['In', 'NotIn']"
                + " ? (has(e.values) && size(e.values) > 0)"
                + " : (!has(e.values) || size(e.values) == 0))",
        message = "spec.networkPolicy: In and NotIn need values; Exists and DoesNotExist take none")
    @JsonPropertyDescription("Label expressions.")
    public List<Expression> matchExpressions;

    private Selector() {}
  }

  /** Schema only: a LabelSelectorRequirement. */
  public static final class Expression {
    @Required
    @Size(max = 253)
    @Pattern(Syntax.QUALIFIED_NAME)
    @JsonPropertyDescription("Label key.")
    public String key;

    @Required
    @Pattern("^(In|NotIn|Exists|DoesNotExist)$")
    @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
    public String operator;

    @Size(max = 32)
    @JsonPropertyDescription("Label values, for In and NotIn.")
    public List<@Size(max = 63) @Pattern(Syntax.LABEL_VALUE_OR_EMPTY) String> values;

    private Expression() {}
  }

  /** Schema only: an IPBlock. */
  public static final class IpBlock {
    @Required
    @Pattern(IPV4_CIDR)
    @JsonPropertyDescription("IPv4 CIDR, e.g. 10.0.0.0/8.")
    public String cidr;

    @Size(max = 16)
    @JsonPropertyDescription("IPv4 CIDRs inside cidr to leave out.")
    public List<@Pattern(IPV4_CIDR) String> except;

    private IpBlock() {}
  }
}
