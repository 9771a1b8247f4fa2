package dev.hnn.ckks;

/**
 * The CKKS implementation behind a {@link CkksContext} (issue 19). Every class of this package, {@link CkksVector},
 * the circuit layer and the encrypted head run unchanged on either; objects of contexts of different backends
 * never mix ({@link IncompatibleObjectsException}).
 *
 * <ul>
 *   <li>{@link #HNN} (default): HNN's own native RNS-CKKS engine, in the default jar.
 *   <li>{@link #SEAL}: Microsoft SEAL 4.x through a JavaCPP binding that is built only when SEAL is present
 *       (Maven profile {@code seal}) and ships in the separate jar {@code hnn-<version>-seal.jar}. SEAL uses
 *       exactly one special prime; hoisted rotations, rotate-and-sum and the fused multiply-accumulate are
 *       composed from SEAL's single operations (same results, no speed-up); client-aided refresh
 *       ({@link RefreshPrimitives}) and the engine's thread count are HNN-only. Serialized objects use SEAL's
 *       format and load only into SEAL contexts.
 * </ul>
 */
public enum Backend {
  HNN,
  SEAL;

  /** Whether this backend's native library is present (always true for {@link #HNN} on linux-x86_64). */
  public boolean isAvailable() {
    if (this == HNN) return true;
    return dev.hnn.ckks.sealjni.SealAvailability.isAvailable();
  }
}
