package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts core/v1 Events on a VllmDeployment, aggregated as kubelet does: the same type, reason and
 * message on the same object is one Event whose count and lastTimestamp grow (its name derives from
 * them, so this holds across operator restarts). A failure to record is logged, never fatal.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "vllm-operator";

  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void record(VllmDeployment vllm, StatusEvents.StatusEvent event, Instant now) {
    var meta = vllm.getMetadata();
    String name = name(vllm, event);
    var events = client.v1().events().inNamespace(meta.getNamespace());
    try {
      try {
        events.resource(newEvent(vllm, event, name, now)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        events
            .withName(name)
            .edit(
                existing -> {
                  int count = existing.getCount() == null ? 1 : existing.getCount();
                  existing.setCount(count + 1);
                  existing.setLastTimestamp(now.toString());
                  return existing;
                });
      }
    } catch (KubernetesClientException e) {
      LOG.warn(
          "{}/{}: could not record event {}: {}",
          meta.getNamespace(),
          meta.getName(),
          event.reason(),
          e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** {@code <object>.<hash of uid, type, reason, message>}: one Event per distinct message. */
  static String name(VllmDeployment vllm, StatusEvents.StatusEvent event) {
    String key =
        String.join(
            "\n",
            String.valueOf(vllm.getMetadata().getUid()),
            event.type(),
            event.reason(),
            event.message());
    return vllm.getMetadata().getName() + "." + sha256(key).substring(0, 16);
  }

  private static Event newEvent(
      VllmDeployment vllm, StatusEvents.StatusEvent event, String name, Instant now) {
    var meta = vllm.getMetadata();
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(meta.getNamespace())
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(vllm.getApiVersion())
                .withKind(vllm.getKind())
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .build())
        .withType(event.type())
        .withReason(event.reason())
        .withMessage(event.message())
        .withFirstTimestamp(now.toString())
        .withLastTimestamp(now.toString())
        .withCount(1)
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .build();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
