package io.vllmoperator.rollout;

import io.vllmoperator.api.v1alpha1.status.Phase;

/** Where a VllmDeployment's rollout stands; each maps to one phase and one Progressing reason. */
public enum RolloutState {
  /** No Deployment yet. */
  CREATING(Phase.PENDING, "Creating", true),
  ROLLING_OUT(Phase.PROGRESSING, "RollingOut", true),
  /** A new pod cannot be scheduled for lack of GPUs, and the policy is Wait. */
  WAITING_FOR_GPUS(Phase.PROGRESSING, "InsufficientGpus", false),
  /** A new pod could not get GPUs; old pods are replaced one at a time instead of surging. */
  REPLACING_ONE_AT_A_TIME(Phase.PROGRESSING, "ReplacingOneAtATime", true),
  /** The pause annotation holds the Deployment where it is. */
  PAUSED(Phase.PROGRESSING, "Paused", false),
  ROLLING_BACK(Phase.ROLLING_BACK, "RollingBack", true),
  ROLLED_BACK(Phase.ROLLED_BACK, "RolledBack", false),
  /** The target failed and autoRollback is off: the rollout is stopped where it was. */
  HALTED(Phase.DEGRADED, "RolloutFailed", false),
  /** The target failed and there is no good revision to go back to. */
  FAILED(Phase.FAILED, "RolloutFailed", false),
  /** Every replica runs the target and is Ready. */
  STABLE(Phase.READY, "RolloutComplete", false),
  /** The target is proven good; replicas being added or replaced load within their budget. */
  SCALING(Phase.SCALING, "Scaling", true),
  /** The target is proven good, but a pod of it failed. */
  DEGRADED(Phase.DEGRADED, "RolloutComplete", false),
  SCALED_TO_ZERO(Phase.SCALED_TO_ZERO, "RolloutComplete", false);

  private final Phase phase;
  private final String reason;
  private final boolean progressing;

  RolloutState(Phase phase, String reason, boolean progressing) {
    this.phase = phase;
    this.reason = reason;
    this.progressing = progressing;
  }

  public Phase phase() {
    return phase;
  }

  /** The Progressing condition's reason (and status.rollout.reason). */
  public String reason() {
    return reason;
  }

  /** The Progressing condition's status. */
  public boolean progressing() {
    return progressing;
  }
}
