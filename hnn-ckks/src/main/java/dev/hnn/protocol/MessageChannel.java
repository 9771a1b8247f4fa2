package dev.hnn.protocol;

import dev.hnn.ckks.CorruptDataException;
import dev.hnn.ckks.IncompatibleObjectsException;

import java.time.Duration;

/**
 * A session's view of its transport: encodes and decodes with the limits, counts bytes, refuses frames of other
 * sessions once bound, and ends the session on failure (one ERROR to the peer when that is still useful, then
 * closing the transport). Both session classes use it, so those rules live in one place.
 */
final class MessageChannel {
  private final Transport transport;
  private final ProtocolLimits limits;
  private final SessionStats stats;
  private SessionId session;

  MessageChannel(Transport transport, ProtocolLimits limits, SessionStats stats) {
    this.transport = transport;
    this.limits = limits;
    this.stats = stats;
  }

  /** From now on every received frame must belong to {@code id}. */
  void bind(SessionId id) {
    this.session = id;
  }

  SessionId session() {
    return session;
  }

  ProtocolLimits limits() {
    return limits;
  }

  void send(Message m) {
    byte[] frame = FrameCodec.encode(m, limits);
    transport.send(frame);
    stats.sent(frame.length);
  }

  Message receive(Duration timeout) {
    byte[] frame = transport.receive(timeout);
    stats.received(frame.length);
    Message m = FrameCodec.decode(frame, limits);
    if (session != null && !m.sessionId().equals(session))
      throw new ProtocolException(ErrorCode.WRONG_SESSION, "a " + m.type() + " frame for session " + m.sessionId()
          + " arrived in session " + session);
    return m;
  }

  /**
   * Ends the session after {@code failure}: converts it to a {@link ProtocolException}, tells the peer with an
   * ERROR frame unless the peer reported it or the transport is gone, closes the transport, and returns the
   * exception for the caller to throw. {@code role} names the local handler in the generic message sent for
   * its unexpected failures (whose own messages stay local: they could say anything).
   */
  ProtocolException abort(RuntimeException failure, int sequence, String role) {
    ProtocolException e = toProtocol(failure, role);
    if (e.code() == ErrorCode.CLOSED && !e.remote()) e = pendingPeerError(e);
    if (session != null && !e.remote() && e.code() != ErrorCode.CLOSED) {
      String wire = e.code() == ErrorCode.INTERNAL && e != failure ? role + " failed" : e.getMessage();
      try {
        send(new Message.ErrorReport(session, sequence, e.code(), Text.clip(wire, limits.maxStringLength())));
      } catch (RuntimeException ignored) {
        // Best effort: the peer may be gone or stuck; the local exception says what happened.
      }
    }
    close();
    return e;
  }

  /**
   * A peer that fails sends ERROR and then closes, so our next send may see only the close: if the ERROR is
   * already waiting, report it (it says why) instead of the bare close.
   */
  private ProtocolException pendingPeerError(ProtocolException closed) {
    try {
      Message m = receive(Duration.ZERO);
      if (m instanceof Message.ErrorReport r) {
        ProtocolException peer = ProtocolException.fromPeer(r.code(), r.message());
        peer.addSuppressed(closed);
        return peer;
      }
    } catch (RuntimeException ignored) {
      // Nothing (readable) is waiting: the close is all there is to report.
    }
    return closed;
  }

  /** Engine exceptions keep their meaning (their messages never hold secrets); anything else is INTERNAL. */
  static ProtocolException toProtocol(RuntimeException failure, String role) {
    if (failure instanceof ProtocolException p) return p;
    if (failure instanceof IncompatibleObjectsException)
      return new ProtocolException(ErrorCode.INCOMPATIBLE, failure.getMessage(), failure);
    if (failure instanceof CorruptDataException)
      return new ProtocolException(ErrorCode.MALFORMED, failure.getMessage(), failure);
    return new ProtocolException(ErrorCode.INTERNAL, role + " failed: " + failure, failure);
  }

  void close() {
    try {
      transport.close();
    } catch (RuntimeException ignored) {
      // Closing is best effort; the session is over either way.
    }
  }
}
