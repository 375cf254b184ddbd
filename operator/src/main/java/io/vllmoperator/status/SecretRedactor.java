package io.vllmoperator.status;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces anything shaped like a credential with {@code [redacted]} before log text reaches a
 * status condition or an event, which anyone with read access to the namespace can see.
 */
final class SecretRedactor {
  private static final String REDACTED = "[redacted]";

  /** Credentials with a recognisable shape: Bearer headers, JWTs, Hugging Face and OpenAI keys. */
  private static final Pattern SHAPED =
      Pattern.compile(
          "Bearer\\s+\\S+"
              + "|eyJ[A-Za-z0-9_-]{8,}(\\.[A-Za-z0-9_-]*){0,2}"
              + "|\\bhf_[A-Za-z0-9]{8,}"
              + "|\\bsk-[A-Za-z0-9_-]{8,}"
              + "|\\b[0-9a-fA-F]{32,}\\b");

  /** A run base64 or base64url could have produced; judged by {@link #looksRandom}. */
  private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/_-]{32,}={0,2}");

  /**
   * A stretch without separators: model ids like "DeepSeek-R1-Distill-Qwen-32B" break into words.
   */
  private static final Pattern UNBROKEN = Pattern.compile("[A-Za-z0-9+]{24,}");

  private SecretRedactor() {}

  static String redact(String text) {
    String shaped = SHAPED.matcher(text).replaceAll(REDACTED);
    Matcher run = BASE64_RUN.matcher(shaped);
    StringBuilder out = new StringBuilder();
    while (run.find()) {
      String candidate = run.group();
      run.appendReplacement(
          out, Matcher.quoteReplacement(looksRandom(candidate) ? REDACTED : candidate));
    }
    run.appendTail(out);
    return out.toString();
  }

  /** Padding, or a long unbroken mix of digits and both cases: encoded bytes, not words. */
  private static boolean looksRandom(String run) {
    if (run.endsWith("=")) {
      return true;
    }
    Matcher unbroken = UNBROKEN.matcher(run);
    while (unbroken.find()) {
      String s = unbroken.group();
      if (s.chars().anyMatch(Character::isDigit)
          && s.chars().anyMatch(Character::isUpperCase)
          && s.chars().anyMatch(Character::isLowerCase)) {
        return true;
      }
    }
    return false;
  }
}
