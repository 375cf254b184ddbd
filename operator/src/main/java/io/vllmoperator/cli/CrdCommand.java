package io.vllmoperator.cli;

import io.vllmoperator.validation.CrdSchema;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

@Command(name = "crd", description = "Print the VllmDeployment CustomResourceDefinition.")
public class CrdCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(CrdSchema.text());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
