package io.vllmoperator.monitoring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small typed writer for the Grafana Alloy configuration syntax (neither YAML nor JSON): blocks
 * with an optional label, attributes, and the expressions the operator needs (strings, references
 * to component exports, lists and objects). Strings are always written as escaped literals and
 * names are checked, so no value can change the structure of the configuration.
 */
final class AlloyWriter {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern DOTTED =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  private static final String INDENT = "  ";

  private AlloyWriter() {}

  /** An expression on the right-hand side of an attribute. */
  sealed interface Expr permits Str, Ref, ListOf, ObjectOf {}

  /** A string literal. */
  record Str(String value) implements Expr {}

  /** A reference such as {@code loki.write.default.receiver}. */
  record Ref(String path) implements Expr {
    Ref {
      requireMatch(DOTTED, path, "reference");
    }
  }

  record ListOf(List<Expr> items) implements Expr {}

  /** An object literal; keys are written as identifiers or, if they are not, as strings. */
  record ObjectOf(Map<String, Expr> entries) implements Expr {}

  /** A statement of a body: an attribute, a nested block or a comment line. */
  sealed interface Statement permits Attribute, Block, Comment {}

  record Attribute(String name, Expr value) implements Statement {
    Attribute {
      requireMatch(IDENTIFIER, name, "attribute name");
    }
  }

  record Comment(String text) implements Statement {
    Comment {
      if (text.contains("\n") || text.contains("\r")) {
        throw new IllegalArgumentException("a comment is one line: " + text);
      }
    }
  }

  /** {@code name "label" { body }}; {@code label} may be null (e.g. {@code rule { ... }}). */
  record Block(String name, String label, List<Statement> body) implements Statement {
    Block {
      requireMatch(DOTTED, name, "block name");
      if (label != null) {
        requireMatch(IDENTIFIER, label, "block label");
      }
      body = List.copyOf(body);
    }
  }

  static Str str(String value) {
    return new Str(value);
  }

  static Ref ref(String first, String... more) {
    return new Ref(first + (more.length == 0 ? "" : "." + String.join(".", more)));
  }

  static ListOf list(Expr... items) {
    return new ListOf(List.of(items));
  }

  static ListOf strings(List<String> values) {
    return new ListOf(values.stream().<Expr>map(Str::new).toList());
  }

  static ObjectOf object(Map<String, String> stringValues) {
    Map<String, Expr> entries = new LinkedHashMap<>();
    stringValues.forEach((k, v) -> entries.put(k, new Str(v)));
    return new ObjectOf(entries);
  }

  static Attribute attr(String name, Expr value) {
    return new Attribute(name, value);
  }

  static Attribute attr(String name, String value) {
    return new Attribute(name, new Str(value));
  }

  static Block block(String name, String label, Statement... body) {
    return new Block(name, label, List.of(body));
  }

  static Block block(String name, Statement... body) {
    return new Block(name, null, List.of(body));
  }

  /** The whole file: top-level statements separated by blank lines. */
  static String write(List<Statement> statements) {
    StringBuilder out = new StringBuilder();
    Statement previous = null;
    for (Statement statement : statements) {
      if (previous != null && !(previous instanceof Comment)) {
        out.append('\n');
      }
      writeStatement(out, statement, 0, 0);
      previous = statement;
    }
    return out.toString();
  }

  private static void writeStatement(StringBuilder out, Statement statement, int depth, int pad) {
    String indent = INDENT.repeat(depth);
    if (statement instanceof Comment c) {
      out.append(indent).append("// ").append(c.text()).append('\n');
    } else if (statement instanceof Attribute a) {
      out.append(indent).append(a.name());
      out.append(" ".repeat(Math.max(0, pad - a.name().length())));
      out.append(" = ");
      writeExpr(out, a.value(), depth);
      out.append('\n');
    } else if (statement instanceof Block b) {
      out.append(indent).append(b.name());
      if (b.label() != null) {
        out.append(' ');
        quote(out, b.label());
      }
      if (b.body().isEmpty()) {
        out.append(" {}\n");
        return;
      }
      out.append(" {\n");
      writeBody(out, b.body(), depth + 1);
      out.append(indent).append("}\n");
    }
  }

  /** Consecutive attributes align their `=`, as `alloy fmt` does; blocks are set apart. */
  private static void writeBody(StringBuilder out, List<Statement> body, int depth) {
    for (int i = 0; i < body.size(); i++) {
      Statement statement = body.get(i);
      if (i > 0 && (statement instanceof Block || body.get(i - 1) instanceof Block)) {
        out.append('\n');
      }
      writeStatement(out, statement, depth, statement instanceof Attribute ? pad(body, i) : 0);
    }
  }

  private static int pad(List<Statement> body, int index) {
    int start = index;
    while (start > 0 && body.get(start - 1) instanceof Attribute) {
      start--;
    }
    int width = 0;
    for (int i = start; i < body.size() && body.get(i) instanceof Attribute a; i++) {
      width = Math.max(width, a.name().length());
    }
    return width;
  }

  private static void writeExpr(StringBuilder out, Expr expr, int depth) {
    if (expr instanceof Str s) {
      quote(out, s.value());
    } else if (expr instanceof Ref r) {
      out.append(r.path());
    } else if (expr instanceof ListOf l) {
      out.append('[');
      for (int i = 0; i < l.items().size(); i++) {
        out.append(i == 0 ? "" : ", ");
        writeExpr(out, l.items().get(i), depth);
      }
      out.append(']');
    } else if (expr instanceof ObjectOf o) {
      if (o.entries().isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      String inner = INDENT.repeat(depth + 1);
      int width = o.entries().keySet().stream().mapToInt(k -> key(k).length()).max().orElse(0);
      for (Map.Entry<String, Expr> entry : o.entries().entrySet()) {
        String key = key(entry.getKey());
        out.append(inner).append(key).append(" ".repeat(width - key.length())).append(" = ");
        writeExpr(out, entry.getValue(), depth + 1);
        out.append(",\n");
      }
      out.append(INDENT.repeat(depth)).append('}');
    }
  }

  private static String key(String key) {
    if (IDENTIFIER.matcher(key).matches()) {
      return key;
    }
    StringBuilder quoted = new StringBuilder();
    quote(quoted, key);
    return quoted.toString();
  }

  /** A double-quoted string literal with Go-style escapes, as the Alloy syntax defines them. */
  static void quote(StringBuilder out, String value) {
    out.append('"');
    value
        .codePoints()
        .forEach(
            c -> {
              if (c == '"') {
                out.append("\\\"");
              } else if (c == '\\') {
                out.append("\\\\");
              } else if (c == '\n') {
                out.append("\\n");
              } else if (c == '\r') {
                out.append("\\r");
              } else if (c == '\t') {
                out.append("\\t");
              } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    out.append('"');
  }

  private static void requireMatch(Pattern pattern, String value, String what) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid Alloy " + what + ": " + value);
    }
  }
}
