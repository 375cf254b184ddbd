package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How a change of model, image or engine settings reaches the pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.maxSurge) || !has(self.maxUnavailable) || self.maxSurge > 0 || self.maxUnavailable > 0",
    message =
        "spec.rollout: maxSurge and maxUnavailable cannot both be 0 (the rollout could never make progress)")
@ValidationRule(
    value =
        "!has(self.progressDeadline) || !has(self.startupTimeout)"
            + " || !self.progressDeadline.matches('"
            + Syntax.BOUNDED_DURATION
            + "')"
            + " || !self.startupTimeout.matches('"
            + Syntax.BOUNDED_DURATION
            + "')"
            + " || self.progressDeadline == '' || self.startupTimeout == ''"
            + " || duration(self.progressDeadline) > duration(self.startupTimeout)",
    message = "spec.rollout.progressDeadline must be longer than spec.rollout.startupTimeout",
    fieldPath = ".progressDeadline")
@ValidationRule(
    value =
        "!has(self.startupTimeout) || !self.startupTimeout.matches('"
            + Syntax.BOUNDED_DURATION
            + "') || self.startupTimeout == ''"
            + " || (duration(self.startupTimeout) >= duration('1m')"
            + " && duration(self.startupTimeout) <= duration('24h'))",
    message = "spec.rollout.startupTimeout must be between 1m and 24h",
    fieldPath = ".startupTimeout")
@ValidationRule(
    value =
        "!has(self.progressDeadline) || !self.progressDeadline.matches('"
            + Syntax.BOUNDED_DURATION
            + "') || self.progressDeadline == ''"
            + " || (duration(self.progressDeadline) >= duration('2m')"
            + " && duration(self.progressDeadline) <= duration('48h'))",
    message = "spec.rollout.progressDeadline must be between 2m and 48h",
    fieldPath = ".progressDeadline")
public class RolloutSpec {
  @Default("1")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription(
      "Pods created above spec.replicas during a rollout, 0 to 100. Each needs GPUs of its own.")
  private Integer maxSurge;

  @Default("0")
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription(
      "Pods that may be unavailable during a rollout; at most spec.replicas (unless replicas is 0).")
  private Integer maxUnavailable;

  @Default("30m")
  @Pattern(Syntax.BOUNDED_DURATION)
  @Size(min = 2, max = 20)
  @JsonPropertyDescription(
      "Time a pod has to load the model and pass /health before it is restarted (startup probe budget), 1m to 24h, e.g. 30m.")
  private String startupTimeout;

  @Default("45m")
  @Pattern(Syntax.BOUNDED_DURATION)
  @Size(min = 2, max = 20)
  @JsonPropertyDescription(
      "Time a rollout may go without progress (a new pod scheduled or Ready) before it counts as failed and is rolled back, 2m to 48h and longer than startupTimeout, e.g. 45m.")
  private String progressDeadline;

  @Default("true")
  @JsonPropertyDescription("Roll back to the last revision that was Ready when a rollout fails.")
  private Boolean autoRollback;

  @Default("Wait")
  @JsonPropertyDescription(
      "What to do when a surge pod cannot get GPUs: Wait for capacity, or ReplaceOneAtATime (take one old pod down first).")
  private InsufficientGpuPolicy onInsufficientGpus;

  public Integer getMaxSurge() {
    return maxSurge;
  }

  public void setMaxSurge(Integer maxSurge) {
    this.maxSurge = maxSurge;
  }

  public Integer getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(Integer maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  public String getStartupTimeout() {
    return startupTimeout;
  }

  public void setStartupTimeout(String startupTimeout) {
    this.startupTimeout = startupTimeout;
  }

  public String getProgressDeadline() {
    return progressDeadline;
  }

  public void setProgressDeadline(String progressDeadline) {
    this.progressDeadline = progressDeadline;
  }

  public Boolean getAutoRollback() {
    return autoRollback;
  }

  public void setAutoRollback(Boolean autoRollback) {
    this.autoRollback = autoRollback;
  }

  public InsufficientGpuPolicy getOnInsufficientGpus() {
    return onInsufficientGpus;
  }

  public void setOnInsufficientGpus(InsufficientGpuPolicy onInsufficientGpus) {
    this.onInsufficientGpus = onInsufficientGpus;
  }
}
