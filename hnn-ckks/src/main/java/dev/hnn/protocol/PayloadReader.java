package dev.hnn.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over a frame's payload that checks every length against both the limits and the bytes left before
 * allocating anything, and turns every shortfall into a {@link ProtocolException} (never an
 * {@link java.nio.BufferUnderflowException} or a huge allocation).
 */
final class PayloadReader {
  private final ByteBuffer in;
  private final ProtocolLimits limits;

  PayloadReader(ByteBuffer in, ProtocolLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  private void need(int bytes, String what) {
    if (in.remaining() < bytes)
      throw new ProtocolException(ErrorCode.MALFORMED, "truncated frame: " + what + " needs " + bytes
          + " bytes, " + in.remaining() + " left");
  }

  int u8(String what) {
    need(1, what);
    return in.get() & 0xFF;
  }

  int u16(String what) {
    need(2, what);
    return in.getShort() & 0xFFFF;
  }

  /** An unsigned 32-bit field that must fit a non-negative int (larger values are malformed). */
  int u31(String what) {
    need(4, what);
    int v = in.getInt();
    if (v < 0) throw new ProtocolException(ErrorCode.MALFORMED, what + " out of range: " + Integer.toUnsignedString(v));
    return v;
  }

  /** A u16-length-prefixed UTF-8 string; malformed UTF-8 is refused rather than replaced. */
  String string(String what) {
    int len = u16(what + " length");
    if (len > limits.maxStringLength())
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, what + " of " + len + " bytes exceeds the limit of "
          + limits.maxStringLength());
    need(len, what);
    ByteBuffer slice = in.slice(in.position(), len);
    in.position(in.position() + len);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException(ErrorCode.MALFORMED, what + " is not valid UTF-8");
    }
  }

  /** u32 count, then count x (u32 length, bytes); each checked before its allocation. */
  BlobList blobs(String what) {
    int n = u31(what + " count");
    if (n > limits.maxBlobsPerMessage())
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, what + ": " + n + " blobs exceed the limit of "
          + limits.maxBlobsPerMessage() + " per message");
    // Each blob takes at least 5 bytes (length + one byte): a count the payload cannot hold is truncation,
    // found before the array of n references is allocated.
    if ((long) n * 5 > in.remaining())
      throw new ProtocolException(ErrorCode.MALFORMED, "truncated frame: " + n + " blobs cannot fit in "
          + in.remaining() + " bytes");
    byte[][] out = new byte[n][];
    for (int i = 0; i < n; i++) {
      int len = u31(what + " blob " + i + " length");
      if (len > limits.maxBlobBytes())
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, what + " blob " + i + " of " + len
            + " bytes exceeds the limit of " + limits.maxBlobBytes());
      if (len == 0) throw new ProtocolException(ErrorCode.MALFORMED, what + " blob " + i + " is empty");
      need(len, what + " blob " + i);
      out[i] = new byte[len];
      in.get(out[i]);
    }
    return BlobList.adopt(out);
  }

  int remaining() {
    return in.remaining();
  }
}
