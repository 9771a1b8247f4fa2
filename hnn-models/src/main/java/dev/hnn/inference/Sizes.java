package dev.hnn.inference;

import dev.hnn.ckks.CkksParameters;

/** Upper bounds on serialized sizes, so readers never allocate what a hostile length field claims. */
final class Sizes {
  private Sizes() {}

  /** An uncompressed size-3 ciphertext at the top level plus header room. */
  static long maxCiphertextBytes(CkksParameters p) {
    return 3L * (p.maxLevel() + 1) * p.polyDegree() * 8 + 4096;
  }
}
