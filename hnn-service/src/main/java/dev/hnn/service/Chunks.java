package dev.hnn.service;

import com.google.protobuf.ByteString;
import dev.hnn.service.proto.Chunk;
import io.grpc.stub.StreamObserver;

/**
 * Byte payloads larger than one message, as a stream of {@link Chunk}s: the first names the key set (requests)
 * and the total size; a {@link Assembly} checks every chunk against that size as it arrives.
 */
final class Chunks {
  private Chunks() {}

  /** Sends {@code data} in chunks of at most {@link ServiceLimits#KEY_CHUNK_BYTES}; does not complete the stream. */
  static void send(StreamObserver<Chunk> out, String keyId, byte[] data) {
    int off = 0;
    do {
      int len = Math.min(ServiceLimits.KEY_CHUNK_BYTES, data.length - off);
      Chunk.Builder c = Chunk.newBuilder().setData(ByteString.copyFrom(data, off, len));
      if (off == 0) {
        c.setTotalBytes(data.length);
        if (keyId != null) c.setKeyId(keyId);
      }
      out.onNext(c.build());
      off += len;
    } while (off < data.length);
  }

  /** Collects one payload; {@code maxBytes} bounds the declared size before the buffer is allocated. */
  static final class Assembly {
    private byte[] data;
    private int filled;

    /** The first chunk: allocates the declared size once it is known to be within {@code maxBytes}. */
    void begin(Chunk first, long maxBytes) {
      long total = first.getTotalBytes();
      if (total <= 0) throw ServiceException.invalid("the first chunk must declare the total size");
      if (total > maxBytes || total > Integer.MAX_VALUE - 16)
        throw ServiceException.exhausted("a payload of " + total + " bytes exceeds the limit of " + maxBytes);
      data = new byte[(int) total];
      add(first);
    }

    boolean started() {
      return data != null;
    }

    void add(Chunk c) {
      if (c.getData().size() > ServiceLimits.KEY_CHUNK_BYTES)
        throw ServiceException.invalid("chunks carry at most " + ServiceLimits.KEY_CHUNK_BYTES + " bytes");
      if (filled + (long) c.getData().size() > data.length)
        throw ServiceException.invalid("more bytes than the " + data.length + " declared");
      c.getData().copyTo(data, filled);
      filled += c.getData().size();
    }

    /** The payload, once every declared byte arrived. */
    byte[] finish() {
      if (data == null) throw ServiceException.invalid("no chunk arrived");
      if (filled != data.length)
        throw ServiceException.invalid("the stream ended after " + filled + " of the " + data.length + " bytes declared");
      return data;
    }

    long declared() {
      return data == null ? 0 : data.length;
    }
  }
}
