package dev.hnn.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Frames over a byte stream (a socket, a pipe, a file): frames are self-delimiting, so they can simply follow
 * one another. The header is read and validated before the payload is allocated, so a header claiming 2 GB
 * costs 32 bytes of reading, not 2 GB of memory.
 */
public final class FrameStreams {
  private FrameStreams() {}

  /**
   * The next whole frame's bytes (header included), validated as far as the header; decode it with
   * {@link FrameCodec#decode}. A stream that ends before the first byte gives {@link ErrorCode#CLOSED}; one that
   * ends inside a frame gives {@link ErrorCode#MALFORMED} ("truncated").
   */
  public static byte[] read(InputStream in, ProtocolLimits limits) throws IOException {
    byte[] header = new byte[FrameCodec.HEADER_BYTES];
    int got = in.readNBytes(header, 0, header.length);
    if (got == 0) throw new ProtocolException(ErrorCode.CLOSED, "the stream ended between frames");
    if (got < header.length)
      throw new ProtocolException(ErrorCode.MALFORMED, "truncated frame: the stream ended inside a header");
    FrameHeader h = FrameCodec.decodeHeader(ByteBuffer.wrap(header), limits);
    byte[] frame = new byte[FrameCodec.HEADER_BYTES + h.payloadLength()];
    System.arraycopy(header, 0, frame, 0, header.length);
    if (in.readNBytes(frame, header.length, h.payloadLength()) < h.payloadLength())
      throw new ProtocolException(ErrorCode.MALFORMED, "truncated frame: the stream ended inside a "
          + h.type() + " payload");
    return frame;
  }

  public static void write(OutputStream out, byte[] frame) throws IOException {
    out.write(frame);
    out.flush();
  }
}
