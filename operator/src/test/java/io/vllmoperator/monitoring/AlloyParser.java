package io.vllmoperator.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the subset of the Grafana Alloy syntax that logging/alloy/config.alloy uses
 * (blocks with optional labels, attributes, double-quoted strings with Go escapes, backtick raw
 * strings, lists, objects, references, function calls, "//" comments), written from the syntax
 * reference for the tests: what it cannot read fails. Alloy itself cannot be built here.
 */
final class AlloyParser {
  /** A parsed value: String (a literal), Ref, Call, List of values or Map of values. */
  record Ref(String path) {}

  /** A call of a standard library function, such as sys.env("LOKI_URL"). */
  record Call(String function, List<Object> arguments) {}

  record Block(String name, String label, Map<String, Object> attributes, List<Block> blocks) {
    List<Block> blocks(String blockName) {
      return blocks.stream().filter(b -> b.name.equals(blockName)).toList();
    }
  }

  private final String text;
  private int pos;

  private AlloyParser(String text) {
    this.text = text;
  }

  static List<Block> parse(String text) {
    AlloyParser parser = new AlloyParser(text);
    List<Block> blocks = new ArrayList<>();
    Map<String, Object> topLevel = new LinkedHashMap<>();
    parser.body(blocks, topLevel, true);
    if (!topLevel.isEmpty()) {
      throw new IllegalArgumentException("top-level attributes are not expected: " + topLevel);
    }
    return blocks;
  }

  private void body(List<Block> blocks, Map<String, Object> attributes, boolean topLevel) {
    while (true) {
      skipSpace();
      if (pos >= text.length()) {
        if (!topLevel) {
          throw error("unexpected end of file, missing '}'");
        }
        return;
      }
      if (text.charAt(pos) == '}') {
        if (topLevel) {
          throw error("unbalanced '}'");
        }
        pos++;
        return;
      }
      String name = dotted();
      skipSpace();
      char c = peek();
      if (c == '=') {
        pos++;
        if (name.contains(".")) {
          throw error("attribute names have no dots: " + name);
        }
        if (attributes.put(name, expr()) != null) {
          throw error("duplicate attribute " + name);
        }
        endOfLine();
      } else {
        String label = null;
        if (c == '"') {
          label = string();
          skipSpace();
        }
        expect('{');
        Map<String, Object> inner = new LinkedHashMap<>();
        List<Block> children = new ArrayList<>();
        body(children, inner, false);
        blocks.add(new Block(name, label, inner, children));
      }
    }
  }

  private Object expr() {
    skipSpace();
    char c = peek();
    if (c == '"' || c == '`') {
      return string();
    }
    if (c == '[') {
      pos++;
      List<Object> items = new ArrayList<>();
      skipSpace();
      while (peek() != ']') {
        items.add(expr());
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != ']') {
          throw error("expected ',' or ']'");
        }
      }
      pos++;
      return items;
    }
    if (c == '{') {
      pos++;
      Map<String, Object> entries = new LinkedHashMap<>();
      skipSpace();
      while (peek() != '}') {
        String key = peek() == '"' ? string() : identifier();
        skipSpace();
        expect('=');
        entries.put(key, expr());
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      pos++;
      return entries;
    }
    String name = dotted();
    if (pos < text.length() && text.charAt(pos) == '(') {
      pos++;
      List<Object> arguments = new ArrayList<>();
      skipSpace();
      while (peek() != ')') {
        arguments.add(expr());
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != ')') {
          throw error("expected ',' or ')'");
        }
      }
      pos++;
      return new Call(name, arguments);
    }
    return new Ref(name);
  }

  private String string() {
    if (peek() == '`') {
      // A raw string: no escapes, anything but a backtick.
      int end = text.indexOf('`', pos + 1);
      if (end < 0) {
        throw error("unterminated raw string");
      }
      String raw = text.substring(pos + 1, end);
      pos = end + 1;
      return raw;
    }
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length() || text.charAt(pos) == '\n') {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case 'x' -> {
          out.append((char) Integer.parseInt(text.substring(pos, pos + 2), 16));
          pos += 2;
        }
        default -> throw error("unknown escape \\" + e);
      }
    }
  }

  private String dotted() {
    StringBuilder name = new StringBuilder(identifier());
    while (peek() == '.') {
      pos++;
      name.append('.').append(identifier());
    }
    return name.toString();
  }

  private String identifier() {
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    if (start == pos || Character.isDigit(text.charAt(start))) {
      throw error("expected an identifier");
    }
    return text.substring(start, pos);
  }

  private void endOfLine() {
    while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
    if (pos < text.length() && text.charAt(pos) != '\n') {
      throw error("expected a line break after an attribute");
    }
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (text.startsWith("//", pos)) {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end of file");
    }
    return text.charAt(pos);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private IllegalArgumentException error(String message) {
    int line =
        (int) text.substring(0, Math.min(pos, text.length())).chars().filter(c -> c == '\n').count()
            + 1;
    return new IllegalArgumentException("line " + line + ": " + message);
  }
}
