package dev.hnn.protocol;

/**
 * Why a session failed. Carried by {@link ProtocolException} locally and by an ERROR frame on the wire (one
 * byte, {@link #wireId()}), so both ends name a failure the same way. The list is short on purpose: a peer
 * should be able to act on the code (retry, fix its configuration, give up) without parsing the message.
 */
public enum ErrorCode {
  /** Bytes that are not a well-formed frame: bad magic, truncation, trailing bytes, bad field values. */
  MALFORMED(1),
  /** A frame or session protocol version this side does not speak. */
  UNSUPPORTED_VERSION(2),
  /** A length, count or round trip beyond the configured {@link ProtocolLimits}. */
  LIMIT_EXCEEDED(3),
  /** A well-formed message that is not allowed in the session's current state. */
  UNEXPECTED_MESSAGE(4),
  /** A frame for another session. */
  WRONG_SESSION(5),
  /** A sequence number that does not follow the previous one or does not answer the outstanding request. */
  BAD_SEQUENCE(6),
  /** A request for another service spec, key set or model than the server holds. */
  INCOMPATIBLE(7),
  /** Nothing arrived (or could be sent) within the timeout. */
  TIMEOUT(8),
  /** The transport or the peer closed the session before it completed. */
  CLOSED(9),
  /** The local handler failed; the message says no more than that, so that nothing internal leaks. */
  INTERNAL(10);

  private final int wireId;

  ErrorCode(int wireId) {
    this.wireId = wireId;
  }

  public int wireId() {
    return wireId;
  }

  /** The code with this wire id; an unknown id is a malformed frame (a newer peer would bump the version). */
  public static ErrorCode fromWireId(int id) {
    for (ErrorCode c : values()) if (c.wireId == id) return c;
    throw new ProtocolException(MALFORMED, "unknown error code " + id);
  }
}
