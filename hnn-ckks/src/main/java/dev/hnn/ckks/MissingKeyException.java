package dev.hnn.ckks;

/** A required key was not generated: relinearization key, the Galois key of a rotation, or the secret key (a public context cannot decrypt). */
public class MissingKeyException extends HeException {
  private static final long serialVersionUID = 1L;

  public MissingKeyException(String message) {
    super(message);
  }

  public MissingKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
