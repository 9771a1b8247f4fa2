package dev.hnn.protocol;

/** The message types and their one-byte wire ids (0 is never used, so a zeroed header is rejected). */
public enum MessageType {
  /** client to server: opens the session and carries (the first part of) the encrypted input. */
  OPEN(1),
  /** client to server: more input blobs when OPEN's did not fit one frame. */
  LAYER_DATA(2),
  /** server to client: masked ciphertexts to decrypt and re-encrypt fresh. */
  REFRESH_REQUEST(3),
  /** client to server: the refreshed ciphertexts, answering the outstanding request. */
  REFRESH_RESPONSE(4),
  /** server to client: the encrypted result; the last data message of a session. */
  RESULT(5),
  /** either way: the session failed; a code and a message without secrets. */
  ERROR(6),
  /** either way: the sender is done with the session. */
  CLOSE(7);

  private final int wireId;

  MessageType(int wireId) {
    this.wireId = wireId;
  }

  public int wireId() {
    return wireId;
  }

  public static MessageType fromWireId(int id) {
    for (MessageType t : values()) if (t.wireId == id) return t;
    throw new ProtocolException(ErrorCode.MALFORMED, "unknown message type " + id);
  }
}
