package io.vllmoperator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Admits an object the way the apiextensions API server does for a CRD: prune nulls, apply schema
 * defaults, check the structural schema, then evaluate the x-kubernetes-validations CEL rules. It
 * reads the generated CRD only, so it cannot drift from what the cluster enforces.
 */
public final class SchemaValidator {
  private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");
  private static final String SKIPPED_RULES =
      "some validation rules were not checked because the object was invalid; correct the"
          + " existing errors to complete validation";

  private final JsonNode rootSchema;
  private final CelRuleEvaluator cel = new CelRuleEvaluator();

  private final String specReplicasPath;

  public SchemaValidator(JsonNode rootSchema) {
    this(rootSchema, null);
  }

  /** With the scale subresource's specReplicasPath, checked as the API server checks it. */
  public SchemaValidator(JsonNode rootSchema, String specReplicasPath) {
    this.rootSchema = rootSchema;
    this.specReplicasPath = specReplicasPath;
  }

  /** A defaulted copy of {@code object}, or the API server's refusal. */
  public ObjectNode admit(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    pruneNulls(copy);
    applyDefaults(copy, rootSchema);
    List<FieldError> errors = new ArrayList<>();
    checkName(copy.path("metadata").path("name"), errors);
    checkSchema(copy, rootSchema, "", true, errors);
    checkScaleReplicas(copy, errors);
    List<FieldError> unknown =
        errors.stream().filter(e -> e.text().startsWith("unknown field ")).toList();
    if (!unknown.isEmpty()) {
      // kubectl asks for strict field validation: the API server refuses unknown fields while
      // decoding, before any other check, and reports only them.
      throw new InvalidResourceException(
          copy.path("kind").asText("VllmDeployment"),
          copy.path("metadata").path("name").asText(""),
          unknown);
    }
    if (errors.stream().anyMatch(FieldError::blocking)) {
      errors.add(FieldError.at("", "Invalid value: null: " + SKIPPED_RULES));
    } else {
      checkRules(copy, rootSchema, "", errors);
    }
    if (!errors.isEmpty()) {
      throw new InvalidResourceException(
          copy.path("kind").asText("VllmDeployment"),
          copy.path("metadata").path("name").asText(""),
          errors);
    }
    return copy;
  }

  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** ObjectMeta validation of a custom resource's name: a DNS subdomain of at most 253. */
  private static void checkName(JsonNode name, List<FieldError> errors) {
    if (!name.isTextual() || name.asText().isEmpty()) {
      return;
    }
    String value = name.asText();
    String invalid = "Invalid value: " + quote(value) + ": ";
    if (value.length() > 253) {
      errors.add(FieldError.at("metadata.name", invalid + "must be no more than 253 characters"));
    }
    if (!DNS_SUBDOMAIN.matcher(value).matches()) {
      errors.add(
          FieldError.at(
              "metadata.name",
              invalid
                  + "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                  + " characters, '-' or '.', and must start and end with an alphanumeric"
                  + " character (e.g. 'example.com', regex used for validation is"
                  + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
    }
  }

  /** The scale subresource's check of spec replicas: an int64 in [0, 2^31-1]. */
  private void checkScaleReplicas(JsonNode object, List<FieldError> errors) {
    if (specReplicasPath == null) {
      return;
    }
    JsonNode value = object;
    for (String part : specReplicasPath.substring(1).split("\\.")) {
      value = value.path(part);
    }
    if (value.isMissingNode()) {
      return;
    }
    String path = specReplicasPath;
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      errors.add(
          FieldError.at(
              path,
              "Invalid value: 0: "
                  + path
                  + " accessor error: "
                  + GoFormat.value(value)
                  + " is of the type "
                  + GoFormat.type(value)
                  + ", expected int64"));
    } else if (value.longValue() < 0) {
      errors.add(
          FieldError.at(
              path, "Invalid value: " + value.longValue() + ": should be a non-negative integer"));
    } else if (value.longValue() > Integer.MAX_VALUE) {
      errors.add(
          FieldError.at(
              path,
              "Invalid value: "
                  + value.longValue()
                  + ": should be less than or equal to "
                  + Integer.MAX_VALUE));
    }
  }

  /** A JSON value as the API server prints it in "Invalid value: ...": floats as Go's %v. */
  private static String goValue(JsonNode value) {
    if (value.isNumber() && !value.isIntegralNumber()) {
      return GoFormat.floatG(value.doubleValue());
    }
    return value.toString();
  }

  private static String quote(String value) {
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(value);
  }

  private static void pruneNulls(JsonNode node) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getValue().isNull()) {
          fields.remove();
        } else {
          pruneNulls(field.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(SchemaValidator::pruneNulls);
    }
  }

