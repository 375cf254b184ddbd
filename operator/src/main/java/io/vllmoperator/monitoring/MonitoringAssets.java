package io.vllmoperator.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert rule template (alerts/vllm-alerts.yaml) and the Grafana dashboards (dashboards/*.json),
 * read once from the classpath, where operator/pom.xml copies them. Callers get deep copies, so the
 * loaded trees never change.
 */
public final class MonitoringAssets {
  /** File names of dashboards/ (the unit tests check this list against the folder). */
  public static final List<String> DASHBOARD_FILES =
      List.of("vllm-serving.json", "vllm-gpu.json", "vllm-rollouts.json");

  public static final String ALERT_TEMPLATE_FILE = "vllm-alerts.yaml";

  private static final String BASE = "monitoring/";

  private final ObjectNode alertTemplate;
  private final Map<String, ObjectNode> dashboards;

  private MonitoringAssets() {
    alertTemplate = read(new YAMLMapper(), BASE + "alerts/" + ALERT_TEMPLATE_FILE);
    Map<String, ObjectNode> loaded = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String file : DASHBOARD_FILES) {
      loaded.put(file, read(json, BASE + "dashboards/" + file));
    }
    dashboards = Map.copyOf(loaded);
  }

  private static final class Holder {
    private static final MonitoringAssets INSTANCE = new MonitoringAssets();
  }

  public static MonitoringAssets get() {
    return Holder.INSTANCE;
  }

  /** The rule file with its `${...}` placeholders, as parsed from YAML. */
  public ObjectNode alertTemplate() {
    return alertTemplate.deepCopy();
  }

  public ObjectNode dashboard(String file) {
    ObjectNode dashboard = dashboards.get(file);
    if (dashboard == null) {
      throw new IllegalArgumentException("no dashboard " + file + "; known: " + DASHBOARD_FILES);
    }
    return dashboard.deepCopy();
  }

  private static ObjectNode read(ObjectMapper mapper, String resource) {
    try (InputStream in = MonitoringAssets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + resource + " is missing");
      }
      JsonNode tree = mapper.readTree(in);
      if (!(tree instanceof ObjectNode object)) {
        throw new IllegalStateException(resource + " is not a JSON/YAML object");
      }
      return object;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
