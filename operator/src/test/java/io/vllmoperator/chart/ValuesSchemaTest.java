package io.vllmoperator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * values.schema.json and values.yaml stay in step: every key of values.yaml is in the schema and
 * every key of the schema is in values.yaml (with its default and comment). Below a schema object
 * without {@code properties} (resources, affinity, ...) the content is free-form and not compared.
 */
class ValuesSchemaTest {
  private static final Path CHART = Helm.chart();

  @Test
  void everyValueHasASchemaAndEverySchemaPropertyAValue() throws IOException {
    JsonNode values = new YAMLMapper().readTree(CHART.resolve("values.yaml").toFile());
    JsonNode schema = new ObjectMapper().readTree(CHART.resolve("values.schema.json").toFile());

    Set<String> valueKeys = new TreeSet<>();
    Set<String> schemaKeys = new TreeSet<>();
    walk(values, schema, "", valueKeys, schemaKeys);

    assertThat(valueKeys).as("keys of values.yaml").isNotEmpty();
    assertThat(schemaKeys).as("properties of values.schema.json").isEqualTo(valueKeys);
  }

  /** Keys of both trees down to where the schema stops listing properties. */
  private static void walk(
      JsonNode values,
      JsonNode schema,
      String path,
      Set<String> valueKeys,
      Set<String> schemaKeys) {
    JsonNode properties = schema.path("properties");
    values.fieldNames().forEachRemaining(k -> valueKeys.add(path + k));
    properties.fieldNames().forEachRemaining(k -> schemaKeys.add(path + k));
    properties
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode value = values.path(e.getKey());
              if (value.isObject() && e.getValue().has("properties")) {
                walk(value, e.getValue(), path + e.getKey() + ".", valueKeys, schemaKeys);
              }
            });
  }

  @Test
  void theDefaultValuesPassTheSchema() {
    assertThat(Helm.template(List.of()).exitCode()).isZero();
  }

  /** Mistyped monitoring values are refused by the schema, naming the value. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "metrics.serviceMonitor.enabled=yes",
        "metrics.prometheusRule.enabled=on",
        "metrics.prometheusRule.labels=release",
        "metrics.prometheusRule.runbookBaseUrl=ftp://runbooks",
        "metrics.prometheusRule.unknown=1",
        "dashboards.enabled=1",
      })
  void mistypedValuesAreRefused(String set) {
    var result = Helm.template(List.of("--set-string", set));

    assertThat(result.exitCode()).as(result.errors()).isNotZero();
    assertThat(result.errors()).contains("values don't meet the specifications of the schema");
    String key = set.substring(set.lastIndexOf('.', set.indexOf('=')) + 1, set.indexOf('='));
    assertThat(result.errors()).contains(key);
  }
}
