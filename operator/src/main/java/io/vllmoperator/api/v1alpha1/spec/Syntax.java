package io.vllmoperator.api.v1alpha1.spec;

/**
 * Kubernetes name and label syntax, as CRD patterns and CEL rules. Every regex here means the same
 * to Go's RE2 (the API server), RE2J (cel-java) and java.util.regex (render's schema check): no
 * {@code \s}, {@code \w} or backslash escapes, {@code [.]} for a literal dot.
 */
public final class Syntax {
  /** A lowercase RFC 1123 subdomain (Secret, PVC, StorageClass, PriorityClass names); ≤ 253. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** The same, or empty (the field's "none"). */
  public static final String DNS_SUBDOMAIN_OR_EMPTY =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$";

  /** A non-empty label value; ≤ 63. */
  public static final String LABEL_VALUE = "^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";

  /** A label value, empty allowed; ≤ 63. */
  public static final String LABEL_VALUE_OR_EMPTY = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  /** A qualified name (label and annotation keys): optional DNS prefix, a name of ≤ 63. */
  public static final String QUALIFIED_NAME =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$";

  /** A CEL check that every key of the map {@code self} is a qualified name of ≤ 253. */
  public static final String KEYS_ARE_QUALIFIED_NAMES =
      "self.all(k, size(k) <= 253 && k.matches('" + QUALIFIED_NAME + "'))";

  /** No whitespace, no control characters: one command-line argument, one path. */
  public static final String NO_WHITESPACE = "^[^\\x00-\\x20\\x7F]+$";

  /** No control characters (spaces allowed). */
  public static final String NO_CONTROL_CHARACTERS = "^[^\\x00-\\x1F\\x7F]+$";

  /**
   * An OCI image reference as the container runtime parses it: optional registry host (with a dot
   * or a port, or localhost), lowercase path components, optional tag, optional digest.
   */
  public static final String IMAGE_REFERENCE =
      "^((localhost|[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?([.][a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)+)"
          + "(:[0-9]+)?/|[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?:[0-9]+/)?"
          + "[a-z0-9]+(([.]|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([.]|_|__|-+)[a-z0-9]+)*)*"
          + "(:[a-zA-Z0-9_][-a-zA-Z0-9_.]{0,127})?"
          + "(@[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$";

  /** A Go duration of hours, minutes and seconds with a bounded number of digits (no overflow). */
  public static final String BOUNDED_DURATION = "^([0-9]{1,4}h)?([0-9]{1,6}m)?([0-9]{1,8}s)?$";

  private Syntax() {}
}
