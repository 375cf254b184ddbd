package io.vllmoperator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;

/** Lists the core/v1 Events whose involvedObject is a claim (events.k8s.io ones included). */
public final class ClaimEventReader implements ClaimEvents.Reader {
  /** The volume controller aggregates repeats into one Event; a handful is all there is. */
  static final long LIMIT = 50;

  private final KubernetesClient client;

  public ClaimEventReader(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public List<Event> eventsOf(PersistentVolumeClaim claim) {
    var meta = claim.getMetadata();
    return client
        .v1()
        .events()
        .inNamespace(meta.getNamespace())
        .withField("involvedObject.kind", "PersistentVolumeClaim")
        .withField("involvedObject.name", meta.getName())
        .list(new ListOptionsBuilder().withLimit(LIMIT).build())
        .getItems()
        .stream()
        // Events of an earlier claim of the same name do not explain this one.
        .filter(
            e ->
                e.getInvolvedObject().getUid() == null
                    || Objects.equals(e.getInvolvedObject().getUid(), meta.getUid()))
        .toList();
  }
}