  private static void applyDefaults(JsonNode node, JsonNode schema) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      schema
          .path("properties")
          .fields()
          .forEachRemaining(
              property -> {
                JsonNode fallback = property.getValue().get("default");
                if (!object.has(property.getKey()) && fallback != null) {
                  object.set(property.getKey(), fallback.deepCopy());
                }
                if (object.has(property.getKey())) {
                  applyDefaults(object.get(property.getKey()), property.getValue());
                }
              });
      JsonNode valueSchema = schema.get("additionalProperties");
      if (valueSchema != null && valueSchema.isObject()) {
        object.forEach(value -> applyDefaults(value, valueSchema));
      }
    } else if (node.isArray() && schema.has("items")) {
      node.forEach(item -> applyDefaults(item, schema.get("items")));
    }
  }

  private void checkSchema(
      JsonNode value, JsonNode schema, String path, boolean root, List<FieldError> errors) {
    // The API server's validators are independent: enum and bounds are checked whatever the
    // type (3.4e38 for an integer is both "must be of type integer" and "less than or equal").
    boolean typed = checkType(value, schema, path, errors);
    checkEnum(value, schema, path, errors);
    checkBounds(value, schema, path, errors);
    if (!typed) {
      return;
    }
    if (value.isObject()) {
      checkObject((ObjectNode) value, schema, path, root, errors);
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        checkSchema(value.get(i), schema.get("items"), path + "[" + i + "]", false, errors);
      }
    }
  }

  private boolean checkType(JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if ((value.isIntegralNumber() && value.canConvertToLong()) || value.isTextual()) {
        return true;
      }
      // The API server words an int-or-string mismatch through its anyOf: three lines.
      errors.add(
          FieldError.blockingAt(
              "",
              "Invalid value: \"\": \"" + path + "\" must validate at least one schema (anyOf)"));
      errors.add(typeError(path, value, "integer,string"));
      errors.add(typeError(path, value, "integer"));
      return false;
    }
    String type = schema.path("type").asText("");
    boolean matches =
        switch (type) {
          case "object" -> value.isObject();
          case "array" -> value.isArray();
          case "string" -> value.isTextual();
          case "integer" -> value.isIntegralNumber();
          case "number" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          default -> true;
        };
    if (!matches) {
      errors.add(typeError(path, value, type));
    }
    return matches;
  }

  private static FieldError typeError(String path, JsonNode value, String type) {
    String actual = jsonType(value);
    return FieldError.blockingAt(
        path,
        "Invalid value: \""
            + actual
            + "\": "
            + path
            + " in body must be of type "
            + type
            + ": \""
            + actual
            + "\"");
  }

  private static void checkEnum(
      JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    JsonNode allowed = schema.get("enum");
    if (allowed == null
        || StreamSupport.stream(allowed.spliterator(), false).anyMatch(value::equals)) {
      return;
    }
    String supported =
        StreamSupport.stream(allowed.spliterator(), false)
            .map(JsonNode::toString)
            .collect(Collectors.joining(", "));
    errors.add(
        FieldError.blockingAt(
            path, "Unsupported value: " + goValue(value) + ": supported values: " + supported));
  }

  private static void checkBounds(
      JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    String invalid = "Invalid value: " + goValue(value) + ": " + path + " in body ";
    if (value.isNumber()) {
      BigDecimal number = value.decimalValue();
      if (schema.has("minimum")) {
        BigDecimal min = schema.get("minimum").decimalValue();
        boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
        if (exclusive ? number.compareTo(min) <= 0 : number.compareTo(min) < 0) {
          errors.add(
              FieldError.at(
                  path,
                  invalid
                      + "should be greater than "
                      + (exclusive ? "" : "or equal to ")
                      + bound(min, value)));
        }
      }
      if (schema.has("maximum")) {
        BigDecimal max = schema.get("maximum").decimalValue();
        boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
        if (exclusive ? number.compareTo(max) >= 0 : number.compareTo(max) > 0) {
          errors.add(
              FieldError.at(
                  path,
                  invalid
                      + "should be less than "
                      + (exclusive ? "" : "or equal to ")
                      + bound(max, value)));
        }
      }
    }
    if (value.isTextual()) {
      int length = value.asText().codePointCount(0, value.asText().length());
      if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
        // Blocking on the API server (CEL cost estimates rely on the bound); a value too long
        // gets no further checks there.
        errors.add(
            FieldError.blockingAt(
                path,
                "Too long: may not be more than " + schema.get("maxLength").asInt() + " bytes"));
        return;
      }
      if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
        errors.add(
            FieldError.at(
                path,
                invalid + "should be at least " + schema.get("minLength").asInt() + " chars long"));
        return; // as on the API server: no pattern check after a length error
      }
      if (schema.has("pattern")
          && !goRegex(schema.get("pattern").asText()).matcher(value.asText()).find()) {
        errors.add(
            FieldError.at(path, invalid + "should match '" + schema.get("pattern").asText() + "'"));
      }
    }
    if (value.isObject()
        && schema.has("maxProperties")
        && value.size() > schema.get("maxProperties").asInt()) {
      errors.add(
          FieldError.blockingAt(
              path,
              "Too many: "
                  + value.size()
                  + ": must have at most "
                  + schema.get("maxProperties").asInt()
                  + " items"));
    }
    if (value.isArray()) {
      if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
        errors.add(
            FieldError.blockingAt(
                path,
                "Too many: "
                    + value.size()
                    + ": must have at most "
                    + schema.get("maxItems").asInt()
                    + " items"));
      }
      if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
        errors.add(
            FieldError.at(
                path,
                "Invalid value: "
                    + value.size()
                    + ": "
                    + path
                    + " in body should have at least "
                    + schema.get("minItems").asInt()
                    + " items"));
      }
    }
  }

  private void checkObject(
      ObjectNode object, JsonNode schema, String path, boolean root, List<FieldError> errors) {
    for (JsonNode required : schema.path("required")) {
      if (!object.has(required.asText())) {
        // Blocking on the API server too: the rules are skipped.
        errors.add(FieldError.blockingAt(child(path, required.asText()), "Required value"));
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode valueSchema = schema.get("additionalProperties");
    boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    object
        .fields()
        .forEachRemaining(
            field -> {
              String name = field.getKey();
              String fieldPath = child(path, name);
              if (properties.has(name)) {
                checkSchema(field.getValue(), properties.get(name), fieldPath, false, errors);
              } else if (valueSchema != null && valueSchema.isObject()) {
                checkSchema(field.getValue(), valueSchema, fieldPath, false, errors);
              } else if (!preserveUnknown
                  && !(root && ROOT_FIELDS.contains(name))
                  && (properties.size() > 0 || valueSchema == null)) {
                errors.add(new FieldError(fieldPath, "unknown field \"" + fieldPath + "\"", true));
              }
            });
  }

  private void checkRules(JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode valueSchema = schema.get("additionalProperties");
      value
          .fields()
          .forEachRemaining(
              field -> {
                boolean property = properties.has(field.getKey());
                JsonNode fieldSchema = property ? properties.get(field.getKey()) : valueSchema;
                if (fieldSchema != null && fieldSchema.isObject()) {
                  // The API server's CEL errors name a map entry as <map>[<key>], its schema
                  // errors as <map>.<key>.
                  String at =
                      property ? child(path, field.getKey()) : path + "[" + field.getKey() + "]";
                  checkRules(field.getValue(), fieldSchema, at, errors);
                }
              });
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        checkRules(value.get(i), schema.get("items"), path + "[" + i + "]", errors);
      }
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      String message = rule.path("message").asText("failed rule: " + expression);
      String errorPath = path + rule.path("fieldPath").asText("");
      // Kubernetes 1.35 words a failed rule on an object or a list without the value
      // ("<path>: Invalid value: <message>"), on a scalar with it ("Invalid value: "0s": ...").
      String invalid =
          value.isContainerNode() ? "Invalid value: " : "Invalid value: " + goValue(value) + ": ";
      try {
        if (!cel.holds(expression, CelValues.of(value, schema))) {
          errors.add(FieldError.at(errorPath, invalid + message));
        }
      } catch (dev.cel.runtime.CelEvaluationException e) {
        // As the API server words a rule that fails to evaluate: at the rule's own node (not
        // fieldPath), with the node's type as the value. cel-java's reason differs from cel-go's.
        errors.add(
            FieldError.at(
                path,
                "Invalid value: \""
                    + schema.path("type").asText("object")
                    + "\": "
                    + e.getMessage()
                    + " evaluating rule: "
                    + message));
      }
    }
  }

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  /**
   * A CRD pattern as Go's regexp reads it. Java differs in two places that matter here: `$` also
   * matches before a final line break (Go: only at the end, so "a\n" fails "^a$"), and `.` stops at
   * \r and Unicode line separators too (Go: only at \n).
   */
  static Pattern goRegex(String pattern) {
    return PATTERNS.computeIfAbsent(
        pattern, p -> Pattern.compile(endOfTextDollars(p), Pattern.UNIX_LINES));
  }

  private static String endOfTextDollars(String pattern) {
    StringBuilder out = new StringBuilder();
    boolean inClass = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        out.append(c).append(pattern.charAt(++i));
      } else if (inClass) {
        inClass = c != ']';
        out.append(c);
      } else if (c == '[') {
        inClass = true;
        out.append(c);
        // A ']' right after '[' or '[^' is a literal, not the end of the class.
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '^') {
          out.append(pattern.charAt(++i));
        }
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == ']') {
          out.append(pattern.charAt(++i));
        }
      } else if (c == '$') {
        out.append("\\z");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /**
   * A bound as the API server prints it: compared with an int64 value, as an integer; with a
   * float64 value, as Go's %v of a float (1e+07).
   */
  private static String bound(BigDecimal number, JsonNode value) {
    return value.isIntegralNumber() ? plain(number) : GoFormat.floatG(number.doubleValue());
  }

  private static String plain(BigDecimal number) {
    return number.stripTrailingZeros().toPlainString();
  }

  private static String jsonType(JsonNode value) {
    if (value.isObject()) {
      return "object";
    } else if (value.isArray()) {
      return "array";
    } else if (value.isTextual()) {
      return "string";
    } else if (value.isIntegralNumber()) {
      return "integer";
    } else if (value.isNumber()) {
      return "number";
    } else if (value.isBoolean()) {
      return "boolean";
    }
    return "null";
  }

  /** Converts JSON into the values CEL sees, typed by the schema as the API server types them. */
  static final class CelValues {
    private CelValues() {}

    static Object of(JsonNode value, JsonNode schema) {
      if (value.isObject()) {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonNode properties = schema.path("properties");
        JsonNode valueSchema = schema.path("additionalProperties");
        value
            .fields()
            .forEachRemaining(
                field ->
                    map.put(
                        field.getKey(),
                        of(
                            field.getValue(),
                            properties.has(field.getKey())
                                ? properties.get(field.getKey())
                                : valueSchema)));
        return map;
      }
      if (value.isArray()) {
        List<Object> list = new ArrayList<>();
        ((ArrayNode) value).forEach(item -> list.add(of(item, schema.path("items"))));
        return list;
      }
      if (value.isNumber()) {
        // Not a ternary: it would promote the long to double.
        if ("number".equals(schema.path("type").asText())) {
          return Double.valueOf(value.doubleValue());
        }
        return Long.valueOf(value.longValue());
      }
      if (value.isBoolean()) {
        return value.booleanValue();
      }
      return value.asText();
    }
  }
}
