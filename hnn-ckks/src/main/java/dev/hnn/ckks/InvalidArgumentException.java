package dev.hnn.ckks;

/** An argument outside its documented domain that only the native engine could detect (for example values that do not fit the modulus once scaled). */
public class InvalidArgumentException extends HeException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
