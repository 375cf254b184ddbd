package io.vllmoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A vLLM model server: GPU pods, their Service, and everything needed to watch them. */
@Group(VllmDeployment.GROUP)
@Version(VllmDeployment.VERSION)
@Kind("VllmDeployment")
@Plural("vllmdeployments")
@Singular("vllmdeployment")
@ShortNames("vllm")
@AdditionalPrinterColumn(name = "Model", jsonPath = ".spec.model.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".status.endpoint",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@ValidationRule(
    value =
        "size(self.metadata.name) <= 50 && !self.metadata.name.contains('.') && !("
            + "self.metadata.name.startsWith('0')"
            + " || self.metadata.name.startsWith('1')"
            + " || self.metadata.name.startsWith('2')"
            + " || self.metadata.name.startsWith('3')"
            + " || self.metadata.name.startsWith('4')"
            + " || self.metadata.name.startsWith('5')"
            + " || self.metadata.name.startsWith('6')"
            + " || self.metadata.name.startsWith('7')"
            + " || self.metadata.name.startsWith('8')"
            + " || self.metadata.name.startsWith('9')"
            + ")",
    message =
        "metadata.name must start with a letter, contain no '.', and be at most 50 characters"
            + " (it names the Service and the pods)")
public class VllmDeployment extends CustomResource<VllmDeploymentSpec, VllmDeploymentStatus>
    implements Namespaced {
  public static final String GROUP = "vllm-operator.io";
  public static final String VERSION = "v1alpha1";

  @Required
  @Override
  public VllmDeploymentSpec getSpec() {
    return super.getSpec();
  }
}
