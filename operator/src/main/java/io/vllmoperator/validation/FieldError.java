package io.vllmoperator.validation;

/**
 * One refusal, worded as the Kubernetes API server words it, so `render` and `kubectl apply` print
 * the same line for the same mistake.
 *
 * @param path the field, e.g. spec.engine.dtype ("" for the object itself)
 * @param text the whole line, e.g. {@code spec.replicas: Invalid value: -1: ...}
 * @param blocking a wrong type or unsupported value, after which the API server skips CEL rules
 */
public record FieldError(String path, String text, boolean blocking) {
  static FieldError at(String path, String detail) {
    return new FieldError(path, prefix(path) + detail, false);
  }

  static FieldError blockingAt(String path, String detail) {
    return new FieldError(path, prefix(path) + detail, true);
  }

  private static String prefix(String path) {
    return (path.isEmpty() ? "<nil>" : path) + ": ";
  }

  @Override
  public String toString() {
    return text;
  }
}
