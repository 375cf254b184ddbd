package io.vllmoperator.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.validation.CrdSchema;
import io.vllmoperator.validation.SchemaValidator;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads VllmDeployments from multi-document YAML and admits each one exactly as the API server
 * would: defaults applied, CRD schema and CEL rules enforced.
 */
public final class ManifestReader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String API_VERSION = VllmDeployment.GROUP + "/" + VllmDeployment.VERSION;

  private final SchemaValidator validator = new SchemaValidator(CrdSchema.get().openApiSchema());
  private final String defaultNamespace;

  public ManifestReader(String defaultNamespace) {
    this.defaultNamespace = defaultNamespace;
  }

  public List<VllmDeployment> read(Reader source, String sourceName) {
    List<VllmDeployment> result = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(source)) {
      int index = 0;
      while (documents.hasNextValue()) {
        JsonNode document = documents.nextValue();
        index++;
        if (document == null || document.isNull() || document.isMissingNode()) {
          continue;
        }
        result.add(admit(document, sourceName + " document " + index));
      }
    } catch (JsonProcessingException e) {
      throw new ManifestException(
          sourceName + ": not valid YAML: " + e.getOriginalMessage() + locate(e), e);
    } catch (IOException e) {
      throw new ManifestException(sourceName + ": cannot read: " + e.getMessage(), e);
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
    return Serialization.jsonMapper().convertValue(admitted, VllmDeployment.class);
  }

  private static String locate(JsonProcessingException e) {
    var location = e.getLocation();
    return location == null
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
