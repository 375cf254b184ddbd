package io.vllmoperator.validation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;

/**
 * The value of a Kubernetes resource quantity, parsed as k8s.io/apimachinery's {@code
 * resource.ParseQuantity} parses it: the same strings are accepted ("1.", ".5", "+", "2e3",
 * "1.5Gi") and refused, values finer than a nano are rounded away from zero, binary-suffixed values
 * are capped at 2^63-1. It backs the API server's CEL quantity library in {@link QuantityLibrary}.
 */
public final class KubernetesQuantity implements Comparable<KubernetesQuantity> {
  private static final Map<String, Integer> BINARY =
      Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);
  private static final Map<String, Integer> DECIMAL =
      Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
  private static final BigDecimal MAX_BINARY = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final int MAX_INT64_FACTORS = 18;
  private static final int NANO = -9;

  private final BigDecimal value;

  private KubernetesQuantity(BigDecimal value) {
    this.value = value;
  }

  public BigDecimal value() {
    return value;
  }

  public int sign() {
    return value.signum();
  }

  @Override
  public int compareTo(KubernetesQuantity other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KubernetesQuantity q && value.compareTo(q.value) == 0;
  }

  @Override
  public int hashCode() {
    return value.stripTrailingZeros().hashCode();
  }

  @Override
  public String toString() {
    return value.toPlainString();
  }

  /** The quantity, or empty where ParseQuantity returns an error. */
  public static Optional<KubernetesQuantity> parse(String str) {
    if (str.isEmpty()) {
      return Optional.empty();
    }
    if (str.equals("0")) {
      return Optional.of(new KubernetesQuantity(BigDecimal.ZERO));
    }
    Parts parts = Parts.of(str);
    if (parts == null) {
      return Optional.empty();
    }
    int base;
    int exponent;
    boolean binary = false;
    if (BINARY.containsKey(parts.suffix)) {
      base = 2;
      exponent = BINARY.get(parts.suffix);
      binary = true;
    } else if (DECIMAL.containsKey(parts.suffix)) {
      base = 10;
      exponent = DECIMAL.get(parts.suffix);
    } else if (parts.suffix.length() > 1
        && (parts.suffix.charAt(0) == 'e' || parts.suffix.charAt(0) == 'E')) {
      Long parsed = parseInt64(parts.suffix.substring(1));
      if (parsed == null) {
        return Optional.empty();
      }
      base = 10;
      exponent = (int) parsed.longValue(); // Go: int32(parsed)
    } else {
      return Optional.empty();
    }

    // The fast path of ParseQuantity: exact int64 arithmetic, no rounding needed.
    int precision;
    int scale = 0;
    long mantissa = 1;
    if (!binary) {
      scale = exponent;
      precision = MAX_INT64_FACTORS - (parts.num.length() + parts.denom.length());
    } else if (exponent >= 0 && parts.denom.isEmpty()) {
      mantissa = mantissa << exponent;
      precision = 15 - parts.num.length() - (int) ((float) exponent * 3 / 10) - 1;
    } else {
      precision = -1;
    }
    if (precision >= 0) {
      scale -= parts.denom.length();
      if (scale >= NANO) {
        long shifted = Long.parseLong(parts.num + parts.denom);
        try {
          long result = Math.multiplyExact(shifted, mantissa);
          BigDecimal exact = BigDecimal.valueOf(parts.positive ? result : -result, -scale);
          return Optional.of(new KubernetesQuantity(exact));
        } catch (ArithmeticException overflow) {
          // falls through to the arbitrary-precision path, as in Go
        }
      }
    }

    // The slow path: inf.Dec from the number as written, then the suffix, rounding and the cap.
    BigDecimal amount = infDec(parts.value);
    if (amount == null) {
      return Optional.empty();
    }
    if (base == 10) {
      amount = amount.movePointRight(exponent);
    } else {
      amount = amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(exponent)));
    }
    int sign = amount.signum();
    amount = amount.abs();
    if (amount.signum() != 0 && amount.scale() > -NANO) {
      // Below a nano the result is one nano; setScale would need 10^scale to get there.
      long leadingExponent = (long) amount.precision() - amount.scale() - 1;
      amount =
          leadingExponent < NANO
              ? BigDecimal.ONE.movePointLeft(-NANO)
              : amount.setScale(-NANO, RoundingMode.UP);
    }
    if (binary && amount.compareTo(MAX_BINARY) > 0) {
      amount = MAX_BINARY;
    }
    return Optional.of(new KubernetesQuantity(sign < 0 ? amount.negate() : amount));
  }

  /** inf.Dec.SetString: optional sign, digits with at most one '.', at least one digit. */
  private static BigDecimal infDec(String text) {
    String digits = text.startsWith("+") ? text.substring(1) : text;
    if (digits.chars().noneMatch(Character::isDigit)) {
      return null;
    }
    if (digits.endsWith(".")) {
      digits = digits.substring(0, digits.length() - 1);
    }
    if (digits.startsWith(".") || digits.startsWith("-.")) {
      digits = digits.replaceFirst("\\.", "0.");
    }
    return new BigDecimal(digits);
  }

  /** strconv.ParseInt(s, 10, 64). */
  private static Long parseInt64(String s) {
    if (!s.matches("[+-]?[0-9]+")) {
      return null;
    }
    try {
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** parseQuantityString of apimachinery: sign, numerator, denominator, suffix. */
  private record Parts(boolean positive, String value, String num, String denom, String suffix) {
    static Parts of(String str) {
      boolean positive = true;
      int pos = 0;
      int end = str.length();
      if (str.charAt(0) == '-') {
        positive = false;
        pos++;
      } else if (str.charAt(0) == '+') {
        pos++;
      }
      while (true) {
        if (pos >= end) {
          return new Parts(positive, "0", "0", "", "");
        }
        if (str.charAt(pos) != '0') {
          break;
        }
        pos++;
      }
      int i = pos;
      while (i < end && isDigit(str.charAt(i))) {
        i++;
      }
      if (i >= end) {
        return new Parts(positive, str, str.substring(pos), "", "");
      }
      String num = str.substring(pos, i);
      pos = i;
      if (num.isEmpty()) {
        num = "0";
      }
      String denom = "";
      if (str.charAt(pos) == '.') {
        pos++;
        i = pos;
        while (i < end && isDigit(str.charAt(i))) {
          i++;
        }
        if (i >= end) {
          return new Parts(positive, str, num, str.substring(pos), "");
        }
        denom = str.substring(pos, i);
        pos = i;
      }
      String value = str.substring(0, pos);
      int suffixStart = pos;
      i = pos;
      while (i < end && "eEinumkKMGTP".indexOf(str.charAt(i)) >= 0) {
        i++;
      }
      if (i >= end) {
        return new Parts(positive, value, num, denom, str.substring(suffixStart));
      }
      pos = i;
      if (str.charAt(pos) == '-' || str.charAt(pos) == '+') {
        pos++;
      }
      for (i = pos; i < end; i++) {
        if (!isDigit(str.charAt(i))) {
          return null;
        }
      }
      return new Parts(positive, value, num, denom, str.substring(suffixStart));
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }
}
