package io.vllmoperator.monitoring;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.List;
import java.util.Set;

/**
 * JOSDK's reconcile timer, one per controller instead of one per VllmDeployment. JOSDK tags the
 * timer with the resource's name and namespace and publishes 69 histogram buckets for each, so
 * 1,000 VllmDeployments were 72,000 series on /metrics (and never removed when a VllmDeployment was
 * deleted). Per-VllmDeployment reconcile counts stay: JOSDK's reconciliation counters keep their
 * names, and are cleaned up on delete.
 */
public final class ReconcileTimerPerController implements MeterFilter {
  /** The Micrometer names of JOSDK's reconcile timer and its success / failure counters. */
  static final String CONTROLLER_EXECUTION_PREFIX = "operator.sdk.controllers.execution.";

  static final Set<String> PER_RESOURCE_TAGS = Set.of("resource.name", "resource.namespace");

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith(CONTROLLER_EXECUTION_PREFIX)) {
      return id;
    }
    List<Tag> kept =
        id.getTags().stream().filter(t -> !PER_RESOURCE_TAGS.contains(t.getKey())).toList();
    return kept.size() == id.getTags().size() ? id : id.replaceTags(kept);
  }
}
