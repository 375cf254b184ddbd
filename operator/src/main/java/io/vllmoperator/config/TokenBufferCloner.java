package io.vllmoperator.config;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.Cloner;

/**
 * Copies the VllmDeployment JOSDK hands to each reconcile, as JOSDK's own cloner does, but without
 * its two costs: that one writes the object to a JSON string and parses it back, and parses it
 * through the client's serialization, whose {@link LenientDeserializer} reads a tree first. This
 * one goes through Jackson's token buffer with fabric8's plain deserializer. A cached object is
 * either readable or already marked unreadable (spec null, the marker an annotation), so the plain
 * deserializer reads every one of them.
 */
final class TokenBufferCloner implements Cloner {
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @Override
  @SuppressWarnings("unchecked")
  public <R extends HasMetadata> R clone(R object) {
    return (R) serialization.convertValue(object, object.getClass());
  }
}
