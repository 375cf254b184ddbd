package io.vllmoperator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vllmoperator.TestManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the Argo CD health check (docs/argocd/vllmdeployment-health.lua) the way Argo CD does: the
 * object as the global {@code obj}, the returned table read back. Lua 5.4 (Debian's lua5.4) always;
 * gopher-lua's glua, the interpreter Argo CD embeds, as well when it has been built.
 */
public final class ArgoCdHealth {
  public static final Path SCRIPT =
      TestManifests.repoRoot().resolve("docs/argocd/vllmdeployment-health.lua");
  private static final Path GLUA =
      Path.of(
          System.getProperty(
              "vllm.glua",
              Path.of(System.getProperty("user.home"), ".cache/vllm-operator/glua/glua")
                  .toString()));

  /** Health status and message. */
  public record Verdict(String status, String message) {}

  private ArgoCdHealth() {}

  /** The verdict of every interpreter here on {@code object}; they must agree. */
  public static Verdict of(JsonNode object) throws IOException {
    List<Verdict> verdicts = new ArrayList<>();
    for (Path lua : interpreters()) {
      List<String> result = run(lua, object);
      verdicts.add(new Verdict(result.get(0), result.get(1)));
    }
    assertThat(verdicts)
        .as("the same verdict from " + interpreters())
        .containsOnly(verdicts.get(0));
    return verdicts.get(0);
  }

  static List<Path> interpreters() {
    List<Path> found = new ArrayList<>(List.of(Tools.require("lua5.4", "lua5.4")));
    if (Files.isExecutable(GLUA)) {
      found.add(GLUA);
    }
    return found;
  }

  /** [status, message] as the script returned them. */
  static List<String> run(Path lua, JsonNode object) throws IOException {
    Path dir = Files.createTempDirectory("argocd-health-");
    try {
      Path chunk = dir.resolve("check.lua");
      Files.writeString(
          chunk,
          "obj = "
              + LuaLiteral.of(object)
              + "\nlocal hs = (function()\n"
              + Files.readString(SCRIPT)
              + "\nend)()\nio.write(hs.status, \"\\n\", hs.message or \"\", \"\\n\")\n");
      var result = Tools.run(Duration.ofSeconds(30), dir, List.of(lua.toString(), "check.lua"));
      assertThat(result.exitCode()).as(result.output()).isZero();
      return List.of(result.output().split("\n", -1)).subList(0, 2);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A JSON tree as a Lua table constructor: what Argo CD hands the script as {@code obj}. */
  static final class LuaLiteral {
    private LuaLiteral() {}

    static String of(JsonNode node) {
      if (node.isObject()) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          fields.add("[" + string(field.getKey()) + "]=" + of(field.getValue()));
        }
        return "{" + String.join(",", fields) + "}";
      }
      if (node.isArray()) {
        List<String> items = new ArrayList<>();
        node.forEach(item -> items.add(of(item)));
        return "{" + String.join(",", items) + "}";
      }
      if (node.isTextual()) {
        return string(node.asText());
      }
      if (node.isNull() || node.isMissingNode()) {
        return "nil";
      }
      return node.asText();
    }

    private static String string(String value) {
      return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
  }
}
