package dev.hnn.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Valid sample messages of every type and helpers to forge frames, for the codec and session tests. */
final class Frames {
  private Frames() {}

  static final SessionId ID = new SessionId(0x0123456789abcdefL, 0xfedcba9876543210L);
  static final OpenHeader HEADER = OpenHeader.of("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "00112233445566778899aabbccddeeff",
      "minilm-l6.sst2", 32, 9);

  static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  static BlobList blobs(Random rnd, int count, int maxLen) {
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < count; i++) l.add(bytes(rnd, 1 + rnd.nextInt(maxLen)));
    return BlobList.of(l);
  }

  /** One message of every type, with a few blobs each. */
  static List<Message> samples(long seed) {
    Random rnd = new Random(seed);
    return List.of(
        new Message.Open(ID, HEADER, 5, blobs(rnd, 3, 40)),
        new Message.LayerData(ID, 1, blobs(rnd, 2, 40)),
        new Message.RefreshRequest(ID, 1, "layer0.attention:softmax-in", blobs(rnd, 3, 40)),
        new Message.RefreshResponse(ID, 1, blobs(rnd, 3, 40)),
        new Message.Result(ID, 4, blobs(rnd, 1, 40)),
        new Message.ErrorReport(ID, 3, ErrorCode.INCOMPATIBLE, "another service — fetch its spec"),
        new Message.Close(ID, 7));
  }

  /** A bare 32-byte header with the given fields. */
  static ByteBuffer header(int magic, int version, int type, int reserved, long hi, long lo, int seq, int length) {
    ByteBuffer b = ByteBuffer.allocate(FrameCodec.HEADER_BYTES);
    b.putInt(magic).putShort((short) version).put((byte) type).put((byte) reserved).putLong(hi).putLong(lo)
        .putInt(seq).putInt(length);
    return b.flip();
  }

  static byte[] frame(MessageType type, int seq, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(FrameCodec.HEADER_BYTES + payload.length);
    b.put(header(FrameCodec.MAGIC, FrameCodec.VERSION, type.wireId(), 0, ID.high(), ID.low(), seq, payload.length));
    b.put(payload);
    return b.array();
  }
}
