package dev.hnn.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Messages to frames and back. A frame (big-endian):
 *
 * <pre>
 *  offset size
 *   0     4   magic "HNNP" (0x484E4E50)
 *   4     2   frame version (1)
 *   6     1   message type ({@link MessageType#wireId()})
 *   7     1   reserved, must be 0
 *   8    16   session id (high 64 bits, low 64 bits)
 *  24     4   sequence number (0 to 2^31 - 1)
 *  28     4   payload length (0 to maxFrameBytes - 32)
 *  32     n   payload (layout per type: docs/protocol.md)
 * </pre>
 *
 * Decoding checks the header first (magic, version, type, the claimed length against the limit and against
 * the bytes present), then the payload field by field with {@link PayloadReader}, then that nothing is left.
 * Every failure is a {@link ProtocolException}. Encoding checks the same limits, so a sender learns at once
 * what its peer would refuse.
 */
public final class FrameCodec {
  private FrameCodec() {}

  public static final int MAGIC = 0x484E4E50;
  public static final int VERSION = 1;
  public static final int HEADER_BYTES = 32;

  // ---------------------------------------------------------------------------------------------- decoding

  /** Reads and validates the 32-byte header at the buffer's position (advancing it). */
  public static FrameHeader decodeHeader(ByteBuffer in, ProtocolLimits limits) {
    if (in.remaining() < HEADER_BYTES)
      throw new ProtocolException(ErrorCode.MALFORMED, "truncated frame: " + in.remaining()
          + " bytes, a header alone is " + HEADER_BYTES);
    if (in.getInt() != MAGIC) throw new ProtocolException(ErrorCode.MALFORMED, "not an HNN protocol frame (bad magic)");
    int version = in.getShort() & 0xFFFF;
    if (version != VERSION)
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "frame version " + version
          + " is not supported (this build speaks " + VERSION + ")");
    MessageType type = MessageType.fromWireId(in.get() & 0xFF);
    if (in.get() != 0) throw new ProtocolException(ErrorCode.MALFORMED, "reserved header byte is not 0");
    long high = in.getLong();
    long low = in.getLong();
    if (high == 0 && low == 0) throw new ProtocolException(ErrorCode.MALFORMED, "session id 0 is reserved");
    int sequence = in.getInt();
    if (sequence < 0)
      throw new ProtocolException(ErrorCode.MALFORMED, "sequence number out of range: "
          + Integer.toUnsignedString(sequence));
    int length = in.getInt();
    long maxPayload = (long) limits.maxFrameBytes() - HEADER_BYTES;
    if (Integer.toUnsignedLong(length) > maxPayload)
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "frame claims a payload of "
          + Integer.toUnsignedString(length) + " bytes; the limit is " + maxPayload);
    return new FrameHeader(type, new SessionId(high, low), sequence, length);
  }

  /** One whole frame: exactly a header and the payload it announces, nothing after it. */
  public static Message decode(byte[] frame, ProtocolLimits limits) {
    ByteBuffer in = ByteBuffer.wrap(frame);
    FrameHeader h = decodeHeader(in, limits);
    if (in.remaining() < h.payloadLength())
      throw new ProtocolException(ErrorCode.MALFORMED, "truncated frame: payload of " + h.payloadLength()
          + " bytes announced, " + in.remaining() + " present");
    if (in.remaining() > h.payloadLength())
      throw new ProtocolException(ErrorCode.MALFORMED, (in.remaining() - h.payloadLength())
          + " trailing bytes after the frame");
    return decodePayload(h, in, limits);
  }

  /** The payload of a frame whose header was already decoded; {@code payload} holds exactly the payload. */
  static Message decodePayload(FrameHeader h, ByteBuffer payload, ProtocolLimits limits) {
    PayloadReader r = new PayloadReader(payload, limits);
    Message m;
    try {
      m = readMessage(h, r, limits);
    } catch (IllegalArgumentException e) {
      // A record refused a value the framing allowed (e.g. a token count above its bucket).
      throw new ProtocolException(ErrorCode.MALFORMED, "invalid " + h.type() + ": " + e.getMessage());
    }
    if (r.remaining() != 0)
      throw new ProtocolException(ErrorCode.MALFORMED, r.remaining() + " trailing bytes in the " + h.type()
          + " payload");
    return m;
  }

  private static Message readMessage(FrameHeader h, PayloadReader r, ProtocolLimits limits) {
    SessionId id = h.sessionId();
    int seq = h.sequence();
    switch (h.type()) {
      case OPEN: {
        if (seq != 0)
          throw new ProtocolException(ErrorCode.BAD_SEQUENCE, "OPEN must have sequence number 0, got " + seq);
        int version = r.u16("protocol version");
        String spec = r.string("spec id");
        String key = r.string("key id");
        String model = r.string("model id");
        int bucket = r.u16("length bucket");
        int tokens = r.u16("token count");
        int total = r.u31("total input blobs");
        if (total > limits.maxInputBlobs())
          throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "OPEN announces " + total
              + " input blobs; the limit is " + limits.maxInputBlobs());
        BlobList blobs = r.blobs("OPEN");
        return new Message.Open(id, new OpenHeader(version, spec, key, model, bucket, tokens), total, blobs);
      }
      case LAYER_DATA:
        return new Message.LayerData(id, seq, r.blobs("LAYER_DATA"));
      case REFRESH_REQUEST: {
        String step = r.string("step label");
        return new Message.RefreshRequest(id, seq, step, r.blobs("REFRESH_REQUEST"));
      }
      case REFRESH_RESPONSE:
        return new Message.RefreshResponse(id, seq, r.blobs("REFRESH_RESPONSE"));
      case RESULT:
        return new Message.Result(id, seq, r.blobs("RESULT"));
      case ERROR: {
        ErrorCode code = ErrorCode.fromWireId(r.u8("error code"));
        return new Message.ErrorReport(id, seq, code, r.string("error message"));
      }
      case CLOSE:
        return new Message.Close(id, seq);
      default:
        throw new IllegalStateException("unhandled type " + h.type());  // every enum constant is handled above
    }
  }

  // ---------------------------------------------------------------------------------------------- encoding

  /** The frame of {@code m}, in one array of exactly its size; refuses what {@code limits} would refuse. */
  public static byte[] encode(Message m, ProtocolLimits limits) {
    long size = HEADER_BYTES + payloadSize(m, limits);
    if (size > limits.maxFrameBytes())
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, m.type() + " frame of " + size
          + " bytes exceeds the limit of " + limits.maxFrameBytes());
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.putInt(MAGIC).putShort((short) VERSION).put((byte) m.type().wireId()).put((byte) 0);
    out.putLong(m.sessionId().high()).putLong(m.sessionId().low());
    out.putInt(m.sequence()).putInt((int) (size - HEADER_BYTES));
    writePayload(m, out);
    return out.array();
  }

  /** Payload bytes of {@code m}, checking counts and lengths against the limits on the way. */
  private static long payloadSize(Message m, ProtocolLimits limits) {
    if (m instanceof Message.Open o) {
      if (o.totalInputBlobs() > limits.maxInputBlobs())
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "OPEN announces " + o.totalInputBlobs()
            + " input blobs; the limit is " + limits.maxInputBlobs());
      OpenHeader h = o.header();
      return 2 + stringSize(h.specId(), limits) + stringSize(h.keyId(), limits) + stringSize(h.modelId(), limits)
          + 2 + 2 + 4 + blobsSize(o.blobs(), limits);
    }
    if (m instanceof Message.LayerData d) return blobsSize(d.blobs(), limits);
    if (m instanceof Message.RefreshRequest q) return stringSize(q.step(), limits) + blobsSize(q.blobs(), limits);
    if (m instanceof Message.RefreshResponse p) return blobsSize(p.blobs(), limits);
    if (m instanceof Message.Result r) return blobsSize(r.blobs(), limits);
    if (m instanceof Message.ErrorReport e) return 1 + stringSize(e.message(), limits);
    if (m instanceof Message.Close) return 0;
    throw new IllegalStateException("unhandled message " + m.type());
  }

  private static long stringSize(String s, ProtocolLimits limits) {
    int n = s.getBytes(StandardCharsets.UTF_8).length;
    if (n > limits.maxStringLength())
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "string of " + n + " bytes exceeds the limit of "
          + limits.maxStringLength());
    return 2 + n;
  }

  private static long blobsSize(BlobList b, ProtocolLimits limits) {
    if (b.size() > limits.maxBlobsPerMessage())
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, b.size() + " blobs exceed the limit of "
          + limits.maxBlobsPerMessage() + " per message");
    long s = 4;
    for (int i = 0; i < b.size(); i++) {
      if (b.length(i) > limits.maxBlobBytes())
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "blob " + i + " of " + b.length(i)
            + " bytes exceeds the limit of " + limits.maxBlobBytes());
      s += 4 + b.length(i);
    }
    return s;
  }

  private static void writePayload(Message m, ByteBuffer out) {
    if (m instanceof Message.Open o) {
      OpenHeader h = o.header();
      out.putShort((short) h.protocolVersion());
      putString(out, h.specId());
      putString(out, h.keyId());
      putString(out, h.modelId());
      out.putShort((short) h.lengthBucket()).putShort((short) h.tokenCount()).putInt(o.totalInputBlobs());
      putBlobs(out, o.blobs());
    } else if (m instanceof Message.LayerData d) {
      putBlobs(out, d.blobs());
    } else if (m instanceof Message.RefreshRequest q) {
      putString(out, q.step());
      putBlobs(out, q.blobs());
    } else if (m instanceof Message.RefreshResponse p) {
      putBlobs(out, p.blobs());
    } else if (m instanceof Message.Result r) {
      putBlobs(out, r.blobs());
    } else if (m instanceof Message.ErrorReport e) {
      out.put((byte) e.code().wireId());
      putString(out, e.message());
    }
    // CLOSE has no payload.
  }

  private static void putString(ByteBuffer out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.putShort((short) b.length).put(b);
  }

  private static void putBlobs(ByteBuffer out, BlobList b) {
    out.putInt(b.size());
    for (int i = 0; i < b.size(); i++) {
      out.putInt(b.length(i));
      b.writeTo(i, out);
    }
  }
}
