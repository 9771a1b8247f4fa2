package dev.hnn.refresh;

import dev.hnn.ckks.CkksContext;

/**
 * How many bits the refresh mask needs, and where it fits.
 *
 * <p>The client sees x + r, where x is the integer polynomial the ciphertext decrypts to (message, noise and the
 * server's fresh encryption of zero) and r is the mask, each coefficient uniform in [-2^(k-1), 2^(k-1)). For one
 * coefficient, the statistical distance between r and x + r is |x| / 2^k; over the N coefficients (union bound)
 * it is at most N B / 2^k when every |x_i| <= B. With
 *
 * <pre>  k = ceil(log2 B) + log2 N + {@value #STATISTICAL_SECURITY_BITS}</pre>
 *
 * that is at most 2^-40: the client's view is within 2^-40 of one that does not depend on x.
 *
 * <p>B: slot values of magnitude at most v at scale Δ give coefficients of magnitude at most v Δ (every
 * coefficient is an average of the N values of the canonical embedding, conjugates included), and the server's
 * encryption of zero adds e_0 + e_pk u + e_1 s, whose coefficients are at most 19 (2N + 1) (Gaussian samples are
 * cut at 19, u and s are ternary). So B = v Δ + 19 (2N + 1). The bound v must cover the values as decrypted,
 * noise included; a value above it still refreshes correctly (up to 2^(k-1)), only the distance bound grows in
 * proportion.
 *
 * <p>The ciphertext's level must hold k + {@value #HEADROOM_BITS} bits of modulus so that x + r never wraps
 * modulo Q_l: |x + r| < 2^(k-1) + B <= 2^k <= Q_l / 2.
 */
public final class RefreshBound {
  /** The statistical distance bound is 2^-40. */
  public static final int STATISTICAL_SECURITY_BITS = 40;
  /** Bits of modulus above the mask bits. */
  public static final int HEADROOM_BITS = 2;
  /** Largest Gaussian sample of the engine (its sampler's cut). */
  static final int NOISE_SAMPLE_BOUND = 19;

  private RefreshBound() {}

  /** B: the bound on the coefficients of what the client decrypts, before the mask. */
  public static double coefficientBound(double valueBound, double scale, int ringDegree) {
    if (!(valueBound > 0) || Double.isInfinite(valueBound))
      throw new IllegalArgumentException("value bound must be positive and finite, got " + valueBound);
    if (!(scale >= 1) || Double.isInfinite(scale))
      throw new IllegalArgumentException("scale must be at least 1 and finite, got " + scale);
    if (ringDegree < 2 || Integer.bitCount(ringDegree) != 1)
      throw new IllegalArgumentException("ring degree must be a power of two, got " + ringDegree);
    double fresh = (double) NOISE_SAMPLE_BOUND * (2.0 * ringDegree + 1);
    // Rounded up: B must not be underestimated by the double arithmetic.
    return Math.nextUp(Math.nextUp(valueBound * scale) + fresh);
  }

  /** k: the mask's bits for slot values bounded by {@code valueBound} at {@code scale} in degree N. */
  public static int maskBits(double valueBound, double scale, int ringDegree) {
    double b = coefficientBound(valueBound, scale, ringDegree);
    return ceilLog2(b) + Integer.numberOfTrailingZeros(ringDegree) + STATISTICAL_SECURITY_BITS;
  }

  /** Bits of modulus a ciphertext's level needs for a mask of {@code maskBits}. */
  public static int requiredModulusBits(int maskBits) {
    return maskBits + HEADROOM_BITS;
  }

  /** log2 of the statistical distance bound N B / 2^k (at most -40 for k = {@link #maskBits}). */
  public static double log2DistanceBound(double coefficientBound, int ringDegree, int maskBits) {
    return Math.log(coefficientBound) / Math.log(2) + Integer.numberOfTrailingZeros(ringDegree) - maskBits;
  }

  /**
   * The lowest level of the context at which a mask of {@code maskBits} fits (the refresh reserve of
   * {@link LevelPlanner}), or -1 if none does.
   */
  public static int lowestLevel(CkksContext context, int maskBits) {
    for (int l = 0; l <= context.maxLevel(); l++) {
      if (context.log2ModulusAt(l) >= requiredModulusBits(maskBits)) return l;
    }
    return -1;
  }

  /** ceil(log2 x) for x >= 1, exactly (no logarithm). */
  static int ceilLog2(double x) {
    if (!(x >= 1)) return 0;
    int e = Math.getExponent(x);
    return x == Math.scalb(1.0, e) ? e : e + 1;
  }
}
