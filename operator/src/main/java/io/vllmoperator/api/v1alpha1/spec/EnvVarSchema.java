package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Schema only: the CRD shape of one spec.engine.env item, a bounded subset of the Kubernetes
 * EnvVar. The operator reads the field as fabric8's EnvVar; this class only says what the API
 * server admits, so every admitted variable is one the Deployment accepts too.
 */
public final class EnvVarSchema {
  @Required
  @Size(min = 1, max = 256)
  @Pattern("^[-._a-zA-Z][-._a-zA-Z0-9]*$")
  @JsonPropertyDescription(
      "Variable name: letters, digits, '_', '-' or '.', not starting with a digit.")
  public String name;

  @Size(max = 32768)
  @JsonPropertyDescription("Literal value. Mutually exclusive with valueFrom.")
  public String value;

  @JsonPropertyDescription("Value from a Secret, a ConfigMap or a field of the pod.")
  public Source valueFrom;

  private EnvVarSchema() {}

  /** Schema only: EnvVarSource without resourceFieldRef and fileKeyRef. */
  public static final class Source {
    @JsonPropertyDescription("A key of a Secret in the namespace.")
    public KeySelector secretKeyRef;

    @JsonPropertyDescription("A key of a ConfigMap in the namespace.")
    public KeySelector configMapKeyRef;

    @JsonPropertyDescription("A field of the pod.")
    public FieldSelector fieldRef;

    private Source() {}
  }

  /** Schema only: SecretKeySelector / ConfigMapKeySelector. */
  public static final class KeySelector {
    @Required
    @Size(min = 1, max = 253)
    @Pattern(Syntax.DNS_SUBDOMAIN)
    @JsonPropertyDescription("Name of the Secret or ConfigMap.")
    public String name;

    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[-._a-zA-Z0-9]+$")
    @JsonPropertyDescription("The key.")
    public String key;

    @JsonPropertyDescription("Whether the Secret or ConfigMap or its key may be missing.")
    public Boolean optional;

    private KeySelector() {}
  }

  /** Schema only: ObjectFieldSelector for the fields a container may read. */
  public static final class FieldSelector {
    @Pattern("^v1$")
    @JsonPropertyDescription("Version of the field path's schema: v1.")
    public String apiVersion;

    @Required
    @Pattern(
        "^(metadata[.](name|namespace|uid)|spec[.](nodeName|serviceAccountName)|status[.](hostIP|hostIPs|podIP|podIPs))$")
    @JsonPropertyDescription(
        "One of metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs.")
    public String fieldPath;

    private FieldSelector() {}
  }
}
