package dev.hnn.ckks;

/**
 * Base of the unchecked exceptions of HNN's CKKS API: everything the native engine reports arrives as one of
 * its subclasses, carrying the engine's message (which says what went wrong and, where there is one, how to
 * fix it). Messages never contain secret material.
 *
 * <ul>
 *   <li>{@link InvalidParametersException}: malformed parameters or parameters below the security level;
 *   <li>{@link InvalidArgumentException}: an argument only the engine can judge (e.g. values too large for
 *       the modulus once scaled);
 *   <li>{@link IncompatibleObjectsException}: objects of other parameters or other keys, other levels or scales;
 *   <li>{@link DepthExhaustedException}: the modulus chain is used up;
 *   <li>{@link CorruptDataException}: serialized bytes that are truncated, altered or of the wrong kind;
 *   <li>{@link MissingKeyException}: a key that was not generated (relinearization, rotation, secret key).
 * </ul>
 *
 * <p>Argument checks done in Java before any native call throw the standard {@link NullPointerException}
 * (null arguments), {@link IllegalArgumentException} (NaN or infinite values, wrong sizes, out-of-range levels)
 * and {@link IllegalStateException} (use of a closed object).
 */
public class HeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HeException(String message) {
    super(message);
  }

  public HeException(String message, Throwable cause) {
    super(message, cause);
  }
}
