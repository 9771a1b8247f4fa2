package dev.hnn.protocol;

/** Rules both session classes share. */
final class Sessions {
  private Sessions() {}

  /**
   * The failure for a message that is not allowed here: the peer's ERROR becomes a remote exception, a CLOSE
   * means the peer gave up, anything else is out of order.
   */
  static ProtocolException unexpected(Message m, String expected) {
    if (m instanceof Message.ErrorReport e) return ProtocolException.fromPeer(e.code(), e.message());
    if (m instanceof Message.Close)
      return new ProtocolException(ErrorCode.CLOSED, "the peer closed the session while " + expected + " was due");
    return new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE, "expected " + expected + ", got " + m.type());
  }
}
