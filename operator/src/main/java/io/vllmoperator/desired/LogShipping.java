package io.vllmoperator.desired;

import io.vllmoperator.api.v1alpha1.VllmDeployment;
import java.util.Map;

/**
 * What the fleet log config (logging/ in the repository, shipped by the chart) reads from a vLLM
 * pod: the served model name, which is no valid label value (meta-llama/Llama-3.1-8B-Instruct), as
 * an annotation, and the opt-out as a label. Both come from the spec only, so they change only when
 * the spec does.
 */
public final class LogShipping {
  /** Becomes the `model` label of the shipped lines. */
  public static final String SERVED_MODEL_ANNOTATION = "vllm-operator.io/served-model-name";

  /**
   * Set to {@link #DISABLED} by spec.monitoring.logs.enabled: false; the config drops such pods.
   */
  public static final String LOGS_LABEL = "vllm-operator.io/logs";

  public static final String DISABLED = "disabled";

  private LogShipping() {}

  /** Absent unless the deployment opted out, so the default pod carries no extra label. */
  public static Map<String, String> podLabels(VllmDeployment vllm) {
    return MonitoringSettings.of(vllm).logs() ? Map.of() : Map.of(LOGS_LABEL, DISABLED);
  }

  public static Map<String, String> podAnnotations(VllmDeployment vllm) {
    return Map.of(SERVED_MODEL_ANNOTATION, Names.servedModel(vllm));
  }
}
