package dev.hnn.protocol;

import java.util.List;

/**
 * The client's part of a refresh: decrypt the masked ciphertexts and encrypt the values again, fresh (full
 * level, small noise). The protocol does not know what the blobs are; the encrypted encoder plugs in here.
 */
@FunctionalInterface
public interface BlobReencryptor {
  /**
   * @param step the server's label for this point of the computation
   * @param masked the blobs to refresh (copies the implementation may keep or change)
   * @return one refreshed blob per input blob, in the same order
   */
  List<byte[]> reencrypt(String step, List<byte[]> masked);
}
