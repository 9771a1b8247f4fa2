package dev.hnn.ckks;

/** Security level that parameters are checked against when a context is created. */
public enum SecurityLevel {
  /**
   * 128-bit classical security for a uniform ternary secret, per the Homomorphic Encryption Standard: the
   * total coefficient modulus (data and special primes) is at most 27, 54, 109, 218, 438, 881 and 1772 bits
   * for N = 1024 ... 65536.
   */
  CLASSICAL_128,
  /** No check at all. For tests with toy parameters only: such parameters give no security. */
  NONE
}
