package dev.hnn.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The server's side of one session:
 *
 * <pre>
 * AWAITING_OPEN --OPEN--> RECEIVING_INPUT --LAYER_DATA...--> EVALUATING <--REFRESH_RESPONSE-- AWAITING_REFRESH
 *                                                               |   --REFRESH_REQUEST-->
 *                                                               +--RESULT--> RESULT_SENT --CLOSE--> DONE
 * any failure: ERROR to the client (unless it came from the client) --> FAILED
 * </pre>
 *
 * It enforces: OPEN first, with sequence number 0 and the session protocol version this build speaks; the
 * LAYER_DATA frames numbered 1, 2, ... and carrying exactly the announced number of blobs; each
 * REFRESH_RESPONSE answering the outstanding request (same session, same sequence number, one blob per blob
 * sent); at most {@link ProtocolLimits#maxRoundTrips()} refreshes; after RESULT, nothing but CLOSE. Each wait
 * lasts at most the timeout; a failure closes the transport and drops the session's blobs. One use per instance.
 */
public final class ServerSession {
  public enum State { AWAITING_OPEN, RECEIVING_INPUT, EVALUATING, AWAITING_REFRESH, RESULT_SENT, DONE, FAILED }

  private final MessageChannel channel;
  private final Duration timeout;
  private final SessionStats stats = new SessionStats();
  private volatile State state = State.AWAITING_OPEN;
  private boolean started;
  /** The last data sequence number this side sent (REFRESH_REQUEST, RESULT). */
  private int sent;
  /** A failure inside {@link #refresh}, kept so that a driver that swallows it cannot hide it. */
  private ProtocolException refreshFailure;
  private Thread sessionThread;

  public ServerSession(Transport transport, ProtocolLimits limits, Duration timeout) {
    this.channel = new MessageChannel(Objects.requireNonNull(transport, "transport"),
        Objects.requireNonNull(limits, "limits"), stats);
    this.timeout = ClientSession.positive(timeout);
  }

  public State state() {
    return state;
  }

  public SessionStats stats() {
    return stats;
  }

  /** The client's session id, once its OPEN arrived (null before). */
  public SessionId sessionId() {
    return channel.session();
  }

  /** Serves one session to its end. Throws {@link ProtocolException} if it failed (the client was told). */
  public void run(ServerDriver driver) {
    Objects.requireNonNull(driver, "driver");
    synchronized (this) {
      if (started) throw new IllegalStateException("a server session runs once");
      started = true;
    }
    sessionThread = Thread.currentThread();
    try {
      Message.Open open = awaitOpen();
      driver.admit(open.sessionId(), open.header());
      state = State.RECEIVING_INPUT;
      BlobList input = receiveInput(open);
      state = State.EVALUATING;
      List<byte[]> result = driver.evaluate(open.header(), input.toList(), this::refresh);
      input = null;  // the driver has its copy; the session keeps nothing it no longer needs
      if (refreshFailure != null) throw refreshFailure;
      if (result == null || result.isEmpty())
        throw new ProtocolException(ErrorCode.INTERNAL, "the server's computation returned no result");
      channel.send(new Message.Result(open.sessionId(), ++sent, BlobList.of(result)));
      state = State.RESULT_SENT;
      awaitClose();
      state = State.DONE;
      channel.close();
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw channel.abort(e, sent, "the server's computation");
    }
  }

  private Message.Open awaitOpen() {
    Message m = channel.receive(timeout);
    // Bind first, so that the ERROR for a wrong first message reaches the client under its own session id.
    channel.bind(m.sessionId());
    if (!(m instanceof Message.Open open)) throw Sessions.unexpected(m, "OPEN");
    if (open.header().protocolVersion() != SessionProtocol.VERSION)
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "session protocol version "
          + open.header().protocolVersion() + " is not supported (this server speaks " + SessionProtocol.VERSION + ")");
    return open;
  }

  private BlobList receiveInput(Message.Open open) {
    BlobList input = open.blobs();
    int expectedSeq = 1;
    while (input.size() < open.totalInputBlobs()) {
      Message m = channel.receive(timeout);
      if (!(m instanceof Message.LayerData d)) throw Sessions.unexpected(m, "LAYER_DATA");
      if (d.sequence() != expectedSeq)
        throw new ProtocolException(ErrorCode.BAD_SEQUENCE, "LAYER_DATA has sequence number " + d.sequence()
            + "; expected " + expectedSeq);
      expectedSeq++;
      if (input.size() + d.blobs().size() > open.totalInputBlobs())
        throw new ProtocolException(ErrorCode.MALFORMED, "LAYER_DATA carries more blobs than OPEN announced ("
            + open.totalInputBlobs() + ")");
      input = input.concat(d.blobs());
    }
    return input;
  }

  /** One round trip; the {@link Refresher} the driver sees. */
  private List<byte[]> refresh(String step, List<byte[]> masked) {
    if (Thread.currentThread() != sessionThread || state != State.EVALUATING)
      throw new IllegalStateException("refresh is for the driver's evaluate call, on its thread, while it runs");
    if (refreshFailure != null) throw refreshFailure;
    try {
      if (stats.roundTrips() >= channel.limits().maxRoundTrips())
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "more than " + channel.limits().maxRoundTrips()
            + " refreshes in one session");
      BlobList blobs = BlobList.of(masked);
      int seq = ++sent;
      channel.send(new Message.RefreshRequest(channel.session(), seq, step, blobs));
      state = State.AWAITING_REFRESH;
      Message m = channel.receive(timeout);
      if (!(m instanceof Message.RefreshResponse r)) throw Sessions.unexpected(m, "REFRESH_RESPONSE");
      if (r.sequence() != seq)
        throw new ProtocolException(ErrorCode.BAD_SEQUENCE, "REFRESH_RESPONSE has sequence number " + r.sequence()
            + "; the outstanding request is " + seq);
      if (r.blobs().size() != blobs.size())
        throw new ProtocolException(ErrorCode.MALFORMED, "REFRESH_RESPONSE carries " + r.blobs().size()
            + " blobs for the " + blobs.size() + " requested");
      stats.roundTrip();
      state = State.EVALUATING;
      return r.blobs().toList();
    } catch (ProtocolException e) {
      refreshFailure = e;
      throw e;
    }
  }

  /**
   * After RESULT only CLOSE may come. A client that vanishes without it (timeout, closed transport) costs us
   * nothing more: the result was sent, so that ends the session too.
   */
  private void awaitClose() {
    Message m;
    try {
      m = channel.receive(timeout);
    } catch (ProtocolException e) {
      if (e.code() == ErrorCode.TIMEOUT || e.code() == ErrorCode.CLOSED) return;
      throw e;
    }
    if (!(m instanceof Message.Close)) throw Sessions.unexpected(m, "CLOSE");
  }
}
