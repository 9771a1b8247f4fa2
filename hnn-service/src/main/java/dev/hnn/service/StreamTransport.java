package dev.hnn.service;

import dev.hnn.protocol.ErrorCode;
import dev.hnn.protocol.ProtocolException;
import dev.hnn.protocol.Transport;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * A {@link Transport} over one gRPC stream (either end). Inbound frames come from the stream's observer; the
 * stream's manual flow control asks for the next frame only after one was taken, so at most one frame waits
 * here whatever the peer sends. Outbound frames go straight to the stream.
 */
final class StreamTransport implements Transport {
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final LinkedBlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
  private final Consumer<byte[]> sender;
  private final IntConsumer requester;
  private final Runnable closer;
  private volatile boolean closed;
  private volatile boolean peerClosed;

  /**
   * @param sender puts one frame on the stream (called by one thread at a time)
   * @param requester asks the stream for more inbound frames
   * @param closer ends our side of the stream
   */
  StreamTransport(Consumer<byte[]> sender, IntConsumer requester, Runnable closer) {
    this.sender = sender;
    this.requester = requester;
    this.closer = closer;
  }

  /** From the stream's observer: a frame arrived. */
  void deliver(byte[] frame) {
    if (!closed) inbox.add(frame);
  }

  /** From the stream's observer: the peer finished, failed or went away. */
  void peerGone() {
    peerClosed = true;
  }

  boolean peerClosed() {
    return peerClosed;
  }

  @Override
  public void send(byte[] frame) {
    if (closed) throw new ProtocolException(ErrorCode.CLOSED, "this end of the stream is closed");
    if (peerClosed) throw new ProtocolException(ErrorCode.CLOSED, "the peer closed the stream");
    try {
      sender.accept(frame);
    } catch (RuntimeException e) {
      throw new ProtocolException(ErrorCode.CLOSED, "the stream failed: " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public byte[] receive(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        if (closed) throw new ProtocolException(ErrorCode.CLOSED, "this end of the stream is closed");
        long left = deadline - System.nanoTime();
        byte[] f = inbox.poll(Math.max(0, Math.min(left, SLICE_NANOS)), TimeUnit.NANOSECONDS);
        if (f != null) {
          requester.accept(1);
          return f;
        }
        if (peerClosed && inbox.isEmpty())
          throw new ProtocolException(ErrorCode.CLOSED, "the peer closed the stream");
        if (left <= 0) throw new ProtocolException(ErrorCode.TIMEOUT, "no frame within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProtocolException(ErrorCode.CLOSED, "interrupted while receiving", e);
    }
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    inbox.clear();
    try {
      closer.run();
    } catch (RuntimeException ignored) {
      // the stream is gone already
    }
  }
}
