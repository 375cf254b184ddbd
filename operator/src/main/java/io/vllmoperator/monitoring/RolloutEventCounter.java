package io.vllmoperator.monitoring;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rollout markers (started, succeeded, failed, rolled back) counted as the operator records their
 * Events, for the rollouts dashboard's annotations. In memory: a restart starts from 0, which
 * Prometheus' increase() reads as a counter reset.
 */
public final class RolloutEventCounter {
  /** The marker kinds, as the {@code event} label spells them. */
  public enum Kind {
    STARTED("started"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    ROLLED_BACK("rolled_back");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One counted series. */
  public record Key(String namespace, String name, Kind kind) {}

  private final Map<Key, AtomicLong> counts = new ConcurrentHashMap<>();

  public void record(String namespace, String name, Kind kind) {
    counts.computeIfAbsent(new Key(namespace, name, kind), k -> new AtomicLong()).incrementAndGet();
  }

  public long count(String namespace, String name, Kind kind) {
    AtomicLong count = counts.get(new Key(namespace, name, kind));
    return count == null ? 0 : count.get();
  }

  /** Forgets a deleted VllmDeployment, so its series disappear. */
  public void forget(String namespace, String name) {
    counts.keySet().removeIf(k -> k.namespace().equals(namespace) && k.name().equals(name));
  }
}
