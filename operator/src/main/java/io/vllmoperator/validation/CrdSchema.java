package io.vllmoperator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The generated VllmDeployment CRD, read from the classpath: the one source of validation. */
public final class CrdSchema {
  public static final String RESOURCE = "META-INF/fabric8/vllmdeployments.vllm-operator.io-v1.yml";
  private static final CrdSchema INSTANCE = load();

  private final JsonNode crd;

  private CrdSchema(JsonNode crd) {
    this.crd = crd;
  }

  public static CrdSchema get() {
    return INSTANCE;
  }

  /** openAPIV3Schema of the single served version. */
  public JsonNode openApiSchema() {
    return crd.path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
  }

  /** The scale subresource's spec replicas path, e.g. {@code .spec.replicas}, or null. */
  public String specReplicasPath() {
    JsonNode path =
        crd.path("spec")
            .path("versions")
            .path(0)
            .path("subresources")
            .path("scale")
            .path("specReplicasPath");
    return path.isTextual() ? path.asText() : null;
  }

  /** The CRD exactly as generated, for `vllm-operator crd`. */
  public static String text() {
    try (InputStream in = resource()) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CrdSchema load() {
    try (InputStream in = resource()) {
      return new CrdSchema(new ObjectMapper(new YAMLFactory()).readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource() {
    InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("CRD " + RESOURCE + " missing from the classpath");
    }
    return in;
  }
}
