package io.vllmoperator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Go's fmt %v and %T of a decoded JSON value, as the API server prints them in messages. */
final class GoFormat {
  private GoFormat() {}

  static String type(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    } else if (value.isBoolean()) {
      return "bool";
    } else if (value.isNumber()) {
      return value.isIntegralNumber() && value.canConvertToLong() ? "int64" : "float64";
    } else if (value.isArray()) {
      return "[]interface {}";
    } else if (value.isObject()) {
      return "map[string]interface {}";
    }
    return "<nil>";
  }

  static String value(JsonNode value) {
    if (value.isNumber() && !(value.isIntegralNumber() && value.canConvertToLong())) {
      return floatG(value.doubleValue());
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(value(item)));
      return "[" + String.join(" ", items) + "]";
    }
    if (value.isObject()) {
      // fmt prints a map with its keys sorted.
      Map<String, String> entries = new TreeMap<>();
      value.fields().forEachRemaining(e -> entries.put(e.getKey(), value(e.getValue())));
      return entries.entrySet().stream()
          .map(e -> e.getKey() + ":" + e.getValue())
          .collect(Collectors.joining(" ", "map[", "]"));
    }
    if (value.isNull()) {
      return "<nil>";
    }
    return value.toString();
  }

  /**
   * strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form below 1e-4 or from 1e6 (as
   * fmt %v).
   */
  static String floatG(double f) {
    if (f == 0) {
      return "0";
    }
    BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(f))).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    String sign = f < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 6) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String exp = String.valueOf(Math.abs(exponent));
      return sign
          + mantissa
          + "e"
          + (exponent < 0 ? "-" : "+")
          + (exp.length() < 2 ? "0" + exp : exp);
    }
    return sign + shortest.toPlainString();
  }
}
