package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import java.util.Arrays;
import java.util.Objects;

/**
 * How to bootstrap (docs/bootstrapping.md): the slot count of the messages, the levels each homomorphic DFT may
 * use, the message scale, and whether to keep the transforms' plaintexts in memory. The same options go to
 * {@link CkksContext.Builder#bootstrapping} (which keys to make) and to {@link Bootstrapper#create} (the
 * transforms that use them). Immutable.
 *
 * <pre>{@code
 * BootstrapOptions opts = BootstrapOptions.builder().ctsLevels(2).stcLevels(2).build();
 * CkksParameters params = opts.chain(1 << 16, 47, 12, 40, 6).build();   // room for bootstrapping + 12 levels
 * }</pre>
 */
public final class BootstrapOptions {
  /** Bits of the primes each stage of bootstrapping divides by (as the native reference chain). */
  private static final int CTS_BITS = 60;
  private static final int EVAL_MOD_BITS = 60;
  private static final int STC_BITS = 58;
  private static final int SPECIAL_BITS = 60;

  private final int slots;
  private final int ctsLevels;
  private final int stcLevels;
  private final double messageScale;
  private final boolean cachePlaintexts;

  private BootstrapOptions(Builder b) {
    this.slots = b.slots;
    this.ctsLevels = b.ctsLevels;
    this.stcLevels = b.stcLevels;
    this.messageScale = b.messageScale;
    this.cachePlaintexts = b.cachePlaintexts;
  }

  /** Full slots, 3 + 3 transform levels, the context's scale as message scale, cached plaintexts. */
  public static BootstrapOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Slots of the messages; 0 means N/2 (full packing). */
  public int slots() {
    return slots;
  }

  /** Levels (= factors of the DFT) CoeffsToSlots uses. */
  public int ctsLevels() {
    return ctsLevels;
  }

  /** Levels SlotsToCoeffs uses. */
  public int stcLevels() {
    return stcLevels;
  }

  /** The scale messages are encoded at; 0 means the context's default scale. */
  public double messageScale() {
    return messageScale;
  }

  /** The message scale: the option, or {@code contextScale} (the context's default) if none was set. */
  double messageScaleOr(double contextScale) {
    return messageScale > 0 ? messageScale : contextScale;
  }

  public boolean cachePlaintexts() {
    return cachePlaintexts;
  }

  /** The same options without the plaintext cache (cheap: enough to list the Galois elements). */
  BootstrapOptions withoutCache() {
    return builder().slots(slots).ctsLevels(ctsLevels).stcLevels(stcLevels).messageScale(messageScale)
        .cachePlaintexts(false).build();
  }

  /**
   * Levels bootstrapping consumes above level 0 (CoeffsToSlots + EvalMod + SlotsToCoeffs): the context needs at
   * least this many, and bootstrapped ciphertexts come out at {@code maxLevel - requiredDepth()}.
   */
  public int requiredDepth() {
    Native.ensureLoaded();
    return (int) HnnNative.bootstrap_required_depth(ctsLevels, stcLevels);
  }

