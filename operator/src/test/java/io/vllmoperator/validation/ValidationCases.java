package io.vllmoperator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The invalid VllmDeployments of validation/invalid-specs.yaml, shared by every test tier. */
public final class ValidationCases {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One refused manifest and the line the API server refuses it with. */
  public record Case(String description, ObjectNode manifest, String expectedError) {
    @Override
    public String toString() {
      return description;
    }

    public String manifestYaml() {
      try {
        return YAML.writeValueAsString(manifest);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private ValidationCases() {}

  public static List<Case> invalid() {
    try (InputStream in =
        ValidationCases.class.getResourceAsStream("/validation/invalid-specs.yaml")) {
      JsonNode cases = YAML.readTree(in);
      List<Case> result = new ArrayList<>();
      int index = 0;
      for (JsonNode c : cases) {
        index++;
        ObjectNode manifest = YAML.createObjectNode();
        manifest.put("apiVersion", "vllm-operator.io/v1alpha1");
        manifest.put("kind", "VllmDeployment");
        manifest.putObject("metadata").put("name", c.path("name").asText("bad-" + index));
        manifest.set("spec", c.get("spec"));
        result.add(new Case(c.get("case").asText(), manifest, c.get("expect").asText()));
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
