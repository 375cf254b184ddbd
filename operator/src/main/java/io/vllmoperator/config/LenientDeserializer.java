package io.vllmoperator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.api.v1alpha1.VllmDeploymentStatus;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Reads a VllmDeployment that the Java types cannot hold without failing: the spec becomes null and
 * {@link UnreadableResource} says which field and why; an unreadable status is dropped (the
 * operator rebuilds status anyway). Every other type deserializes as before. Without this, one such
 * object makes fabric8 stop the informer and JOSDK exit the process, on every restart.
 */
final class LenientDeserializer extends DelegatingDeserializer {
  private static final int MAX_PROBLEM = 300;

  private LenientDeserializer(JsonDeserializer<?> delegate) {
    super(delegate);
  }

  /** The client serialization the operator uses: fabric8's, with this deserializer added. */
  static KubernetesSerialization serialization() {
    var module =
        new SimpleModule("vllm-operator-lenient")
            .setDeserializerModifier(
                new BeanDeserializerModifier() {
                  @Override
                  public JsonDeserializer<?> modifyDeserializer(
                      DeserializationConfig config,
                      BeanDescription description,
                      JsonDeserializer<?> deserializer) {
                    return description.getBeanClass() == VllmDeployment.class
                        ? new LenientDeserializer(deserializer)
                        : deserializer;
                  }
                });
    return new KubernetesSerialization(new ObjectMapper().registerModule(module), true);
  }

  @Override
  protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
    return new LenientDeserializer(delegate);
  }

  @Override
  public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    JsonNode tree = context.readTree(parser);
    try {
      return read(tree, parser, context);
    } catch (JsonProcessingException wholeObject) {
      if (!(tree instanceof ObjectNode object)) {
        throw wholeObject;
      }
      ObjectNode withoutStatus = object.deepCopy();
      withoutStatus.remove("status");
      try {
        // Only the status is unreadable: drop it, the next reconcile writes a fresh one.
        return read(withoutStatus, parser, context);
      } catch (JsonProcessingException spec) {
        return unreadable(object, problem(spec), parser, context);
      }
    }
  }

  private Object read(JsonNode tree, JsonParser parser, DeserializationContext context)
      throws IOException {
    try (JsonParser nodes = tree.traverse(parser.getCodec())) {
      nodes.nextToken();
      return _delegatee.deserialize(nodes, context);
    }
  }

  private VllmDeployment unreadable(
      ObjectNode object, String problem, JsonParser parser, DeserializationContext context)
      throws IOException {
    var vllm = new VllmDeployment();
    vllm.setMetadata(metadata(object.get("metadata"), parser, context));
    JsonNode status = object.get("status");
    if (status != null) {
      try (JsonParser nodes = status.traverse(parser.getCodec())) {
        nodes.nextToken();
        vllm.setStatus(context.readValue(nodes, VllmDeploymentStatus.class));
      } catch (JsonProcessingException e) {
        vllm.setStatus(null);
      }
    }
    UnreadableResource.mark(vllm, problem);
    return vllm;
  }

  /** The API server validates metadata, so this reads; the fallback keeps the informer's key. */
  private static ObjectMeta metadata(
      JsonNode metadata, JsonParser parser, DeserializationContext context) throws IOException {
    if (metadata == null) {
      return new ObjectMeta();
    }
    try (JsonParser nodes = metadata.traverse(parser.getCodec())) {
      nodes.nextToken();
      return context.readValue(nodes, ObjectMeta.class);
    } catch (JsonProcessingException e) {
      var fallback = new ObjectMeta();
      fallback.setName(metadata.path("name").asText(null));
      fallback.setNamespace(metadata.path("namespace").asText(null));
      fallback.setUid(metadata.path("uid").asText(null));
      fallback.setResourceVersion(metadata.path("resourceVersion").asText(null));
      return fallback;
    }
  }

  /** "spec.engine.maxModelLen: Numeric value (3000000000) out of range of int (...)". */
  static String problem(JsonProcessingException e) {
    String field =
        e instanceof JsonMappingException databind
            ? databind.getPath().stream()
                .map(
                    ref ->
                        ref.getFieldName() != null
                            ? ref.getFieldName()
                            : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[")
            : "";
    String message = e.getOriginalMessage();
    message =
        message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    // Jackson names Java types (`io.vllmoperator...Dtype`); users know the field, not the class.
    message = message.replaceAll("`(?:[\\w$]+\\.)+([\\w$]+)`", "$1");
    String problem = field.isEmpty() ? message : field + ": " + message;
    return problem.length() <= MAX_PROBLEM ? problem : problem.substring(0, MAX_PROBLEM) + "...";
  }
}
