package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;

/**
 * Who may reach the serving port. vLLM's API key guards only some routes (/v1 on 0.11; /v1, /v2,
 * /inference and /cohere on 0.33), so /invocations, /tokenize, /score, /pooling and /metrics stay
 * open to anyone who can connect, unless a NetworkPolicy says otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkPolicySpec {
  @Default("false")
  @JsonPropertyDescription(
      "Create a NetworkPolicy <name> that admits traffic to the serving port only from allowedClients and the Prometheus scraper. Needs a CNI that enforces NetworkPolicies.")
  private Boolean enabled;

  @Size(max = 32)
  @SchemaFrom(type = PeerSchema[].class)
  @JsonPropertyDescription(
      "Peers (namespaceSelector, podSelector, ipBlock) allowed to call the model server, as in a NetworkPolicy ingress rule. Empty: only the Prometheus scraper.")
  private List<NetworkPolicyPeer> allowedClients;

  @SchemaFrom(type = PeerSchema.class)
  @JsonPropertyDescription(
      "The Prometheus scraper's peer. Default: pods labelled app.kubernetes.io/name=prometheus (what prometheus-operator sets) in any namespace.")
  private NetworkPolicyPeer prometheus;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public List<NetworkPolicyPeer> getAllowedClients() {
    return allowedClients;
  }

  public void setAllowedClients(List<NetworkPolicyPeer> allowedClients) {
    this.allowedClients = allowedClients;
  }

  public NetworkPolicyPeer getPrometheus() {
    return prometheus;
  }

  public void setPrometheus(NetworkPolicyPeer prometheus) {
    this.prometheus = prometheus;
  }
}
