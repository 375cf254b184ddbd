package io.vllmoperator.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vllmoperator.api.v1alpha1.VllmDeployment;
import io.vllmoperator.dependent.DesiredObjects;
import io.vllmoperator.manifest.ManifestException;
import io.vllmoperator.manifest.ManifestReader;
import io.vllmoperator.manifest.ManifestWriter;
import io.vllmoperator.validation.InvalidResourceException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints what the operator would create, without a cluster. */
@Command(
    name = "render",
    description =
        "Print, as multi-document YAML, every object the operator would create for the"
            + " VllmDeployment(s) in FILE. Invalid input is refused as the API server refuses it"
            + " (exit code 2).")
public class RenderCommand implements Callable<Integer> {
  static final int INVALID_INPUT = 2;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "Manifest with one or more VllmDeployments, or - for standard input.")
  String file;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "default",
      description = "Namespace for VllmDeployments that name none (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--no-prometheus-operator",
      description =
          "Render as for a cluster without the prometheus-operator CRDs: no ServiceMonitor,"
              + " PrometheusRule or AlertmanagerConfig (the operator skips them there).")
  boolean noPrometheusOperator;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<VllmDeployment> deployments;
    try (Reader reader = open()) {
      deployments = new ManifestReader(namespace).read(reader, "-".equals(file) ? "<stdin>" : file);
    } catch (NoSuchFileException e) {
      err.println("error: " + file + ": no such file");
      return INVALID_INPUT;
    } catch (IOException e) {
      err.println("error: " + file + ": " + e.getMessage());
      return INVALID_INPUT;
    } catch (ManifestException | InvalidResourceException e) {
      err.println("error: " + e.getMessage());
      return INVALID_INPUT;
    } catch (RuntimeException e) {
      // Whatever the input, one line and exit 2: never a stack trace.
      err.println("error: " + file + ": cannot read: " + oneLine(e));
      return INVALID_INPUT;
    }
    List<HasMetadata> objects = new ArrayList<>();
    try {
      deployments.forEach(vllm -> objects.addAll(DesiredObjects.of(vllm, !noPrometheusOperator)));
    } catch (RuntimeException e) {
      err.println("error: internal error rendering " + file + " (please report it): " + oneLine(e));
      return 1;
    }
    ManifestWriter.write(objects, out);
    out.flush();
    return 0;
  }

  private Reader open() throws IOException {
    if ("-".equals(file)) {
      return new InputStreamReader(System.in, StandardCharsets.UTF_8);
    }
    return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
  }

  private static String oneLine(Exception e) {
    String message = e.getClass().getSimpleName() + ": " + e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
