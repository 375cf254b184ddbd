package io.vllmoperator.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML into the JSON that kubectl sends the API server. kubectl converts YAML with
 * sigs.k8s.io/yaml, which decodes with go-yaml v2 (YAML 1.1) and encodes with encoding/json; the
 * API server then reads each JSON number as an int64 when it can, else as a float64. This class
 * follows each step: anchors and aliases; {@code <<} merge keys, which in go-yaml v2 overwrite the
 * keys before them; y/yes/on/n/no/off booleans; 0x, 0o, 0b, leading-zero octal and 1_000 integers;
 * 1e3 and 1.0 arriving as integers (Go's JSON writes an integral float without a point); 1e400 a
 * string; integers beyond int64 arriving as floats. SnakeYAML parses the syntax and resolves
 * anchors; the scalar typing is go-yaml's, not SnakeYAML's.
 */
final class KubectlYaml {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Pattern YAML_STYLE_FLOAT =
      Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  private static final Set<String> TRUE =
      Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
  private static final Set<String> FALSE =
      Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
  private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");
  private static final Set<String> NAN = Set.of(".nan", ".NaN", ".NAN");
  private static final Set<String> INF = Set.of(".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF");
  private static final Set<String> NEG_INF = Set.of("-.inf", "-.Inf", "-.INF");
  private static final String HINTS = "+-0123456789yYnNtTfFoO~.<";
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final Resolver SNAKE_RESOLVER = new Resolver();

  /** Input kubectl would refuse before sending anything. */
  static final class YamlError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    YamlError(String message) {
      super(message);
    }
  }

  private KubectlYaml() {}

  /** Every document of the stream, null for an empty one. */
  static List<JsonNode> documents(Reader source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true);
    Yaml yaml = new Yaml(options);
    List<JsonNode> result = new ArrayList<>();
    try {
      for (Node document : yaml.composeAll(source)) {
        result.add(document == null ? null : convert(document, new IdentityHashMap<>()));
      }
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark();
      throw new YamlError(
          "yaml: "
              + (mark == null ? "" : "line " + (mark.getLine() + 1) + ": ")
              + firstLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
    } catch (YAMLException e) {
      throw new YamlError("yaml: " + firstLine(e.getMessage()));
    }
    return result;
  }

  private static JsonNode convert(Node node, Map<Node, Boolean> visiting) {
    if (visiting.put(node, Boolean.TRUE) != null) {
      throw new YamlError("yaml: an alias refers to a node that contains it");
    }
    try {
      if (node instanceof ScalarNode scalar) {
        return scalar(scalar);
      }
      if (node instanceof SequenceNode sequence) {
        ArrayNode array = JSON.arrayNode();
        sequence.getValue().forEach(item -> array.add(convert(item, visiting)));
        return array;
      }
      ObjectNode object = JSON.objectNode();
      mapping((MappingNode) node, object, visiting);
      return object;
    } finally {
      visiting.remove(node);
    }
  }

  /** go-yaml v2's decoder.mapping: keys in order, a merge overwriting what came before it. */
  private static void mapping(MappingNode node, ObjectNode into, Map<Node, Boolean> visiting) {
    for (NodeTuple tuple : node.getValue()) {
      Node key = tuple.getKeyNode();
      if (key instanceof ScalarNode k && k.isPlain() && "<<".equals(k.getValue())) {
        merge(tuple.getValueNode(), into, visiting);
        continue;
      }
      into.set(key(convert(key, visiting)), convert(tuple.getValueNode(), visiting));
    }
  }

  private static void merge(Node value, ObjectNode into, Map<Node, Boolean> visiting) {
    if (value instanceof MappingNode map) {
      mapping(map, into, visiting);
    } else if (value instanceof SequenceNode sequence) {
      // Earlier maps take precedence: go-yaml v2 applies them last.
      List<Node> maps = sequence.getValue();
      for (int i = maps.size() - 1; i >= 0; i--) {
        if (!(maps.get(i) instanceof MappingNode map)) {
          throw new YamlError("yaml: map merge requires map or sequence of maps as the value");
        }
        mapping(map, into, visiting);
      }
    } else {
      throw new YamlError("yaml: map merge requires map or sequence of maps as the value");
    }
  }

  /** sigs.k8s.io/yaml turns non-string keys into strings. */
  private static String key(JsonNode key) {
    if (key.isTextual()) {
      return key.textValue();
    }
    if (key.isNull()) {
      return "null";
    }
    if (key.isContainerNode()) {
      throw new YamlError("error converting YAML to JSON: unsupported map key " + key);
    }
    return key.asText();
  }

  private static JsonNode scalar(ScalarNode scalar) {
    String text = scalar.getValue();
    if (!scalar.isPlain()) {
      return JSON.textNode(text);
    }
    Tag implicit = SNAKE_RESOLVER.resolve(org.yaml.snakeyaml.nodes.NodeId.scalar, text, true);
    Tag tag = scalar.getTag();
    if (!tag.equals(implicit)) {
      // An explicit tag: !!str keeps the text; others are read as their text resolves.
      if (Tag.STR.equals(tag) || Tag.BINARY.equals(tag)) {
        return JSON.textNode(text);
      }
    }
    return resolvePlain(text);
  }

  /** go-yaml v2's resolve() for a plain scalar, then through Go's JSON and the API server. */
  static JsonNode resolvePlain(String in) {
    char hint = in.isEmpty() ? 'N' : in.charAt(0);
    if (in.isEmpty() || HINTS.indexOf(hint) >= 0) {
      if (TRUE.contains(in)) {
        return JSON.booleanNode(true);
      }
      if (FALSE.contains(in)) {
        return JSON.booleanNode(false);
      }
      if (NULL.contains(in)) {
        return JSON.nullNode();
      }
      if (NAN.contains(in) || INF.contains(in) || NEG_INF.contains(in)) {
        throw new YamlError(
            "error converting YAML to JSON: json: unsupported value: "
                + (NAN.contains(in) ? "NaN" : INF.contains(in) ? "+Inf" : "-Inf"));
      }
      if (hint == '.') {
        Double value = parseGoFloat(in);
        if (value != null) {
          return number(value);
        }
      } else if (hint == '+' || hint == '-' || Character.isDigit(hint)) {
        String plain = in.replace("_", "");
        BigInteger integer = parseGoInt(plain, true);
        if (integer != null
            && integer.compareTo(INT64_MIN) >= 0
            && integer.compareTo(INT64_MAX) <= 0) {
          return JSON.numberNode(integer.longValue());
        }
        BigInteger unsigned =
            plain.startsWith("+") || plain.startsWith("-") ? null : parseGoInt(plain, false);
        if (unsigned != null && unsigned.signum() >= 0 && unsigned.compareTo(UINT64_MAX) <= 0) {
          // An integer beyond int64 reaches the API server as a float64.
          return JSON.numberNode(unsigned.doubleValue());
        }
        if (YAML_STYLE_FLOAT.matcher(plain).matches()) {
          Double value = parseGoFloat(plain);
          if (value != null) {
            return number(value);
          }
        }
      }
    }
    return JSON.textNode(in);
  }

  /**
   * A float64 as the API server reads it back from Go's JSON: an integral value below 1e21 is
   * written without a point or exponent, so it arrives as an int64 if it fits one.
   */
  private static JsonNode number(double value) {
    double abs = Math.abs(value);
    if (value == Math.rint(value) && abs < 1e21) {
      BigInteger integral = new BigDecimal(value).toBigInteger();
      if (integral.compareTo(INT64_MIN) >= 0 && integral.compareTo(INT64_MAX) <= 0) {
        return JSON.numberNode(integral.longValue());
      }
    }
    return JSON.numberNode(value);
  }

  /**
   * strconv.ParseFloat for the decimal forms the YAML float pattern admits; null when out of range.
   */
  private static Double parseGoFloat(String text) {
    if (!YAML_STYLE_FLOAT.matcher(text).matches()) {
      return null;
    }
    double value = Double.parseDouble(text);
    return Double.isInfinite(value) ? null : value;
  }

  /** strconv.ParseInt(s, 0, 64) (signed) or ParseUint(s, 0, 64) syntax, without the range check. */
  private static BigInteger parseGoInt(String s, boolean signed) {
    String digits = s;
    boolean negative = false;
    if (signed && (digits.startsWith("+") || digits.startsWith("-"))) {
      negative = digits.startsWith("-");
      digits = digits.substring(1);
    }
    int radix = 10;
    if (digits.length() > 1 && digits.charAt(0) == '0') {
      char p = Character.toLowerCase(digits.charAt(1));
      if (p == 'x') {
        radix = 16;
        digits = digits.substring(2);
      } else if (p == 'o') {
        radix = 8;
        digits = digits.substring(2);
      } else if (p == 'b') {
        radix = 2;
        digits = digits.substring(2);
      } else {
        radix = 8;
        digits = digits.substring(1);
      }
    }
    final int base = radix;
    if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
      return null;
    }
    BigInteger value = new BigInteger(digits, base);
    return negative ? value.negate() : value;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "cannot parse";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }
}
