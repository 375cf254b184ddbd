package io.vllmoperator.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real control plane of scripts/local-cluster (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok with fake GPU nodes), started once per test JVM and stopped when it exits. If it
 * cannot start, every test that needs it fails: it is never silently skipped.
 */
public final class LocalCluster implements TestCluster {
  private static LocalCluster instance;

  private final Path kubeconfig;
  private final Path binDir;
  private final Path stateDir;

  private LocalCluster(Path kubeconfig, Path binDir, Path stateDir) {
    this.kubeconfig = kubeconfig;
    this.binDir = binDir;
    this.stateDir = stateDir;
  }

  /**
   * The cluster, started on first use. Later calls check that every component still runs: a test
   * class after one that broke the control plane fails here, naming the component, instead of
   * timing out on a symptom.
   */
  public static synchronized LocalCluster get() {
    if (instance == null) {
      instance = start();
      LocalCluster started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "local-cluster-down"));
    } else {
      instance.requireAllComponentsRunning();
    }
    return instance;
  }

  /** The cluster if this JVM started it, for diagnosis in failure messages. */
  static synchronized Optional<LocalCluster> started() {
    return Optional.ofNullable(instance);
  }

  private void requireAllComponentsRunning() {
    Result status = status();
    if (status.exitCode() != 0) {
      throw new IllegalStateException(
          "the local control plane is not fully running:\n" + describe(status));
    }
  }

  /**
   * Which components run (scripts/local-cluster status) and the last log lines of any that do not.
   */
  String componentReport() {
    return describe(status());
  }

  private Result status() {
    return runWithEnv(
        List.of(
            "bash", TestManifests.repoRoot().resolve("scripts/local-cluster").toString(), "status"),
        "VLLM_CLUSTER_DIR",
        stateDir.toString(),
        Duration.ofMinutes(1));
  }

  private String describe(Result status) {
    StringBuilder report = new StringBuilder(status.output().strip());
    report.append("\nlogs: ").append(stateDir.resolve("logs"));
    for (String line : status.output().split("\n")) {
      if (line.contains(" STOPPED ")) {
        String component = line.strip().split("\\s+")[0];
        report.append("\n----- last lines of ").append(component).append(".log -----\n");
        report.append(logTail(component, 20));
      }
    }
    return report.toString();
  }

  private String logTail(String component, int lines) {
    Path log = stateDir.resolve("logs").resolve(component + ".log");
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public KubernetesClient newClient() {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client acting as the given ServiceAccount (the admin kubeconfig may impersonate). */
  public KubernetesClient newClientAs(String namespace, String serviceAccount) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      config.setImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount);
      config.setImpersonateGroups(
          "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs the cluster's helm against it; returns exit code and combined output. */
  public Result helm(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binDir.resolve("helm").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("HELM_CACHE_HOME", stateDir.resolve("helm/cache").toString());
    builder.environment().put("HELM_CONFIG_HOME", stateDir.resolve("helm/config").toString());
    builder.environment().put("HELM_DATA_HOME", stateDir.resolve("helm/data").toString());
    return exec(builder, "", Duration.ofMinutes(3));
  }

  @Override
  public Result kubectl(String stdin, String... args) {
    return kubectl(binDir, kubeconfig, stdin, args);
  }

  /** kubectl of the test binaries against any kubeconfig; stderr is merged into the output. */
  static Result kubectl(Path binDir, Path kubeconfig, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binDir.resolve("kubectl").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return exec(
        new ProcessBuilder(command).redirectErrorStream(true), stdin, Duration.ofMinutes(2));
  }

  private static LocalCluster start() {
    Path root = TestManifests.repoRoot();
    Path state =
        Path.of(
            System.getProperty(
                "vllm.cluster.dir", root.resolve("operator/target/test-cluster").toString()));
    Result testbin =
        run(
            List.of("bash", root.resolve("scripts/testbin").toString()),
            "",
            Duration.ofMinutes(60));
    if (testbin.exitCode() != 0) {
      throw new IllegalStateException("scripts/testbin failed:\n" + testbin.output());
    }
    Path bin = Path.of(lastLine(testbin.output())).resolve("bin");
    Result up =
        runWithEnv(
            List.of("bash", root.resolve("scripts/local-cluster").toString(), "up"),
            "VLLM_CLUSTER_DIR",
            state.toString(),
            Duration.ofMinutes(10));
    String export = lastLine(up.output());
    if (up.exitCode() != 0 || !export.startsWith("export KUBECONFIG=")) {
      new LocalCluster(null, bin, state).stop();
      throw new IllegalStateException(
          "the local control plane did not start (exit "
              + up.exitCode()
              + "; logs in "
              + state
              + "/logs):\n"
              + up.output());
    }
    return new LocalCluster(Path.of(export.substring("export KUBECONFIG=".length())), bin, state);
  }

  /** The directory scripts/testbin builds the binaries into (bin/, kwok-stages.yaml). */
  static Path testbinDir() {
    Result testbin =
        run(
            List.of("bash", TestManifests.repoRoot().resolve("scripts/testbin").toString()),
            "",
            Duration.ofMinutes(60));
    if (testbin.exitCode() != 0) {
      throw new IllegalStateException("scripts/testbin failed:\n" + testbin.output());
    }
    return Path.of(lastLine(testbin.output()));
  }

  /**
   * prometheus-operator's CRD of this plural (e.g. "servicemonitors") with its full schema, as
   * scripts/testbin extracted it from the prometheus-operator module. Apply it server-side.
   */
  public Path prometheusOperatorCrd(String plural) {
    Path file =
        binDir
            .getParent()
            .resolve("prometheus-operator-crds")
            .resolve("monitoring.coreos.com_" + plural + ".yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: scripts/testbin extracts it");
    }
    return file;
  }

  /**
   * kubectl's {@code -f} value for the prometheus-operator CRDs the operator creates objects of
   * (ServiceMonitor, PrometheusRule, AlertmanagerConfig), with their full schemas.
   */
  public String monitoringCrds() {
    return prometheusOperatorCrd("servicemonitors")
        + ","
        + prometheusOperatorCrd("prometheusrules")
        + ","
        + prometheusOperatorCrd("alertmanagerconfigs");
  }

  /** A binary that scripts/testbin built (kubectl, prometheus-operator, ...). */
  public Path binary(String name) {
    return binDir.resolve(name);
  }

  /** The admin kubeconfig, for processes started against this cluster. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Stops only kube-apiserver (etcd and the other components keep running). */
  public void stopApiServer() {
    script("stop-apiserver");
  }

  /**
   * Starts kube-apiserver again, waits for /readyz, and restarts the controllers and kwok, whose
   * watches would otherwise stay backed off for up to a minute (see scripts/local-cluster).
   */
  public void startApiServer() {
    script("start-apiserver");
  }

  private void script(String command) {
    Result result =
        runWithEnv(
            List.of(
                "bash",
                TestManifests.repoRoot().resolve("scripts/local-cluster").toString(),
                command),
            "VLLM_CLUSTER_DIR",
            stateDir.toString(),
            Duration.ofMinutes(3));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("local-cluster " + command + " failed:\n" + result.output());
    }
  }

  private void stop() {
    runWithEnv(
        List.of(
            "bash", TestManifests.repoRoot().resolve("scripts/local-cluster").toString(), "down"),
        "VLLM_CLUSTER_DIR",
        stateDir.toString(),
        Duration.ofMinutes(2));
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  static Result run(List<String> command, String stdin, Duration timeout) {
    return exec(new ProcessBuilder(command), stdin, timeout);
  }

  private static Result runWithEnv(
      List<String> command, String key, String value, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(key, value);
    return exec(builder, "", timeout);
  }

  /** Scripts: stdout is returned and stderr (progress) goes to the test output for diagnosis. */
  static Result exec(ProcessBuilder builder, String stdin, Duration timeout) {
    try {
      if (!builder.redirectErrorStream()) {
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
      }
      Process process = builder.start();
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + builder.command());
      }
      return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + builder.command(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
