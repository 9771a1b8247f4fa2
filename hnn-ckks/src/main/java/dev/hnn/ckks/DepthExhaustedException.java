package dev.hnn.ckks;

/** The modulus chain is exhausted (no prime left to rescale by) or a scale no longer fits the remaining modulus. */
public class DepthExhaustedException extends HeException {
  private static final long serialVersionUID = 1L;

  public DepthExhaustedException(String message) {
    super(message);
  }

  public DepthExhaustedException(String message, Throwable cause) {
    super(message, cause);
  }
}
