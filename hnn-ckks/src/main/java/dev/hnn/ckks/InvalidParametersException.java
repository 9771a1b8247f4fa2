package dev.hnn.ckks;

/** Encryption parameters that are malformed or below the required security level. */
public class InvalidParametersException extends HeException {
  private static final long serialVersionUID = 1L;

  public InvalidParametersException(String message) {
    super(message);
  }

  public InvalidParametersException(String message, Throwable cause) {
    super(message, cause);
  }
}
