package io.vllmoperator.validation;

import java.util.List;
import java.util.stream.Collectors;

/** A VllmDeployment the API server would refuse. */
public class InvalidResourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<FieldError> errors;

  public InvalidResourceException(String kind, String name, List<FieldError> errors) {
    super(format(kind, name, errors));
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }

  private static String format(String kind, String name, List<FieldError> errors) {
    String header = "The " + kind + " \"" + name + "\" is invalid: ";
    if (errors.size() == 1) {
      return header + errors.get(0);
    }
    return header + errors.stream().map(e -> "* " + e).collect(Collectors.joining("\n", "\n", ""));
  }
}
