package io.vllmoperator.manifest;

/** Input that is not a readable VllmDeployment manifest at all: bad YAML, another kind. */
public class ManifestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ManifestException(String message) {
    super(message);
  }

  public ManifestException(String message, Throwable cause) {
    super(message, cause);
  }
}
