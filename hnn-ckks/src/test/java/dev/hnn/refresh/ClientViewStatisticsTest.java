package dev.hnn.refresh;

import static dev.hnn.refresh.RefreshContexts.encryptAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Plaintext;
import dev.hnn.ckks.RefreshPrimitives;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the client decrypts must not depend on the message: masked coefficients of two very different messages
 * (all zeros, and values at the bound) agree in mean, variance and the histogram of their top bits, over many
 * coefficients; and the mask itself is uniform over its range. Tolerances are 6 standard deviations (or a
 * chi-square tail below 1e-6), so a correct implementation fails with negligible probability, and a control
 * shows that the same statistics separate the unmasked messages by far.
 */
class ClientViewStatisticsTest {
  private static final int TRIALS = 6; // ciphertexts per message: 6 x 4096 coefficients
  private static final int TOP_BITS = 4;

  /** The client's view of ciphertexts of one message: masked coefficients divided by 2^(k-24), as doubles. */
  private static double[] maskedView(CkksContext ctx, double[] values, int bits, boolean mask) {
    return view(ctx, values, bits, mask, bits - 24);
  }

  private static double[] view(CkksContext ctx, double[] values, int bits, boolean mask, int shift) {
    int n = 2 * ctx.slotCount();
    double[] view = new double[TRIALS * n];
    for (int t = 0; t < TRIALS; t++) {
      try (Ciphertext c = encryptAt(ctx, values, 2);
          Plaintext r = RefreshPrimitives.sampleMask(ctx, bits)) {
        if (mask) RefreshPrimitives.applyMask(c, r, bits);
        try (Plaintext seen = ctx.decryptor().decrypt(c)) {
          long[] coeffs = RefreshPrimitives.integerCoefficients(seen, shift);
          for (int i = 0; i < n; i++) view[t * n + i] = coeffs[i];
        }
      }
    }
    return view;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) s += v;
    return s / x.length;
  }

  private static double variance(double[] x) {
    double m = mean(x), s = 0;
    for (double v : x) s += (v - m) * (v - m);
    return s / (x.length - 1);
  }

  /** Histogram of the top bits of x / 2^23 in [-1, 1): 2^TOP_BITS bins. */
  private static long[] topBits(double[] x) {
    int bins = 1 << TOP_BITS;
    long[] h = new long[bins];
    for (double v : x) {
      int b = (int) Math.floor((v / Math.scalb(1.0, 23) + 1) / 2 * bins);
      h[Math.max(0, Math.min(bins - 1, b))]++;
    }
    return h;
  }

  /** Two-sample chi-square statistic of histograms with equal totals (df = bins - 1). */
  private static double chiSquare(long[] a, long[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] + b[i] > 0) s += Math.pow(a[i] - b[i], 2) / (a[i] + b[i]);
    }
    return s;
  }

  // chi-square with 15 degrees of freedom exceeds 52 with probability below 1e-6.
  private static final double CHI2_15_TAIL = 52;

  @Test
  void maskedCoefficientsDoNotDependOnTheMessage() {
    CkksContext ctx = RefreshContexts.deep();
    double bound = 8.0;
    int bits = RefreshBound.maskBits(bound, ctx.scale(), 2 * ctx.slotCount());
    double[] zeros = new double[ctx.slotCount()];
    double[] extreme = new double[ctx.slotCount()];
    Random rnd = new Random(8);
    for (int i = 0; i < extreme.length; i++) extreme[i] = rnd.nextBoolean() ? bound : -bound;

    double[] a = maskedView(ctx, zeros, bits, true);
    double[] b = maskedView(ctx, extreme, bits, true);
    int n = a.length;
    // Uniform on [-2^23, 2^23): variance 2^46 / 3.
    double var = Math.scalb(1.0, 46) / 3;
    double sdMeanDiff = Math.sqrt(2 * var / n);
    assertTrue(Math.abs(mean(a) - mean(b)) < 6 * sdMeanDiff, "means " + mean(a) + " vs " + mean(b));
    // Var(X^2) = 0.8 var^2 for a uniform X: the sample variances differ by 6 sd at most.
    double sdVarRatio = Math.sqrt(2 * 0.8 / n);
    assertTrue(Math.abs(variance(a) / variance(b) - 1) < 6 * sdVarRatio, "variances " + variance(a) + " vs " + variance(b));
    assertTrue(Math.abs(variance(a) / var - 1) < 6 * Math.sqrt(0.8 / n), "variance " + variance(a) + " vs uniform " + var);
    double chi = chiSquare(topBits(a), topBits(b));
    assertTrue(chi < CHI2_15_TAIL, "top-bit histograms differ: chi2 = " + chi);

    // Control: without the mask (exact coefficients, no shift), the variances tell the messages apart at once.
    double[] ua = view(ctx, zeros, bits, false, 0);
    double[] ub = view(ctx, extreme, bits, false, 0);
    double ratio = variance(ub) / variance(ua);
    assertTrue(ratio > 1e6, "unmasked variance ratio " + ratio);
  }

  @Test
  void maskIsUniformOverItsRange() {
    CkksContext ctx = RefreshContexts.secure(); // N = 8192
    int bits = 30;
    long half = 1L << (bits - 1);
    int bins = 64;
    long[] h = new long[bins];
    double sum = 0, sq = 0;
    long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
    int count = 0;
    for (int t = 0; t < 4; t++) {
      try (Plaintext r = RefreshPrimitives.sampleMask(ctx, bits)) {
        assertEquals(ctx.maxLevel(), r.level());
        for (long v : RefreshPrimitives.integerCoefficients(r, 0)) {
          assertTrue(v >= -half && v < half, "mask coefficient out of range");
          h[(int) ((v + half) >>> (bits - 6))]++;
          sum += v;
          sq += (double) v * v;
          min = Math.min(min, v);
          max = Math.max(max, v);
          count++;
        }
      }
    }
    double var = Math.pow(2.0 * half, 2) / 12;
    assertTrue(Math.abs(sum / count) < 6 * Math.sqrt(var / count), "mean " + sum / count);
    assertTrue(Math.abs(sq / count / var - 1) < 6 * Math.sqrt(0.8 / count), "variance " + sq / count);
    // Both ends are reached: the gap to each end is about 2^bits / count.
    assertTrue(min < -half + 50 * (2 * half / count) && max > half - 50 * (2 * half / count), min + " " + max);
    double expected = (double) count / bins, chi = 0;
    for (long c : h) chi += Math.pow(c - expected, 2) / expected;
    // chi-square with 63 degrees of freedom exceeds 125 with probability below 1e-6.
    assertTrue(chi < 125, "mask histogram chi2 = " + chi);
  }

  @Test
  void freshMasksDiffer() {
    CkksContext ctx = RefreshContexts.secure();
    try (Plaintext r1 = RefreshPrimitives.sampleMask(ctx, 60);
        Plaintext r2 = RefreshPrimitives.sampleMask(ctx, 60)) {
      long[] a = RefreshPrimitives.integerCoefficients(r1, 0);
      long[] b = RefreshPrimitives.integerCoefficients(r2, 0);
      int equal = 0;
      for (int i = 0; i < a.length; i++) if (a[i] == b[i]) equal++;
      assertTrue(equal < 3, equal + " equal coefficients");
      RefreshPrimitives.wipe(r1);
      for (long v : RefreshPrimitives.integerCoefficients(r1, 0)) assertEquals(0, v);
    }
  }
}
