package dev.hnn.protocol;

import java.time.Duration;

/**
 * Moves whole frames between the two ends of one session, whatever carries them (a queue in the same process,
 * a byte stream, a gRPC stream). A transport knows nothing of the frames' contents; sessions encode and
 * validate. Implementations must be safe for one sending and one receiving thread at a time.
 */
public interface Transport extends AutoCloseable {
  /**
   * Sends one frame (the transport may keep the array: callers hand over a fresh one). Throws
   * {@link ProtocolException} with {@link ErrorCode#CLOSED} if either end closed, {@link ErrorCode#TIMEOUT} if
   * the frame cannot be handed over within the transport's own send timeout.
   */
  void send(byte[] frame);

  /**
   * The next frame, waiting at most {@code timeout}. Throws {@link ProtocolException} with
   * {@link ErrorCode#TIMEOUT} if none arrives in time, {@link ErrorCode#CLOSED} once the peer closed and every
   * frame it sent before was received.
   */
  byte[] receive(Duration timeout);

  /** Closes this end; the peer's pending and later receives see {@link ErrorCode#CLOSED}. Idempotent. */
  @Override
  void close();
}
