package io.vllmoperator.leader;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this process holds the Lease, and the writers outside JOSDK's controllers that may only
 * run while it does. JOSDK itself starts event processing (reconciles) only on the leader; anything
 * else that writes to the cluster is registered here with {@link #whileLeading} and started when
 * leadership begins. Leadership ends with the process (JOSDK exits on losing the Lease), so nothing
 * has to be stopped on a live handover.
 */
public final class Leadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final boolean elected;
  private final String identity;
  private final List<Supplier<? extends AutoCloseable>> leaderOnly = new ArrayList<>();
  private final List<AutoCloseable> running = new ArrayList<>();
  private boolean leading;
  private volatile String leader;

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

  /** Starts {@code service} now if this process leads, otherwise as soon as it does. */
  public synchronized void whileLeading(Supplier<? extends AutoCloseable> service) {
    leaderOnly.add(service);
    if (leading) {
      running.add(service.get());
    }
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

  private synchronized void startLeading() {
    LOG.info("{} acquired the lease: reconciling and writing from now on", identity);
    leading = true;
    leader = identity;
    for (var service : leaderOnly) {
      running.add(service.get());
    }
  }

  private synchronized void stopLeading() {
    LOG.warn("{} lost the lease: stopping its writers", identity);
    leading = false;
    closeRunning();
  }

  private void newLeader(String holder) {
    leader = holder;
    if (!identity.equals(holder)) {
      LOG.info("standby: {} holds the lease, {} waits", holder, identity);
    }
  }

  private void closeRunning() {
    for (var service : running) {
      try {
        service.close();
      } catch (Exception e) {
        LOG.warn("could not stop {}: {}", service, e.toString());
      }
    }
    running.clear();
  }

  @Override
  public synchronized void close() {
    closeRunning();
  }
}
