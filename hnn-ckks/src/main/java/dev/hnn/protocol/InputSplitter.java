package dev.hnn.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a session's input blobs into OPEN's share and LAYER_DATA batches so that every frame respects the
 * blob-count and frame-size limits. Greedy, in order: the server concatenates the batches as they come.
 */
final class InputSplitter {
  private InputSplitter() {}

  /** Bytes of OPEN's payload besides its blobs' (4 + length each): ids, numbers, blob count. */
  static long openOverhead(OpenHeader h) {
    return 2 + 2 + utf8(h.specId()) + 2 + utf8(h.keyId()) + 2 + utf8(h.modelId()) + 2 + 2 + 4 + 4;
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The batches: the first for OPEN (possibly empty), then one per LAYER_DATA frame (never empty). */
  static List<BlobList> split(OpenHeader header, BlobList input, ProtocolLimits limits) {
    long room = limits.maxFrameBytes() - FrameCodec.HEADER_BYTES;
    List<BlobList> batches = new ArrayList<>();
    int start = 0;
    long used = openOverhead(header);
    for (int i = 0; i < input.size(); i++) {
      long cost = 4L + input.length(i);
      if (input.length(i) > limits.maxBlobBytes() || 4 + 4 + cost > room)
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "input blob " + i + " of " + input.length(i)
            + " bytes cannot fit one frame under the limits");
      if (used + cost > room || i - start == limits.maxBlobsPerMessage()) {
        batches.add(input.slice(start, i));
        start = i;
        used = 4;  // a LAYER_DATA payload: blob count, then blobs
      }
      used += cost;
    }
    batches.add(input.slice(start, input.size()));
    return batches;
  }
}
