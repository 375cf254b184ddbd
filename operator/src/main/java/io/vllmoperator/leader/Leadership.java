package io.vllmoperator.leader;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this process holds the Lease, for /readyz and the leader metric. JOSDK starts event
 * processing (reconciles) only on the leader, and every writer of the process runs under JOSDK, so
 * nothing else has to wait for leadership. Leadership ends with the process (JOSDK exits on losing
 * the Lease).
 */
public final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final boolean elected;
  private final String identity;
  private boolean leading;
  private volatile String leader;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();

  private Leadership(boolean elected, String identity, boolean leading) {
    this.elected = elected;
    this.identity = identity;
    this.leading = leading;
    this.leader = leading ? identity : null;
  }

  /** Leader election is on: nothing runs until the Lease is acquired. */
  public static Leadership elected(String identity) {
    return new Leadership(true, identity, false);
  }

  /** Leader election is off: this process is the only one, and leads from the start. */
  public static Leadership sole() {
    return new Leadership(false, "", true);
  }

  /** For JOSDK's LeaderElectionConfiguration; JOSDK calls these before its own handlers. */
  public LeaderCallbacks callbacks() {
    return new LeaderCallbacks(this::startLeading, this::stopLeading, this::newLeader);
  }

  public boolean isElected() {
    return elected;
  }

  public synchronized boolean isLeading() {
    return leading;
  }

  /** The current holder of the Lease, as last seen; empty before the first election. */
  public Optional<String> leader() {
    return Optional.ofNullable(leader);
  }

  public String identity() {
    return identity;
  }

  /** Told true when this process starts leading (at once if it leads now), false when it stops. */
  public synchronized void onChange(Consumer<Boolean> listener) {
    listeners.add(listener);
    if (leading) {
      listener.accept(true);
    }
  }

  private synchronized void startLeading() {
    LOG.info("{} acquired the lease: reconciling and writing from now on", identity);
    leading = true;
    leader = identity;
    listeners.forEach(l -> l.accept(true));
  }

  private synchronized void stopLeading() {
    LOG.warn("{} lost the lease: it stops reconciling", identity);
    leading = false;
    listeners.forEach(l -> l.accept(false));
  }

  private void newLeader(String holder) {
    leader = holder;
    if (!identity.equals(holder)) {
      LOG.info("standby: {} holds the lease, {} waits", holder, identity);
    }
  }
}
