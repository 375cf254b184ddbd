package io.vllmoperator.lifecycle;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.Controller;
import io.vllmoperator.leader.LeaderElectionSettings;
import io.vllmoperator.leader.Leadership;
import io.vllmoperator.leader.LeaseRelease;
import io.vllmoperator.logging.OperatorLogging;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code vllm-operator run} does on SIGTERM (a pod being deleted, drained or rolled), as a
 * shutdown hook:
 *
 * <ol>
 *   <li>stop taking work: no new reconcile starts ({@code /readyz} answers 503);
 *   <li>let the reconciles in flight finish, for up to {@code timeout}; the leader keeps renewing
 *       its Lease meanwhile;
 *   <li>stop JOSDK (informers, executors, the leader elector);
 *   <li>release the Lease if this process holds it and every reconcile finished, so a standby takes
 *       over at its next try (about the retry period) instead of after the lease duration. If a
 *       reconcile is still running after {@code timeout}, the Lease is left to expire: a standby
 *       must not start writing while this process might still write.
 * </ol>
 *
 * JOSDK's own shutdown hook is not used: it is not installed with leader election on, and
 * Operator.stop() stops renewing the Lease before it waits for reconciles.
 */
public final class GracefulShutdown {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

  /** How long the two calls of the release (get, update) may take before the process goes on. */
  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(5);

  private final Operator operator;
  private final Leadership leadership;
  private final Optional<LeaderElectionSettings> lease;
  private final Duration timeout;
  private final List<AutoCloseable> closeLast;

  /**
   * @param closeLast closed at the very end, in order (the HTTP server, the client)
   */
  public GracefulShutdown(
      Operator operator,
      Leadership leadership,
      Optional<LeaderElectionSettings> lease,
      Duration timeout,
      List<AutoCloseable> closeLast) {
    this.operator = operator;
    this.leadership = leadership;
    this.lease = lease;
    this.timeout = timeout;
    this.closeLast = List.copyOf(closeLast);
  }

  public void installHook() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::run, "graceful-shutdown"));
  }

  void run() {
    long started = System.nanoTime();
    try {
      if (leadership.isLost()) {
        // Another replica may hold the Lease already: nothing more is done or written.
        LOG.warn("exiting after losing the lease: reconciles in flight are not waited for");
        return;
      }
      LOG.info(
          "shutting down: no new reconciles; those in flight get up to {}s", timeout.toSeconds());
      leadership.beginShutdown();
      stopEventProcessing();
      boolean finished = awaitReconciles();
      operator.stop();
      lease.ifPresent(settings -> release(settings, finished));
      closeLast.forEach(GracefulShutdown::closeQuietly);
      LOG.info("stopped after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } catch (RuntimeException e) {
      LOG.error("graceful shutdown failed; exiting anyway", e);
    } finally {
      OperatorLogging.shutdown();
    }
  }

  /** JOSDK's own flag: events keep being recorded, but no reconcile is submitted or started. */
  private void stopEventProcessing() {
    for (var registered : operator.getRegisteredControllers()) {
      ((Controller<?>) registered).getEventProcessor().stop();
    }
  }

  private boolean awaitReconciles() {
    var reconciles =
        operator.getConfigurationService().getExecutorServiceManager().reconcileExecutorService();
    reconciles.shutdown();
    try {
      if (reconciles.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.warn(
        "reconciles still running after {}s: they are cut off, and the lease is left to expire",
        timeout.toSeconds());
    return false;
  }

  private void release(LeaderElectionSettings settings, boolean reconcilesFinished) {
    if (!reconcilesFinished) {
      return;
    }
    try {
      boolean released =
          CompletableFuture.supplyAsync(
                  () ->
                      LeaseRelease.release(
                          operator.getKubernetesClient(), settings, Clock.systemUTC()))
              .get(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (released) {
        LOG.info("released the lease {}: a standby takes over now", settings.leaseName());
      }
    } catch (TimeoutException e) {
      LOG.warn(
          "could not release the lease within {}s: it expires by itself",
          RELEASE_TIMEOUT.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("could not release the lease: it expires by itself: {}", e.toString());
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("could not close {}", closeable, e);
    }
  }
}
