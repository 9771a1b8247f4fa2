package dev.hnn.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The client's side of one session: sends OPEN (and LAYER_DATA if the input does not fit one frame), answers
 * each REFRESH_REQUEST through a {@link BlobReencryptor}, and returns the RESULT's blobs. One use per instance.
 *
 * <p>It enforces: every frame belongs to this session; the server's data messages are numbered 1, 2, ...
 * without gaps; at most {@link ProtocolLimits#maxRoundTrips()} refreshes; nothing but REFRESH_REQUEST, RESULT,
 * ERROR or CLOSE from the server; each wait lasts at most the timeout. Any failure sends the server an ERROR
 * (unless the server reported it), closes the transport, drops the session's blobs and throws a
 * {@link ProtocolException}.
 */
public final class ClientSession {
  /** NEW until {@link #run} starts; WAITING while the server computes; then DONE or FAILED. */
  public enum State { NEW, WAITING, DONE, FAILED }

  private final MessageChannel channel;
  private final Duration timeout;
  private final SessionId id;
  private final SessionStats stats = new SessionStats();
  private volatile State state = State.NEW;
  /** The last sequence number this side sent (OPEN = 0, then LAYER_DATA). */
  private int sent;
  /** The last data sequence number the server sent (0 before its first). */
  private int received;

  /** A session with a fresh random id. */
  public ClientSession(Transport transport, ProtocolLimits limits, Duration timeout) {
    this(transport, limits, timeout, SessionId.random());
  }

  public ClientSession(Transport transport, ProtocolLimits limits, Duration timeout, SessionId id) {
    this.channel = new MessageChannel(Objects.requireNonNull(transport, "transport"),
        Objects.requireNonNull(limits, "limits"), stats);
    this.timeout = positive(timeout);
    this.id = Objects.requireNonNull(id, "session id");
    channel.bind(id);
  }

  static Duration positive(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    return timeout;
  }

  public SessionId sessionId() {
    return id;
  }

  public State state() {
    return state;
  }

  public SessionStats stats() {
    return stats;
  }

  /**
   * Runs the session to its end: the result's blobs. {@code input} is the encrypted embedded tokens (at least
   * one blob, at most {@link ProtocolLimits#maxInputBlobs()}).
   */
  public List<byte[]> run(OpenHeader header, List<byte[]> input, BlobReencryptor reencryptor) {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(reencryptor, "reencryptor");
    if (Objects.requireNonNull(input, "input").isEmpty())
      throw new IllegalArgumentException("a session needs at least one input blob");
    synchronized (this) {
      if (state != State.NEW) throw new IllegalStateException("a client session runs once; this one is " + state);
      state = State.WAITING;
    }
    try {
      BlobList in = BlobList.of(input);
      if (in.size() > channel.limits().maxInputBlobs())
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "input of " + in.size() + " blobs; at most "
            + channel.limits().maxInputBlobs() + " are allowed");
      sendInput(header, in);
      while (true) {
        Message m = channel.receive(timeout);
        if (m instanceof Message.RefreshRequest q) {
          answer(q, reencryptor);
        } else if (m instanceof Message.Result r) {
          expectNext(r);
          state = State.DONE;
          finish();
          return r.blobs().toList();
        } else {
          throw Sessions.unexpected(m, "REFRESH_REQUEST or RESULT");
        }
      }
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw channel.abort(e, sent, "the client's re-encryption");
    }
  }

  private void sendInput(OpenHeader header, BlobList in) {
    List<BlobList> batches = InputSplitter.split(header, in, channel.limits());
    channel.send(new Message.Open(id, header, in.size(), batches.get(0)));
    for (int i = 1; i < batches.size(); i++) channel.send(new Message.LayerData(id, ++sent, batches.get(i)));
  }

  private void answer(Message.RefreshRequest q, BlobReencryptor reencryptor) {
    expectNext(q);
    if (stats.roundTrips() >= channel.limits().maxRoundTrips())
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "the server asked for more than "
          + channel.limits().maxRoundTrips() + " refreshes");
    List<byte[]> out = reencryptor.reencrypt(q.step(), q.blobs().toList());
    if (out == null || out.size() != q.blobs().size())
      throw new ProtocolException(ErrorCode.INTERNAL, "the re-encryptor returned "
          + (out == null ? "nothing" : out.size() + " blobs") + " for " + q.blobs().size());
    channel.send(new Message.RefreshResponse(id, q.sequence(), BlobList.of(out)));
    stats.roundTrip();
  }

  /** The server's data messages are numbered 1, 2, ... without gaps or repeats. */
  private void expectNext(Message m) {
    if (m.sequence() != received + 1)
      throw new ProtocolException(ErrorCode.BAD_SEQUENCE, m.type() + " has sequence number " + m.sequence()
          + "; expected " + (received + 1));
    received = m.sequence();
  }

  /** Tells the server we are done and releases the transport; the result is ours whatever happens here. */
  private void finish() {
    try {
      channel.send(new Message.Close(id, sent));
    } catch (ProtocolException ignored) {
      // The server may already have closed its end after sending the result.
    }
    channel.close();
  }
}
