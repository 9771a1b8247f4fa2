package dev.hnn.protocol;

import java.util.Objects;

/**
 * One protocol message: immutable, validated on construction (structure only; {@link ProtocolLimits} are
 * checked by the codec, which knows them). Every message names its session and carries a sequence number:
 *
 * <ul>
 *   <li>data messages of each sender are numbered on their own, strictly increasing by one: the client's OPEN is
 *       0 and its LAYER_DATA frames 1, 2, ...; the server's REFRESH_REQUESTs and its RESULT are 1, 2, ...;
 *   <li>a REFRESH_RESPONSE repeats the number of the request it answers;
 *   <li>ERROR and CLOSE carry the sender's last number and are accepted whatever it is (they end the session).
 * </ul>
 */
public sealed interface Message {
  MessageType type();

  SessionId sessionId();

  int sequence();

  private static int checkSequence(int sequence) {
    if (sequence < 0) throw new IllegalArgumentException("sequence number must be non-negative, got " + sequence);
    return sequence;
  }

  /**
   * Opens a session: the header, the number of input blobs the session will carry in all (this message's and
   * its LAYER_DATA frames'), and the first of them.
   */
  record Open(SessionId sessionId, OpenHeader header, int totalInputBlobs, BlobList blobs) implements Message {
    public Open {
      Objects.requireNonNull(sessionId, "session id");
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(blobs, "blobs");
      if (totalInputBlobs < 1 || totalInputBlobs < blobs.size())
        throw new IllegalArgumentException("total input blobs (" + totalInputBlobs + ") must be at least 1 and at "
            + "least the blobs in OPEN (" + blobs.size() + ")");
    }

    @Override
    public MessageType type() {
      return MessageType.OPEN;
    }

    /** OPEN is always the client's first data message. */
    @Override
    public int sequence() {
      return 0;
    }
  }

  /** More input blobs, following OPEN. */
  record LayerData(SessionId sessionId, int sequence, BlobList blobs) implements Message {
    public LayerData {
      Objects.requireNonNull(sessionId, "session id");
      checkSequence(sequence);
      Objects.requireNonNull(blobs, "blobs");
      if (blobs.size() == 0) throw new IllegalArgumentException("LAYER_DATA carries at least one blob");
    }

    @Override
    public MessageType type() {
      return MessageType.LAYER_DATA;
    }
  }

  /** Masked ciphertexts to refresh; {@code step} names the point of the computation (for logs and the client). */
  record RefreshRequest(SessionId sessionId, int sequence, String step, BlobList blobs) implements Message {
    public RefreshRequest {
      Objects.requireNonNull(sessionId, "session id");
      checkSequence(sequence);
      Text.identifier(step, "step label");
      Objects.requireNonNull(blobs, "blobs");
      if (blobs.size() == 0) throw new IllegalArgumentException("REFRESH_REQUEST carries at least one blob");
    }

    @Override
    public MessageType type() {
      return MessageType.REFRESH_REQUEST;
    }
  }

  /** The refreshed ciphertexts, one per requested blob, under the request's sequence number. */
  record RefreshResponse(SessionId sessionId, int sequence, BlobList blobs) implements Message {
    public RefreshResponse {
      Objects.requireNonNull(sessionId, "session id");
      checkSequence(sequence);
      Objects.requireNonNull(blobs, "blobs");
      if (blobs.size() == 0) throw new IllegalArgumentException("REFRESH_RESPONSE carries at least one blob");
    }

    @Override
    public MessageType type() {
      return MessageType.REFRESH_RESPONSE;
    }
  }

  /** The encrypted result. */
  record Result(SessionId sessionId, int sequence, BlobList blobs) implements Message {
    public Result {
      Objects.requireNonNull(sessionId, "session id");
      checkSequence(sequence);
      Objects.requireNonNull(blobs, "blobs");
      if (blobs.size() == 0) throw new IllegalArgumentException("RESULT carries at least one blob");
    }

    @Override
    public MessageType type() {
      return MessageType.RESULT;
    }
  }

  /** The session failed: a code and a message meant for humans, which must not hold secrets or blob bytes. */
  record ErrorReport(SessionId sessionId, int sequence, ErrorCode code, String message) implements Message {
    public ErrorReport {
      Objects.requireNonNull(sessionId, "session id");
      checkSequence(sequence);
      Objects.requireNonNull(code, "code");
      Text.message(message);
    }

    @Override
    public MessageType type() {
      return MessageType.ERROR;
    }
  }

  /** The sender is done with the session (after RESULT, or to abandon it). */
  record Close(SessionId sessionId, int sequence) implements Message {
    public Close {
      Objects.requireNonNull(sessionId, "session id");
      checkSequence(sequence);
    }

    @Override
    public MessageType type() {
      return MessageType.CLOSE;
    }
  }
}
