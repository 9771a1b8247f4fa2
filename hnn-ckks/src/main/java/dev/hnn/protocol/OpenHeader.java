package dev.hnn.protocol;

/**
 * What a client asks for when it opens a session, besides its input blobs.
 *
 * <p><b>Token count and padding.</b> The client sends its sentence padded to {@code lengthBucket} tokens and
 * says in the clear how many are real ({@code tokenCount}, 1 to the bucket); the server derives a plaintext
 * attention mask from it (the first {@code tokenCount} positions attend, the rest are padding). The server
 * needs the mask in plaintext anyway (masking scores under encryption would cost multiplicative depth), so
 * the exact length is revealed to it; a client that wants to reveal only the bucket sends
 * {@code tokenCount = lengthBucket}, and its padding positions then count as tokens.
 *
 * @param protocolVersion the session protocol version the client speaks ({@link SessionProtocol#VERSION});
 *     distinct from the frame version so a server can answer an unknown one with an ERROR frame
 * @param specId the service spec id the keys and blobs were made for
 * @param keyId the id of the client's key set (the server must hold its evaluation keys)
 * @param modelId the model the client wants to run
 * @param lengthBucket padded sequence length, 1 to 65535
 * @param tokenCount real tokens, 1 to {@code lengthBucket}
 */
public record OpenHeader(int protocolVersion, String specId, String keyId, String modelId, int lengthBucket,
    int tokenCount) {
  public OpenHeader {
    if (protocolVersion < 1 || protocolVersion > 0xFFFF)
      throw new IllegalArgumentException("protocol version must be 1 to 65535, got " + protocolVersion);
    Text.identifier(specId, "spec id");
    Text.identifier(keyId, "key id");
    Text.identifier(modelId, "model id");
    if (lengthBucket < 1 || lengthBucket > 0xFFFF)
      throw new IllegalArgumentException("length bucket must be 1 to 65535, got " + lengthBucket);
    if (tokenCount < 1 || tokenCount > lengthBucket)
      throw new IllegalArgumentException("token count must be 1 to the bucket (" + lengthBucket + "), got "
          + tokenCount);
  }

  /** A header in the current session protocol version. */
  public static OpenHeader of(String specId, String keyId, String modelId, int lengthBucket, int tokenCount) {
    return new OpenHeader(SessionProtocol.VERSION, specId, keyId, modelId, lengthBucket, tokenCount);
  }
}
