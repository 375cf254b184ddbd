package io.vllmoperator.config;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.Optional;

/**
 * Marks a VllmDeployment whose spec could not be read into the Java types (a value out of range, a
 * type the CRD of an older or newer release allowed): the informer keeps it with its metadata and
 * this marker instead of the spec, so one such object never stops the informer. The marker is an
 * annotation on the in-memory copy only; the operator never writes a primary's metadata.
 */
public final class UnreadableResource {
  /** Annotation holding "field: problem" on the in-memory copy. */
  public static final String ANNOTATION = "vllm-operator.io/unreadable";

  private UnreadableResource() {}

  /** The problem, as "spec.engine.maxModelLen: Numeric value (...) out of range of int". */
  public static Optional<String> problem(HasMetadata resource) {
    var annotations = resource.getMetadata().getAnnotations();
    return annotations == null
        ? Optional.empty()
        : Optional.ofNullable(annotations.get(ANNOTATION));
  }

  public static boolean isReadable(HasMetadata resource) {
    return problem(resource).isEmpty();
  }

  static void mark(HasMetadata resource, String problem) {
    var annotations = resource.getMetadata().getAnnotations();
    var marked = annotations == null ? new HashMap<String, String>() : new HashMap<>(annotations);
    marked.put(ANNOTATION, problem);
    resource.getMetadata().setAnnotations(marked);
  }
}
