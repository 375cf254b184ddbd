package io.vllmoperator;

import io.vllmoperator.cli.CrdCommand;
import io.vllmoperator.cli.RenderCommand;
import io.vllmoperator.cli.RunCommand;
import io.vllmoperator.logging.LogFormat;
import io.vllmoperator.logging.LogLevel;
import io.vllmoperator.logging.OperatorLogging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single jar's entry point: run, render, crd. */
@Command(
    name = "vllm-operator",
    mixinStandardHelpOptions = true,
    version = "vllm-operator 0.1.0",
    description = "Kubernetes operator for vLLM model servers.",
    subcommands = {
      RunCommand.class,
      RenderCommand.class,
      CrdCommand.class,
      CommandLine.HelpCommand.class
    })
public class VllmOperatorMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    OperatorLogging.routeJavaUtilLogging();
    // render and crd print YAML on stdout: their logs (stderr) are text, and only warnings.
    // `run` sets its own format and level from its flags.
    OperatorLogging.configure(LogFormat.TEXT, LogLevel.WARN);
    System.exit(new CommandLine(new VllmOperatorMain()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
