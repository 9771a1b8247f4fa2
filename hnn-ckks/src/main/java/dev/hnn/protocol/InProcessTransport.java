package dev.hnn.protocol;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two connected ends in one process, each with a bounded inbox, for tests and for running client and server
 * in one JVM. Bounded so that a peer that stops reading makes the sender wait (and time out) instead of
 * filling the heap. Frames are copied on send, as a real transport would, so neither end can change a frame
 * after handing it over.
 */
public final class InProcessTransport implements Transport {
  /** Polling slice while waiting: how soon a receive notices the peer's close when no frame arrives. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final BlockingQueue<byte[]> inbox;
  private final BlockingQueue<byte[]> peerInbox;
  private final AtomicBoolean closed;
  private final AtomicBoolean peerClosed;
  private final Duration sendTimeout;

  /** The two ends of a connection. */
  public record Pair(InProcessTransport client, InProcessTransport server) {}

  private InProcessTransport(BlockingQueue<byte[]> inbox, BlockingQueue<byte[]> peerInbox, AtomicBoolean closed,
      AtomicBoolean peerClosed, Duration sendTimeout) {
    this.inbox = inbox;
    this.peerInbox = peerInbox;
    this.closed = closed;
    this.peerClosed = peerClosed;
    this.sendTimeout = sendTimeout;
  }

  /**
   * A connected pair whose inboxes hold at most {@code capacity} frames each; a send to a full inbox waits up to
   * {@code sendTimeout}.
   */
  public static Pair pair(int capacity, Duration sendTimeout) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
    if (sendTimeout.isNegative()) throw new IllegalArgumentException("negative send timeout");
    BlockingQueue<byte[]> toServer = new ArrayBlockingQueue<>(capacity);
    BlockingQueue<byte[]> toClient = new ArrayBlockingQueue<>(capacity);
    AtomicBoolean clientClosed = new AtomicBoolean();
    AtomicBoolean serverClosed = new AtomicBoolean();
    return new Pair(new InProcessTransport(toClient, toServer, clientClosed, serverClosed, sendTimeout),
        new InProcessTransport(toServer, toClient, serverClosed, clientClosed, sendTimeout));
  }

  /** A pair with room for 4 frames each way and a 10-second send timeout. */
  public static Pair pair() {
    return pair(4, Duration.ofSeconds(10));
  }

  @Override
  public void send(byte[] frame) {
    byte[] copy = frame.clone();
    long deadline = System.nanoTime() + sendTimeout.toNanos();
    try {
      while (true) {
        checkOpen();
        long left = deadline - System.nanoTime();
        if (peerInbox.offer(copy, Math.max(0, Math.min(left, SLICE_NANOS)), TimeUnit.NANOSECONDS)) return;
        if (left <= 0)
          throw new ProtocolException(ErrorCode.TIMEOUT, "the peer did not take a frame within " + sendTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProtocolException(ErrorCode.CLOSED, "interrupted while sending", e);
    }
  }

  private void checkOpen() {
    if (closed.get()) throw new ProtocolException(ErrorCode.CLOSED, "this end of the transport is closed");
    if (peerClosed.get()) throw new ProtocolException(ErrorCode.CLOSED, "the peer closed the transport");
  }

  @Override
  public byte[] receive(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        if (closed.get()) throw new ProtocolException(ErrorCode.CLOSED, "this end of the transport is closed");
        long left = deadline - System.nanoTime();
        // Frames the peer sent before closing are still delivered; only an empty inbox reports the close.
        byte[] f = inbox.poll(Math.max(0, Math.min(left, SLICE_NANOS)), TimeUnit.NANOSECONDS);
        if (f != null) return f;
        if (peerClosed.get() && inbox.isEmpty())
          throw new ProtocolException(ErrorCode.CLOSED, "the peer closed the transport");
        if (left <= 0) throw new ProtocolException(ErrorCode.TIMEOUT, "no frame within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProtocolException(ErrorCode.CLOSED, "interrupted while receiving", e);
    }
  }

  @Override
  public void close() {
    closed.set(true);
    inbox.clear();  // frames nobody will read: let them be collected now
  }
}
