package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.vllmoperator.reconciler.VllmDeploymentReconciler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fields of the Deployment's pod template that another field manager owns: an env var added with
 * kubectl edit, a `kubectl rollout restart`, a mutating tool. Server-side apply leaves fields it
 * does not own alone, so such a change stays in the pods, and "all replicas run revision X" would
 * no longer be the whole truth. (A field both set gets taken back by the next apply, forced.) Pure:
 * reads only metadata.managedFields.
 */
public final class ForeignTemplateFields {
  public static final String REASON = "TemplateModifiedExternally";

  /** Enough to recognise the change; the rest is in the Deployment's managedFields. */
  static final int MAX_PATHS = 3;

  private static final int MAX_MESSAGE = 300;

  private ForeignTemplateFields() {}

  /** A finding naming each other manager and some of its fields under spec.template. */
  public static Optional<PodDiagnosis.Finding> of(Deployment deployment) {
    List<ManagedFieldsEntry> entries = deployment.getMetadata().getManagedFields();
    if (entries == null) {
      return Optional.empty();
    }
    Map<String, List<String>> byManager = new LinkedHashMap<>();
    for (ManagedFieldsEntry entry : entries) {
      if (ours(entry) || entry.getSubresource() != null && !entry.getSubresource().isEmpty()) {
        continue; // status and scale are not the pod template
      }
      List<String> paths = templatePaths(entry);
      if (!paths.isEmpty()) {
        byManager.computeIfAbsent(manager(entry), m -> new ArrayList<>()).addAll(paths);
      }
    }
    if (byManager.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    byManager.forEach(
        (manager, paths) ->
            parts.add(
                manager
                    + " ("
                    + String.join(", ", paths.subList(0, Math.min(MAX_PATHS, paths.size())))
                    + (paths.size() > MAX_PATHS ? ", ..." : "")
                    + ")"));
    String message =
        "the pod template of Deployment "
            + deployment.getMetadata().getName()
            + " was also changed by "
            + String.join(" and ", parts)
            + "; the pods run that change too. Put it in the VllmDeployment spec, or remove it"
            + " from the Deployment: the operator does not remove fields it does not own";
    // Set values ("v:") are data, not names: treated like any text shown to namespace readers.
    return Optional.of(new PodDiagnosis.Finding(REASON, bounded(SecretRedactor.redact(message))));
  }

  /** The rollout's message, saying it is not the whole story when another manager changed pods. */
  public static String qualify(String message, Optional<PodDiagnosis.Finding> foreign) {
    return foreign
        .map(f -> message + " (with changes by another field manager: see Degraded)")
        .orElse(message);
  }

  private static boolean ours(ManagedFieldsEntry entry) {
    return VllmDeploymentReconciler.FIELD_MANAGER.equals(entry.getManager());
  }

  private static String manager(ManagedFieldsEntry entry) {
    return entry.getManager() == null || entry.getManager().isEmpty()
        ? "an unnamed field manager"
        : entry.getManager();
  }

  @SuppressWarnings("unchecked")
  private static List<String> templatePaths(ManagedFieldsEntry entry) {
    if (entry.getFieldsV1() == null || entry.getFieldsV1().getAdditionalProperties() == null) {
      return List.of();
    }
    Object spec = entry.getFieldsV1().getAdditionalProperties().get("f:spec");
    Object template = spec instanceof Map<?, ?> m ? m.get("f:template") : null;
    List<String> paths = new ArrayList<>();
    if (template instanceof Map<?, ?> t) {
      leaves((Map<String, Object>) t, "spec.template", paths);
    }
    return paths;
  }

  /**
   * The owned fields, readable: "f:env" is a field, "k:{...}" a list item by key, "v:..." a set
   * value, "i:N" an index; "." marks an item the manager added as a whole, named as one path.
   */
  @SuppressWarnings("unchecked")
  private static void leaves(Map<String, Object> fields, String path, List<String> out) {
    if (fields.containsKey(".")) {
      out.add(path);
      return;
    }
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      String child = path + segment(field.getKey());
      if (field.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
        leaves((Map<String, Object>) nested, child, out);
      } else {
        out.add(child);
      }
    }
  }

  private static String segment(String key) {
    if (key.startsWith("f:")) {
      return "." + key.substring(2);
    }
    if (key.startsWith("k:")) {
      return "[" + key.substring(2).replaceAll("[{}\"]", "").replace(':', '=') + "]";
    }
    if (key.startsWith("v:") || key.startsWith("i:")) {
      return "[" + key.substring(2) + "]";
    }
    return "." + key;
  }

  private static String bounded(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
  }
}