  /**
   * Parameters with room for bootstrapping, as the native benchmark's reference chain: q_0 of {@code q0Bits},
   * {@code computeLevels} primes of {@code computeBits} left for the computation after each bootstrap, then
   * SlotsToCoeffs (58-bit), EvalMod and CoeffsToSlots (60-bit) primes, and {@code specialPrimes} 60-bit special
   * primes. The scale is the message scale (2^computeBits if none was set). q_0 / scale trades the sine's error
   * on large values against EvalMod's noise: 2^7 at N = 2^16, 2^10 at toy N (docs/bootstrapping.md). Add
   * {@code insecureForTesting()} for toy N.
   */
  public CkksParameters.Builder chain(
      int polyDegree, int q0Bits, int computeLevels, int computeBits, int specialPrimes) {
    if (computeLevels < 0) throw new IllegalArgumentException("compute levels must be >= 0, got " + computeLevels);
    if (specialPrimes < 1) throw new IllegalArgumentException("need at least one special prime, got " + specialPrimes);
    int depth = requiredDepth();
    int evalMod = depth - ctsLevels - stcLevels;
    int[] bits = new int[1 + computeLevels + depth + specialPrimes];
    int i = 0;
    bits[i++] = q0Bits;
    for (int k = 0; k < computeLevels; k++) bits[i++] = computeBits;
    for (int k = 0; k < stcLevels; k++) bits[i++] = STC_BITS;
    for (int k = 0; k < evalMod; k++) bits[i++] = EVAL_MOD_BITS;
    for (int k = 0; k < ctsLevels; k++) bits[i++] = CTS_BITS;
    Arrays.fill(bits, i, bits.length, SPECIAL_BITS);
    return CkksParameters.builder()
        .polyDegree(polyDegree)
        .coeffModulusBits(bits)
        .specialPrimes(specialPrimes)
        .scale(messageScaleOr(Math.scalb(1.0, computeBits)));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BootstrapOptions)) return false;
    BootstrapOptions b = (BootstrapOptions) o;
    return slots == b.slots && ctsLevels == b.ctsLevels && stcLevels == b.stcLevels
        && Double.compare(messageScale, b.messageScale) == 0 && cachePlaintexts == b.cachePlaintexts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(slots, ctsLevels, stcLevels, messageScale, cachePlaintexts);
  }

  @Override
  public String toString() {
    return "BootstrapOptions{slots=" + (slots == 0 ? "N/2" : slots) + ", cts=" + ctsLevels + ", stc=" + stcLevels
        + ", messageScale=" + (messageScale > 0 ? "2^" + Math.log(messageScale) / Math.log(2) : "context's")
        + (cachePlaintexts ? "" : ", no plaintext cache") + "}";
  }

  /** Builder of {@link BootstrapOptions}; the setters check their argument's shape. */
  public static final class Builder {
    private int slots;
    private int ctsLevels = 3;
    private int stcLevels = 3;
    private double messageScale;
    private boolean cachePlaintexts = true;

    private Builder() {}

    /**
     * Slots of the messages: 0 (N/2) or a power of two; fewer slots (values repeated over the N/2 slots, as
     * encoding n values replicated gives) make smaller transforms but larger coefficients.
     */
    public Builder slots(int slots) {
      if (slots < 0 || (slots != 0 && (slots < 2 || Integer.bitCount(slots) != 1)))
        throw new IllegalArgumentException("slots must be 0 (N/2) or a power of two >= 2, got " + slots);
      this.slots = slots;
      return this;
    }

    /** Levels of CoeffsToSlots (1 .. log2 slots): more levels, fewer rotations per level. */
    public Builder ctsLevels(int levels) {
      this.ctsLevels = checkLevels(levels, "CoeffsToSlots");
      return this;
    }

    /** Levels of SlotsToCoeffs (1 .. log2 slots). */
    public Builder stcLevels(int levels) {
      this.stcLevels = checkLevels(levels, "SlotsToCoeffs");
      return this;
    }

    /** The scale messages are encoded at (q_0 / scale must be at least 2^6); 0: the context's scale. */
    public Builder messageScale(double scale) {
      if (!(scale == 0 || scale > 1) || !Double.isFinite(scale))
        throw new IllegalArgumentException("message scale must be 0 (the context's) or finite and > 1, got " + scale);
      this.messageScale = scale;
      return this;
    }

    /**
     * Keep the transforms' plaintexts encoded (fast; about 3.5 GB at N = 2^16, full slots) or encode them at
     * each bootstrap from their diagonals (a few MB).
     */
    public Builder cachePlaintexts(boolean cache) {
      this.cachePlaintexts = cache;
      return this;
    }

    public BootstrapOptions build() {
      return new BootstrapOptions(this);
    }

    private static int checkLevels(int levels, String what) {
      if (levels < 1 || levels > 17)
        throw new IllegalArgumentException(what + " levels must be in [1, 17], got " + levels);
      return levels;
    }
  }
}
