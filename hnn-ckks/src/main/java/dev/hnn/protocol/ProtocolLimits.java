package dev.hnn.protocol;

/**
 * Upper bounds that every reader checks before allocating, and every writer before sending, so that a hostile
 * or broken peer cannot make this side allocate more than these allow (a frame's claimed length, a blob count,
 * a blob length, a string length) or keep a session alive forever (round trips).
 *
 * @param maxFrameBytes whole frame, header included
 * @param maxBlobsPerMessage blobs in one OPEN, LAYER_DATA, REFRESH_REQUEST, REFRESH_RESPONSE or RESULT
 * @param maxBlobBytes one blob (one serialized ciphertext)
 * @param maxStringLength one string field, in UTF-8 bytes (ids, step labels, error messages); at most 65535
 * @param maxRoundTrips REFRESH_REQUEST/REFRESH_RESPONSE pairs in one session
 * @param maxInputBlobs blobs of the input across OPEN and its LAYER_DATA frames
 */
public record ProtocolLimits(int maxFrameBytes, int maxBlobsPerMessage, int maxBlobBytes, int maxStringLength,
    int maxRoundTrips, int maxInputBlobs) {

  /**
   * Defaults sized for the encrypted encoder at N = 16384: a ciphertext of 9 primes is ~2.4 MB (at most ~3.5 MB
   * for a size-3 one), so 8 MiB per blob leaves room for larger parameters; 64 MiB per frame keeps a receiver's
   * worst case bounded while holding a few tens of ciphertexts; 64 round trips cover one refresh per layer and
   * sub-layer of a 6-layer encoder with margin; 1024 input blobs cover the usual packings of 128 tokens x 384
   * features (one ciphertext per token: 128; per feature: 384). The server holds a session's whole input, so
   * its worst case is maxInputBlobs x maxBlobBytes: lower both for a server with many concurrent sessions.
   */
  public static final ProtocolLimits DEFAULTS = new ProtocolLimits(64 << 20, 256, 8 << 20, 1024, 64, 1024);

  public ProtocolLimits {
    positive(maxFrameBytes, "maxFrameBytes");
    positive(maxBlobsPerMessage, "maxBlobsPerMessage");
    positive(maxBlobBytes, "maxBlobBytes");
    positive(maxStringLength, "maxStringLength");
    positive(maxRoundTrips, "maxRoundTrips");
    positive(maxInputBlobs, "maxInputBlobs");
    if (maxFrameBytes <= FrameCodec.HEADER_BYTES)
      throw new IllegalArgumentException("maxFrameBytes must exceed the " + FrameCodec.HEADER_BYTES + "-byte header");
    if (maxStringLength > 0xFFFF)
      throw new IllegalArgumentException("maxStringLength is at most 65535 (strings are u16-length-prefixed)");
  }

  private static void positive(int v, String name) {
    if (v < 1) throw new IllegalArgumentException(name + " must be positive, got " + v);
  }

  public ProtocolLimits withMaxFrameBytes(int v) {
    return new ProtocolLimits(v, maxBlobsPerMessage, maxBlobBytes, maxStringLength, maxRoundTrips, maxInputBlobs);
  }

  public ProtocolLimits withMaxBlobsPerMessage(int v) {
    return new ProtocolLimits(maxFrameBytes, v, maxBlobBytes, maxStringLength, maxRoundTrips, maxInputBlobs);
  }

  public ProtocolLimits withMaxBlobBytes(int v) {
    return new ProtocolLimits(maxFrameBytes, maxBlobsPerMessage, v, maxStringLength, maxRoundTrips, maxInputBlobs);
  }

  public ProtocolLimits withMaxStringLength(int v) {
    return new ProtocolLimits(maxFrameBytes, maxBlobsPerMessage, maxBlobBytes, v, maxRoundTrips, maxInputBlobs);
  }

  public ProtocolLimits withMaxRoundTrips(int v) {
    return new ProtocolLimits(maxFrameBytes, maxBlobsPerMessage, maxBlobBytes, maxStringLength, v, maxInputBlobs);
  }

  public ProtocolLimits withMaxInputBlobs(int v) {
    return new ProtocolLimits(maxFrameBytes, maxBlobsPerMessage, maxBlobBytes, maxStringLength, maxRoundTrips, v);
  }
}
