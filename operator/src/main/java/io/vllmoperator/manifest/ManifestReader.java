package io.vllmoperator.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.validation.CrdSchema;
import io.vllmoperator.validation.SchemaValidator;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads VllmDeployments from multi-document YAML and admits each one exactly as the API server
 * would: defaults applied, CRD schema and CEL rules enforced.
 */
public final class ManifestReader {
  private static final String API_VERSION = VllmDeployment.GROUP + "/" + VllmDeployment.VERSION;

  private final SchemaValidator validator =
      new SchemaValidator(CrdSchema.get().openApiSchema(), CrdSchema.get().specReplicasPath());
  private final String defaultNamespace;

  public ManifestReader(String defaultNamespace) {
    this.defaultNamespace = defaultNamespace;
  }

  /**
   * The documents of a YAML stream as the JSON kubectl would send the API server (null for an empty
   * document); a {@link ManifestException} for YAML kubectl would refuse.
   */
  public static List<JsonNode> kubectlJson(Reader source, String sourceName) {
    try {
      return KubectlYaml.documents(source);
    } catch (KubectlYaml.YamlError e) {
      throw new ManifestException(sourceName + ": not valid YAML: " + e.getMessage(), e);
    }
  }

  public List<VllmDeployment> read(Reader source, String sourceName) {
    List<VllmDeployment> result = new ArrayList<>();
    List<JsonNode> documents = kubectlJson(source, sourceName);
    int index = 0;
    for (JsonNode document : documents) {
      index++;
      if (document == null || document.isNull()) {
        continue;
      }
      result.add(admit(document, sourceName + " document " + index));
    }
    if (result.isEmpty()) {
      throw new ManifestException(sourceName + ": no VllmDeployment found");
    }
    return result;
  }

  private VllmDeployment admit(JsonNode document, String where) {
    if (!document.isObject()) {
      throw new ManifestException(
          where + ": expected a Kubernetes object, got " + document.getNodeType());
    }
    String apiVersion = document.path("apiVersion").asText("");
    String kind = document.path("kind").asText("");
    if (!"VllmDeployment".equals(kind) || !API_VERSION.equals(apiVersion)) {
      throw new ManifestException(
          where
              + ": unknown kind \""
              + kind
              + "\" (apiVersion \""
              + apiVersion
              + "\"); expected kind VllmDeployment, apiVersion "
              + API_VERSION);
    }
    ObjectNode object = (ObjectNode) document.deepCopy();
    ObjectNode metadata =
        object.path("metadata").isObject()
            ? (ObjectNode) object.get("metadata")
            : object.putObject("metadata");
    if (metadata.path("name").asText("").isEmpty()) {
      throw new ManifestException(where + ": metadata.name: Required value");
    }
    if (metadata.path("namespace").asText("").isEmpty()) {
      metadata.put("namespace", defaultNamespace);
    }
    // A fresh object has generation 1 on the API server.
    metadata.put("generation", 1);
    ObjectNode admitted = validator.admit(object);
    try {
      return Serialization.jsonMapper().convertValue(admitted, VllmDeployment.class);
    } catch (IllegalArgumentException e) {
      // Cannot happen for an object the CRD admits; if it does, say so in one line.
      throw new ManifestException(
          where + ": admitted by the CRD but not readable as a VllmDeployment: " + oneLine(e), e);
    }
  }

  private static String oneLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
