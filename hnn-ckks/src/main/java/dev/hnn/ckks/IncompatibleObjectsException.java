package dev.hnn.ckks;

/** Objects that cannot be combined: other parameters or keys, other levels, other scales, a plaintext below the ciphertext's level. */
public class IncompatibleObjectsException extends HeException {
  private static final long serialVersionUID = 1L;

  public IncompatibleObjectsException(String message) {
    super(message);
  }

  public IncompatibleObjectsException(String message, Throwable cause) {
    super(message, cause);
  }
}
