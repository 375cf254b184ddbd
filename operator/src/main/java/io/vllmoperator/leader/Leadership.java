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
 * nothing else has to wait for leadership.
 *
 * <p>Leadership ends with the process. A leader that loses the Lease (it could not renew in time)
 * exits at once, so that two replicas never write at once; the pod restarts as a standby. A leader
 * that stops leading because it shuts down ({@link #beginShutdown}) does not: the graceful shutdown
 * finishes its reconciles and releases the Lease.
 */
public final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final boolean elected;
  private final String identity;
  private final Runnable exitOnLoss;
  private boolean leading;
  private volatile String leader;
  private volatile boolean shuttingDown;
  private volatile boolean lost;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();

  private Leadership(boolean elected, String identity, boolean leading, Runnable exitOnLoss) {
    this.elected = elected;
    this.identity = identity;
    this.leading = leading;
    this.leader = leading ? identity : null;
    this.exitOnLoss = exitOnLoss;
  }

  /**
   * What {@code vllm-operator run} does when the Lease is lost: exit with code 1. From a thread of
   * its own: System.exit waits for the shutdown hooks, and they call into this class.
   */
  public static final Runnable EXIT_PROCESS =
      () -> new Thread(() -> System.exit(1), "lease-lost-exit").start();

  /**
   * Leader election is on: nothing runs until the Lease is acquired; {@code onLoss} runs when the
   * Lease is lost other than by a shutdown ({@link #EXIT_PROCESS} in the operator).
   */
  public static Leadership elected(String identity, Runnable onLoss) {
    return new Leadership(true, identity, false, onLoss);
  }

  /** Leader election is off: this process is the only one, and leads from the start. */
  public static Leadership sole() {
    return new Leadership(false, "", true, () -> {});
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

  /** The process is stopping: the end of leadership that follows is expected, not a loss. */
  public void beginShutdown() {
    shuttingDown = true;
  }

  public boolean isShuttingDown() {
    return shuttingDown;
  }

  /** The Lease was lost while running: the process is exiting without a graceful shutdown. */
  public boolean isLost() {
    return lost;
  }

  private synchronized void startLeading() {
    LOG.info("{} acquired the lease: reconciling and writing from now on", identity);
    leading = true;
    leader = identity;
    listeners.forEach(l -> l.accept(true));
  }

  private void stopLeading() {
    synchronized (this) {
      leading = false;
      listeners.forEach(l -> l.accept(false));
      if (shuttingDown) {
        LOG.info("{} stopped leading: shutting down", identity);
        return;
      }
      lost = true;
      LOG.warn(
          "{} lost the lease: exiting, so that two replicas never write at once (the pod"
              + " restarts as a standby)",
          identity);
    }
    exitOnLoss.run();
  }

  private void newLeader(String holder) {
    leader = holder;
    if (!identity.equals(holder)) {
      LOG.info("standby: {} holds the lease, {} waits", holder, identity);
    }
  }
}
