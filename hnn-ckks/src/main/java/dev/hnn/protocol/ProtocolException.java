package dev.hnn.protocol;

import dev.hnn.ckks.HeException;

import java.util.Objects;

/**
 * Every failure of the session protocol: malformed or oversized frames, messages out of order, timeouts, a
 * closed transport, or an ERROR the peer sent ({@link #remote()}). A subclass of {@link HeException} so that
 * callers that already handle the engine's exceptions handle these too. Messages never contain blob bytes.
 */
public class ProtocolException extends HeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final boolean remote;

  public ProtocolException(ErrorCode code, String message) {
    this(code, message, false, null);
  }

  public ProtocolException(ErrorCode code, String message, Throwable cause) {
    this(code, message, false, cause);
  }

  private ProtocolException(ErrorCode code, String message, boolean remote, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.remote = remote;
  }

  /** The failure the peer reported in an ERROR frame. */
  static ProtocolException fromPeer(ErrorCode code, String peerMessage) {
    return new ProtocolException(code, "the peer reported " + code + ": " + peerMessage, true, null);
  }

  public ErrorCode code() {
    return code;
  }

  /** True if the peer reported this failure (an ERROR frame); false if this side detected it. */
  public boolean remote() {
    return remote;
  }
}
