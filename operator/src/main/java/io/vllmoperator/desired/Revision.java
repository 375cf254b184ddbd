package io.vllmoperator.desired;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A short, stable name for a pod template: what rollouts and rollbacks talk about. It covers the
 * pod spec and the template's labels and annotations (except itself), because a change to any of
 * them makes the Deployment replace every pod: each such change is a revision, rolled out and
 * rolled back like one.
 */
public final class Revision {
  private Revision() {}

  public static String of(PodTemplateSpec template) {
    Map<String, Object> hashed = new LinkedHashMap<>();
    var metadata = template.getMetadata();
    // Sorted: the same labels in another order (as read back from the API server) are the same.
    hashed.put("labels", sorted(metadata == null ? null : metadata.getLabels()));
    Map<String, String> annotations = sorted(metadata == null ? null : metadata.getAnnotations());
    annotations.remove(VllmPodTemplate.REVISION_ANNOTATION);
    hashed.put("annotations", annotations);
    hashed.put("spec", template.getSpec());
    try {
      byte[] json = Serialization.asJson(hashed).getBytes(StandardCharsets.UTF_8);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    return map == null ? new TreeMap<>() : new TreeMap<>(map);
  }
}
