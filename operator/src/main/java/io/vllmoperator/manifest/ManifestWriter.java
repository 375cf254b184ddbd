package io.vllmoperator.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/** Writes Kubernetes objects as multi-document YAML, the way kubectl reads it. */
public final class ManifestWriter {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              // Multi-line strings (alert expressions, dashboards, log configs) stay readable.
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .build());

  private ManifestWriter() {}

  public static void write(List<? extends HasMetadata> objects, Writer out) {
    try (SequenceWriter documents = YAML.writer().writeValues(out)) {
      for (HasMetadata object : objects) {
        documents.write(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
