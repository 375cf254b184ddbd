package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reconcile error in words a user can act on: which object, and what the API server (or the
 * network) said, with the fields the API server named. Java types and stack traces stay out; they
 * go to the debug log.
 */
public record ReconcileFailure(String reason, String message, Set<String> dependents) {
  public static final String API_SERVER_REFUSED = "ApiServerRefused";
  public static final String FORBIDDEN = "Forbidden";
  public static final String RESOURCE_TYPE_MISSING = "ResourceTypeMissing";
  public static final String API_SERVER_UNAVAILABLE = "ApiServerUnavailable";
  public static final String CONFLICT = "Conflict";
  public static final String RECONCILE_ERROR = "ReconcileError";
  public static final String UNREADABLE_SPEC = "UnreadableSpec";

  static final int MAX_MESSAGE = 1000;

  public ReconcileFailure(String reason, String message) {
    this(reason, message, Set.of());
  }

  /** The spec could not be read into the Java types (see config.UnreadableResource). */
  public static ReconcileFailure unreadableSpec(String problem) {
    return new ReconcileFailure(
        UNREADABLE_SPEC,
        "the spec cannot be read ("
            + problem
            + "); fix that field. Until then the operator leaves this deployment's objects as they"
            + " are");
  }

  public static ReconcileFailure of(VllmDeployment vllm, Exception error) {
    // JOSDK wraps the workflow's AggregatedOperatorException in an OperatorException.
    Map<String, Exception> byDependent =
        find(error, AggregatedOperatorException.class)
            .<Map<String, Exception>>map(a -> new TreeMap<>(a.getAggregatedExceptions()))
            .orElse(Map.of("", error));
    List<ReconcileFailure> parts = new ArrayList<>();
    byDependent.forEach((dependent, e) -> parts.add(explain(vllm, dependent, e)));
    var reasons = new LinkedHashSet<String>();
    var messages = new LinkedHashSet<String>();
    for (ReconcileFailure part : parts) {
      reasons.add(part.reason());
      messages.add(part.message());
    }
    String reason = reasons.size() == 1 ? reasons.iterator().next() : RECONCILE_ERROR;
    var dependents = new TreeSet<>(byDependent.keySet());
    dependents.remove("");
    return new ReconcileFailure(
        reason, truncate(String.join("; ", messages)), Set.copyOf(dependents));
  }

  private static ReconcileFailure explain(VllmDeployment vllm, String dependent, Throwable error) {
    Optional<KubernetesClientException> client = find(error, KubernetesClientException.class);
    if (client.isPresent() && client.get().getCode() > 0) {
      return fromApiServer(vllm, dependent, client.get());
    }
    Optional<IOException> io = find(error, IOException.class);
    if (io.isPresent() || client.isPresent()) {
      Throwable cause = io.isPresent() ? io.get() : client.get();
      return new ReconcileFailure(
          API_SERVER_UNAVAILABLE,
          "the Kubernetes API server could not be reached while reconciling "
              + what(dependent)
              + ": "
              + firstLine(rootCause(cause))
              + "; retrying");
    }
    return new ReconcileFailure(
        RECONCILE_ERROR,
        "reconciling "
            + what(dependent)
            + " failed: "
            + error.getClass().getSimpleName()
            + Optional.ofNullable(error.getMessage()).map(m -> ": " + firstLine(m)).orElse(""));
  }

  private static ReconcileFailure fromApiServer(
      VllmDeployment vllm, String dependent, KubernetesClientException e) {
    Status status = e.getStatus();
    String object = objectName(vllm, dependent, e, status);
    String said = apiServerSaid(status, e);
    return switch (e.getCode()) {
      case 400, 422 ->
          new ReconcileFailure(
              API_SERVER_REFUSED, "the API server refused " + object + ": " + said);
      case 401, 403 -> new ReconcileFailure(FORBIDDEN, object + " is forbidden: " + said);
      case 404 ->
          new ReconcileFailure(
              RESOURCE_TYPE_MISSING,
              object
                  + " cannot be written, its resource type is not served (CRD deleted?): "
                  + said);
      case 409 ->
          new ReconcileFailure(CONFLICT, object + " was changed concurrently; retrying: " + said);
      case 500, 502, 503, 504 ->
          new ReconcileFailure(
              API_SERVER_UNAVAILABLE,
              "the API server failed while writing "
                  + object
                  + " (HTTP "
                  + e.getCode()
                  + "): "
                  + said);
      default ->
          new ReconcileFailure(
              RECONCILE_ERROR, "writing " + object + " failed (HTTP " + e.getCode() + "): " + said);
    };
  }

  /** "Deployment llm/llama", from the API server's answer, else from the request. */
  private static String objectName(
      VllmDeployment vllm, String dependent, KubernetesClientException e, Status status) {
    String kind =
        status != null && status.getDetails() != null && status.getDetails().getKind() != null
            ? status.getDetails().getKind()
            : Optional.ofNullable(e.getResourcePlural()).orElse(dependent);
    String name =
        status != null && status.getDetails() != null && status.getDetails().getName() != null
            ? status.getDetails().getName()
            : e.getName();
    String namespace =
        Optional.ofNullable(e.getNamespace()).orElse(vllm.getMetadata().getNamespace());
    return (kind == null || kind.isEmpty() ? "an object" : kind)
        + (name == null ? "" : " " + namespace + "/" + name);
  }

  /** The causes' "field: message" when the API server named fields, else its message. */
  private static String apiServerSaid(Status status, KubernetesClientException e) {
    if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
      List<String> causes = new ArrayList<>();
      for (StatusCause cause : status.getDetails().getCauses()) {
        String field = cause.getField();
        String message = Optional.ofNullable(cause.getMessage()).orElse(cause.getReason());
        causes.add(field == null || field.isEmpty() ? message : field + ": " + message);
      }
      if (!causes.isEmpty()) {
        return String.join(", ", causes);
      }
    }
    if (status != null && status.getMessage() != null) {
      return firstLine(status.getMessage());
    }
    return firstLine(Optional.ofNullable(e.getMessage()).orElse("HTTP " + e.getCode()));
  }

  private static String what(String dependent) {
    return dependent.isEmpty() ? "the VllmDeployment" : "the " + dependent;
  }

  private static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  private static String rootCause(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return Optional.ofNullable(t.getMessage()).orElse(t.getClass().getSimpleName());
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("").strip();
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
  }
}
