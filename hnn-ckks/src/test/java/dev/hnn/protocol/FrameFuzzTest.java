package dev.hnn.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random mutations of valid frames: each must decode to a message or fail with a
 * {@link ProtocolException}, never another exception and never an allocation beyond the limits.
 */
@Timeout(20)
class FrameFuzzTest {
  private static final long SEED = 20261206L;
  private static final int MUTATIONS = 1000;
  /** Small limits, so that a mutated length field reaches them often. */
  private static final ProtocolLimits TIGHT = new ProtocolLimits(4096, 8, 256, 64, 4, 16);

  @Test
  void randomMutationsGiveOnlyProtocolExceptions() {
    Random rnd = new Random(SEED);
    List<Message> samples = Frames.samples(SEED);
    Map<ErrorCode, Integer> codes = new EnumMap<>(ErrorCode.class);
    int accepted = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      Message original = samples.get(rnd.nextInt(samples.size()));
      byte[] mutated = mutate(FrameCodec.encode(original, TIGHT), rnd);
      for (ProtocolLimits limits : List.of(TIGHT, ProtocolLimits.DEFAULTS)) {
        boolean ok = decodes(mutated, limits, i, codes);
        if (limits == TIGHT && ok) accepted++;
        decodesFromStream(mutated, limits, i);
      }
    }
    // Most mutations hit the structure; some (inside blob bytes) leave a valid frame: both paths ran.
    assertTrue(accepted > 0 && accepted < MUTATIONS / 2, "accepted " + accepted);
    for (ErrorCode c : List.of(ErrorCode.MALFORMED, ErrorCode.LIMIT_EXCEEDED, ErrorCode.UNSUPPORTED_VERSION))
      assertTrue(codes.getOrDefault(c, 0) > 0, "no mutation produced " + c + ": " + codes);
  }

  private static boolean decodes(byte[] frame, ProtocolLimits limits, int i, Map<ErrorCode, Integer> codes) {
    try {
      Message m = FrameCodec.decode(frame, limits);
      // Whatever decodes re-encodes to the same bytes: the format has one spelling per message.
      assertEquals(Arrays.toString(frame), Arrays.toString(FrameCodec.encode(m, limits)), "mutation " + i);
      return true;
    } catch (ProtocolException e) {
      codes.merge(e.code(), 1, Integer::sum);
      return false;
    } catch (Throwable t) {
      fail("mutation " + i + " (seed " + SEED + ") threw " + t, t);
      return false;
    }
  }

  private static void decodesFromStream(byte[] frame, ProtocolLimits limits, int i) {
    try {
      FrameCodec.decode(FrameStreams.read(new ByteArrayInputStream(frame), limits), limits);
    } catch (ProtocolException e) {
      // expected for most
    } catch (Throwable t) {
      fail("mutation " + i + " (seed " + SEED + ") on a stream threw " + t, t);
    }
  }

  private static byte[] mutate(byte[] f, Random rnd) {
    byte[] b = f.clone();
    switch (rnd.nextInt(7)) {
      case 0: {  // flip one bit
        int p = rnd.nextInt(b.length);
        b[p] ^= (byte) (1 << rnd.nextInt(8));
        return b;
      }
      case 1: {  // one random byte
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        return b;
      }
      case 2: {  // an extreme 32-bit value anywhere (hits length and count fields)
        int[] extremes = {Integer.MAX_VALUE, -1, Integer.MIN_VALUE, 0, 1, 255, 4096, 1 << 20};
        int p = rnd.nextInt(b.length - 3);
        ByteBuffer.wrap(b).putInt(p, extremes[rnd.nextInt(extremes.length)]);
        return b;
      }
      case 3:  // truncate
        return Arrays.copyOf(b, rnd.nextInt(b.length));
      case 4: {  // insert bytes
        int p = rnd.nextInt(b.length + 1);
        byte[] extra = Frames.bytes(rnd, 1 + rnd.nextInt(8));
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, p);
        System.arraycopy(extra, 0, out, p, extra.length);
        System.arraycopy(b, p, out, p + extra.length, b.length - p);
        return out;
      }
      case 5: {  // delete a range
        int p = rnd.nextInt(b.length);
        int n = 1 + rnd.nextInt(Math.min(8, b.length - p));
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, p);
        System.arraycopy(b, p + n, out, p, b.length - p - n);
        return out;
      }
      default: {  // several random bytes
        int k = 2 + rnd.nextInt(6);
        for (int j = 0; j < k; j++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        return b;
      }
    }
  }
}
