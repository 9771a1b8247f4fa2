package dev.hnn.ckks;

/** Serialized bytes that are truncated, altered, of another object type, or of another format version. */
public class CorruptDataException extends HeException {
  private static final long serialVersionUID = 1L;

  public CorruptDataException(String message) {
    super(message);
  }

  public CorruptDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
