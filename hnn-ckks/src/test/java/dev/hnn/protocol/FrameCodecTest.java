package dev.hnn.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

@Timeout(10)
class FrameCodecTest {
  private static final ProtocolLimits LIMITS = ProtocolLimits.DEFAULTS;

  private static ProtocolException fails(ErrorCode code, Executable e) {
    ProtocolException x = assertThrows(ProtocolException.class, e);
    assertEquals(code, x.code(), x.getMessage());
    return x;
  }

  @Test
  void everyMessageTypeRoundTrips() {
    List<Message> samples = Frames.samples(1);
    assertEquals(MessageType.values().length, samples.size());
    for (Message m : samples) {
      byte[] frame = FrameCodec.encode(m, LIMITS);
      Message back = FrameCodec.decode(frame, LIMITS);
      assertEquals(m, back, m.type().toString());
      assertEquals(m.type(), back.type());
      assertArrayEquals(frame, FrameCodec.encode(back, LIMITS), "re-encoding is byte-identical");
      assertEquals(m.type().wireId(), frame[6], "type byte");
    }
  }

  @Test
  void framesFollowOneAnotherOnAStream() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Message> samples = Frames.samples(2);
    for (Message m : samples) FrameStreams.write(out, FrameCodec.encode(m, LIMITS));
    InputStream in = new ByteArrayInputStream(out.toByteArray());
    for (Message m : samples) assertEquals(m, FrameCodec.decode(FrameStreams.read(in, LIMITS), LIMITS));
    fails(ErrorCode.CLOSED, () -> FrameStreams.read(in, LIMITS));
  }

  @Test
  void messagesAreImmutable() {
    byte[] blob = {1, 2, 3};
    Message.Result r = new Message.Result(Frames.ID, 1, BlobList.of(blob));
    blob[0] = 9;
    r.blobs().get(0)[1] = 9;
    r.blobs().toList().get(0)[2] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, r.blobs().get(0));
    Message decoded = FrameCodec.decode(FrameCodec.encode(r, LIMITS), LIMITS);
    assertEquals(r, decoded);
  }

  @Test
  void everyTruncationIsRejected() {
    for (Message m : Frames.samples(3)) {
      byte[] frame = FrameCodec.encode(m, LIMITS);
      for (int n = 0; n < frame.length; n++) {
        byte[] cut = Arrays.copyOf(frame, n);
        ProtocolException e = fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(cut, LIMITS));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        if (n > 0) {
          ProtocolException s = fails(ErrorCode.MALFORMED, () -> FrameStreams.read(new ByteArrayInputStream(cut), LIMITS));
          assertTrue(s.getMessage().contains("truncated"), s.getMessage());
        }
      }
    }
  }

  @Test
  void trailingBytesAreRejected() {
    for (Message m : Frames.samples(4)) {
      byte[] frame = FrameCodec.encode(m, LIMITS);
      byte[] longer = Arrays.copyOf(frame, frame.length + 1);
      assertTrue(fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(longer, LIMITS)).getMessage().contains("trailing"));
      // The same extra byte counted inside the payload: the payload has bytes its type does not use.
      ByteBuffer.wrap(longer).putInt(28, frame.length + 1 - FrameCodec.HEADER_BYTES);
      assertTrue(fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(longer, LIMITS)).getMessage().contains("trailing"));
    }
  }

  /** A header claiming 2 GB: refused from the 32 header bytes, before reading or allocating the payload. */
  @Test
  void twoGigabytePayloadIsRefusedBeforeAllocation() {
    byte[] header = Frames.header(FrameCodec.MAGIC, 1, MessageType.RESULT.wireId(), 0, 1, 2, 1, Integer.MAX_VALUE).array();
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameCodec.decode(header, LIMITS));
    // On a stream, a reader that allocated first would fail with OutOfMemoryError or "truncated".
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameStreams.read(new ByteArrayInputStream(header), LIMITS));
    byte[] unsigned = Frames.header(FrameCodec.MAGIC, 1, MessageType.RESULT.wireId(), 0, 1, 2, 1, -1).array();
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameStreams.read(new ByteArrayInputStream(unsigned), LIMITS));
  }

  @Test
  void oversizedCountsAndLengthsInsidePayloadsAreRefused() {
    // 2^31 - 1 blobs.
    byte[] manyBlobs = Frames.frame(MessageType.RESULT, 1, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameCodec.decode(manyBlobs, LIMITS));
    // Within the count limit but more than the payload can hold: truncation, before the array is allocated.
    byte[] fewBytes = Frames.frame(MessageType.RESULT, 1, ByteBuffer.allocate(4).putInt(200).array());
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(fewBytes, LIMITS));
    // One blob claiming 2 GB.
    byte[] bigBlob = Frames.frame(MessageType.RESULT, 1,
        ByteBuffer.allocate(9).putInt(1).putInt(Integer.MAX_VALUE).put((byte) 1).array());
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameCodec.decode(bigBlob, LIMITS));
    // A blob length with the top bit set.
    byte[] negative = Frames.frame(MessageType.RESULT, 1, ByteBuffer.allocate(9).putInt(1).putInt(-5).put((byte) 1).array());
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(negative, LIMITS));
    // A step label longer than the string limit.
    ProtocolLimits small = LIMITS.withMaxStringLength(8);
    Message q = new Message.RefreshRequest(Frames.ID, 1, "a-rather-long-label", BlobList.of(new byte[] {1}));
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameCodec.decode(FrameCodec.encode(q, LIMITS), small));
    // OPEN announcing more input blobs than allowed.
    Message open = new Message.Open(Frames.ID, Frames.HEADER, 2000, BlobList.of(new byte[] {1}));
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameCodec.decode(FrameCodec.encode(open, LIMITS.withMaxInputBlobs(2000)), LIMITS));
  }

  @Test
  void limitsAreAlsoCheckedWhenEncoding() {
    Random rnd = new Random(5);
    Message r = new Message.Result(Frames.ID, 1, Frames.blobs(rnd, 4, 100));
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameCodec.encode(r, LIMITS.withMaxBlobsPerMessage(3)));
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameCodec.encode(r, LIMITS.withMaxFrameBytes(100)));
    Message big = new Message.Result(Frames.ID, 1, BlobList.of(new byte[101]));
    fails(ErrorCode.LIMIT_EXCEEDED, () -> FrameCodec.encode(big, LIMITS.withMaxBlobBytes(100)));
  }

  @Test
  void headerFieldsAreValidated() {
    byte[] frame = FrameCodec.encode(new Message.Close(Frames.ID, 1), LIMITS);
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(patch(frame, 0, 0x49), LIMITS));  // magic
    fails(ErrorCode.UNSUPPORTED_VERSION, () -> FrameCodec.decode(patch(frame, 5, 2), LIMITS));
    ProtocolException unknown = fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(patch(frame, 6, 42), LIMITS));
    assertTrue(unknown.getMessage().contains("unknown message type 42"), unknown.getMessage());
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(patch(frame, 6, 0), LIMITS));
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(patch(frame, 7, 1), LIMITS));  // reserved
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(patch(frame, 24, 0x80), LIMITS));  // sequence >= 2^31
    byte[] zeroId = frame.clone();
    Arrays.fill(zeroId, 8, 24, (byte) 0);
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(zeroId, LIMITS));
    byte[] openSeq = FrameCodec.encode(Frames.samples(6).get(0), LIMITS);
    fails(ErrorCode.BAD_SEQUENCE, () -> FrameCodec.decode(patch(openSeq, 27, 3), LIMITS));
  }

  @Test
  void payloadFieldsAreValidated() {
    // Unknown error code.
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(Frames.frame(MessageType.ERROR, 1, new byte[] {99, 0, 0}), LIMITS));
    // Invalid UTF-8 and a control character in an error message.
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(Frames.frame(MessageType.ERROR, 1,
        new byte[] {1, 0, 2, (byte) 0xC3, (byte) 0x28}), LIMITS));
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(Frames.frame(MessageType.ERROR, 1, new byte[] {1, 0, 1, 10}), LIMITS));
    // A step label outside the identifier alphabet.
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(Frames.frame(MessageType.REFRESH_REQUEST, 1,
        new byte[] {0, 1, ' ', 0, 0, 0, 1, 0, 0, 0, 1, 7}), LIMITS));
    // An empty blob; a refresh request without blobs.
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(Frames.frame(MessageType.RESULT, 1,
        new byte[] {0, 0, 0, 1, 0, 0, 0, 0}), LIMITS));
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(Frames.frame(MessageType.RESULT, 1, new byte[] {0, 0, 0, 0}), LIMITS));
    // A token count above its bucket (offset of the token count: 2 + 3 strings + 2).
    byte[] open = FrameCodec.encode(new Message.Open(Frames.ID, Frames.HEADER, 1, BlobList.of(new byte[] {1})), LIMITS);
    int tokens = FrameCodec.HEADER_BYTES + (int) InputSplitter.openOverhead(Frames.HEADER) - 10;
    assertEquals(9, open[tokens + 1]);
    fails(ErrorCode.MALFORMED, () -> FrameCodec.decode(patch(open, tokens + 1, 33), LIMITS));
  }

  @Test
  void limitsAndRecordsRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> LIMITS.withMaxFrameBytes(32));
    assertThrows(IllegalArgumentException.class, () -> LIMITS.withMaxStringLength(70000));
    assertThrows(IllegalArgumentException.class, () -> new SessionId(0, 0));
    assertThrows(IllegalArgumentException.class, () -> OpenHeader.of("a b", "k", "m", 8, 1));
    assertThrows(IllegalArgumentException.class, () -> OpenHeader.of("s", "k", "m", 8, 9));
    assertThrows(IllegalArgumentException.class, () -> BlobList.of(new byte[0]));
    assertNotEquals(SessionId.random(), SessionId.random());
  }

  private static byte[] patch(byte[] frame, int offset, int value) {
    byte[] b = frame.clone();
    b[offset] = (byte) value;
    return b;
  }
}
