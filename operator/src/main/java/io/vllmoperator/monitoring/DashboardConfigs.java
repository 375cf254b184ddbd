package io.vllmoperator.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.desired.Names;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Grafana dashboards of one VllmDeployment: the shared dashboards/*.json with a per-deployment
 * uid and title, the namespace / deployment / model variables defaulting to this deployment and the
 * hidden threshold constants set to its alert thresholds.
 */
public final class DashboardConfigs {
  /** Grafana refuses longer dashboard uids. */
  public static final int MAX_UID_LENGTH = 40;

  private static final int HASH_HEX_CHARS = 10;

  /** Compact: a per-deployment copy costs etcd space for every deployment that asks for one. */
  private static final ObjectWriter COMPACT = new ObjectMapper().writer();

  private DashboardConfigs() {}

  /** ConfigMap data key to dashboard JSON, in the order of {@link MonitoringAssets}. */
  public static Map<String, String> of(VllmDeployment vllm) {
    Map<String, String> data = new LinkedHashMap<>();
    for (String file : MonitoringAssets.DASHBOARD_FILES) {
      data.put(dataKey(vllm, file), write(dashboard(vllm, file)));
    }
    return data;
  }

  /**
   * The file the Grafana sidecar writes. Unique per deployment: the sidecar puts every ConfigMap
   * key of a folder into one directory, so two deployments using "vllm-serving.json" would
   * overwrite each other. Namespaces contain no dots, so namespace.name.file cannot collide.
   */
  public static String dataKey(VllmDeployment vllm, String file) {
    return vllm.getMetadata().getNamespace() + "." + vllm.getMetadata().getName() + "." + file;
  }

  public static ObjectNode dashboard(VllmDeployment vllm, String file) {
    ObjectNode dashboard = MonitoringAssets.get().dashboard(file);
    String namespace = vllm.getMetadata().getNamespace();
    String name = vllm.getMetadata().getName();
    dashboard.put("uid", uid(dashboard.path("uid").asText(), namespace, name));
    dashboard.put("title", dashboard.path("title").asText() + " (" + namespace + "/" + name + ")");
    dashboard.putNull("id");

    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("namespace", namespace);
    defaults.put("deployment", Names.workload(vllm));
    defaults.put("model", Names.servedModel(vllm));
    Map<String, String> constants = Thresholds.of(vllm).byDashboardConstant();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String variableName = variable.path("name").asText();
      if (defaults.containsKey(variableName)) {
        select((ObjectNode) variable, defaults.get(variableName));
      } else if (constants.containsKey(variableName)) {
        ObjectNode constant = (ObjectNode) variable;
        constant.put("query", constants.get(variableName));
        select(constant, constants.get(variableName));
      }
    }
    return dashboard;
  }

  /** Base uid, "-", and a short hash of namespace/name: stable, unique, at most 40 characters. */
  public static String uid(String baseUid, String namespace, String name) {
    String uid = baseUid + "-" + ShortHash.of(namespace + "/" + name, HASH_HEX_CHARS);
    if (baseUid.isEmpty() || uid.length() > MAX_UID_LENGTH) {
      throw new IllegalStateException(
          "dashboard uid '" + baseUid + "' must be set and at most 29 characters long");
    }
    return uid;
  }

  public static String write(JsonNode dashboard) {
    try {
      return COMPACT.writeValueAsString(dashboard);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a dashboard", e);
    }
  }

  private static void select(ObjectNode variable, String value) {
    ObjectNode current = variable.putObject("current");
    current.put("selected", true).put("text", value).put("value", value);
    ArrayNode options = variable.putArray("options");
    options.addObject().put("selected", true).put("text", value).put("value", value);
  }
}
