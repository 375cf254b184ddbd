package io.vllmoperator.leader;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.ZonedDateTime;

/**
 * Gives the Lease up when a leader shuts down, so that a standby takes it at its next try instead
 * of waiting out the lease duration. What client-go's {@code ReleaseOnCancel} writes: no holder, a
 * lease of one second, renewed now. JOSDK's elector never releases (its releaseOnCancel is off), so
 * the graceful shutdown calls this once the elector has stopped renewing.
 *
 * <p>It is an update (PUT) of the Lease as just read: the API server refuses it if anyone wrote the
 * Lease in between, and it is the verb the chart's Role grants.
 */
public final class LeaseRelease {
  private LeaseRelease() {}

  /**
   * @return true if this process held the Lease and released it; false if it did not hold it
   */
  public static boolean release(
      KubernetesClient client, LeaderElectionSettings settings, Clock clock) {
    Lease lease =
        client.leases().inNamespace(settings.leaseNamespace()).withName(settings.leaseName()).get();
    if (lease == null
        || lease.getSpec() == null
        || !settings.identity().equals(lease.getSpec().getHolderIdentity())) {
      return false;
    }
    ZonedDateTime now = ZonedDateTime.now(clock);
    lease.getSpec().setHolderIdentity(null);
    lease.getSpec().setLeaseDurationSeconds(1);
    lease.getSpec().setAcquireTime(now);
    lease.getSpec().setRenewTime(now);
    client.resource(lease).update();
    return true;
  }
}
