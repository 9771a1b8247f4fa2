package dev.hnn.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.nn.Gelu;

import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The circuits on a small insecure ring with 28-bit primes, whose distance from 2^28 (up to ~1%) would show
 * up as percent-level errors if any scale were only approximately matched.
 */
class CircuitTest {
  private static final int M = 6;
  private static final int N_IN = 20;
  private static CkksContext ctx;
  private static PlaintextCache cache;

  @BeforeAll
  static void setUp() {
    int[] bits = new int[1 + 8 + 2];
    java.util.Arrays.fill(bits, 26);
    bits[0] = 36;
    java.util.Arrays.fill(bits, 1, bits.length - 2, 28);
    bits[bits.length - 1] = 40;
    bits[bits.length - 2] = 40;
    CkksParameters p =
        CkksParameters.builder().polyDegree(4096).coeffModulusBits(bits).specialPrimes(2).scaleBits(28)
            .insecureForTesting().build();
    int[] steps = IntStream.concat(
        IntStream.concat(IntStream.of(BsgsLinearTransform.rotationSteps(M, N_IN)),
            IntStream.of(ReplicatedLinearTransform.rotationSteps(M, 8))),
        IntStream.of(SlotSum.rotationSteps(1, 8))).toArray();
    ctx = CkksContext.builder(p).rotations(steps).build();
    cache = new PlaintextCache(ctx);
  }

  @AfterAll
  static void tearDown() {
    cache.close();
    ctx.close();
  }

  /** Secret-key encryption: the client's (low-noise) way of encrypting. */
  private static Ciphertext encrypt(double[] values) {
    try (dev.hnn.ckks.Plaintext p = ctx.encoder().encode(values)) {
      return ctx.encryptor().encryptSymmetric(p);
    }
  }

  private static double[] replicate(double[] x, int period) {
    double[] v = new double[period];
    System.arraycopy(x, 0, v, 0, x.length);
    return Slots.tile(v, ctx.slotCount());
  }

  @Test
  void chebyshevFitStatesAnHonestBound() {
    ChebyshevSeries s = ChebyshevSeries.fit(Gelu::apply, -4, 4.5, 15);
    double observed = s.maxDeviation(Gelu::apply);
    assertTrue(observed <= s.errorBound(), "grid deviation is within the stated bound");
    assertTrue(s.errorBound() < 5e-3, "degree 15 fits GELU on [-4, 4.5] to 5e-3, got " + s.errorBound());
    assertTrue(ChebyshevSeries.fit(Gelu::apply, -4, 4.5, 31).errorBound() < s.errorBound() / 100);
  }

  @Test
  void polynomialMatchesPlaintextSeriesForEveryDegree() {
    Random rnd = new Random(7);
    PolynomialEvaluator pe = new PolynomialEvaluator(ctx, cache);
    double[] x = new double[ctx.slotCount()];
    for (int i = 0; i < x.length; i++) x[i] = 2 * rnd.nextDouble() - 1;
    for (int d : new int[] {1, 2, 3, 5, 7, 8, 15, 16, 31}) {
      ChebyshevSeries s = ChebyshevSeries.fit(v -> Math.sin(3 * v) + 0.3 * v * v, -1, 1, d);
      int depth = PolynomialEvaluator.depth(d);
      assertTrue(depth <= Slots.ceilLog2(d + 1) + 1, "depth " + depth + " for degree " + d);
      try (Ciphertext ct = encrypt(x);
          Ciphertext r = pe.evaluate(ct, s, null, "p" + d, ctx.scale())) {
        assertEquals(ct.level() - depth, r.level(), "level after degree " + d);
        assertEquals(ctx.scale(), r.scale(), 0.0, "exact scale after degree " + d);
        double[] got = ctx.decryptor().decryptValues(r);
        double err = 0;
        for (int i = 0; i < x.length; i++) err = Math.max(err, Math.abs(got[i] - s.value(x[i])));
        assertTrue(err < 1e-3, "degree " + d + ": max error " + err);
      }
    }
  }

  @Test
  void foldedQuarticTakesTwoLevelsAndLeavesGainAndShiftToTheCaller() {
    // The degree-4 GELU fit of the encoder, on inputs mapped from [-9, 7] onto [-1, 1].
    double[] gelu = dev.hnn.nn.PolynomialActivation.geluFit().coefficients();
    double[] inU = FoldedQuartic.onUnitInterval(gelu, -9, 7);
    FoldedQuartic q = FoldedQuartic.of(inU);
    Random rnd = new Random(21);
    double[] u = new double[ctx.slotCount()];
    for (int i = 0; i < u.length; i++) u[i] = 2 * rnd.nextDouble() - 1;
    for (double v : new double[] {-1, -0.3, 0, 0.5, 1}) {
      double x = -9 + (v + 1) * 8; // the same point in x
      double direct = 0;
      for (int k = gelu.length - 1; k >= 0; k--) direct = direct * x + gelu[k];
      assertEquals(direct, q.value(v), 1e-9 * Math.max(1, Math.abs(direct)), "gain q + shift = p at " + v);
    }
    try (Ciphertext ct = encrypt(u); Ciphertext r = q.evaluate(ctx, ct)) {
      assertEquals(ct.level() - FoldedQuartic.depth(), r.level(), "two levels");
      double[] got = ctx.decryptor().decryptValues(r);
      double err = 0, max = 0;
      for (int i = 0; i < u.length; i++) {
        err = Math.max(err, Math.abs(got[i] - q.q(u[i])));
        max = Math.max(max, Math.abs(q.q(u[i])));
      }
      assertTrue(err / max < 1e-4, "relative error " + err / max + " (28-bit primes)");
    }
    assertThrows(IllegalArgumentException.class, () -> FoldedQuartic.of(new double[] {1, 2, 3, 4, 0}));
    assertThrows(IllegalArgumentException.class, () -> FoldedQuartic.of(new double[] {1, 2, 3}));
    assertThrows(IllegalArgumentException.class, () -> FoldedQuartic.of(new double[] {1, 2, Double.NaN, 4, 5}));
  }

  @Test
  void linearPlusEvenFitKeepsOnlyTheLinearAndEvenTerms() {
    assertTrue(ChebyshevSeries.oddPartIsLinear(Gelu::apply, -3, 4.5), "GELU = x/2 + even");
    assertTrue(ChebyshevSeries.oddPartIsLinear(v -> Math.max(0, v), -2, 1), "ReLU = x/2 + |x|/2");
    assertTrue(!ChebyshevSeries.oddPartIsLinear(Math::tanh, -2, 2), "tanh is odd but not linear");
    assertTrue(!ChebyshevSeries.oddPartIsLinear(Math::exp, -1, 1), "exp has a non-linear odd part");
    ChebyshevSeries even = ChebyshevSeries.fitLinearPlusEven(Gelu::apply, 4.5, 12);
    assertTrue(even.isLinearPlusEven());
    assertEquals(-4.5, even.lo(), 0.0);
    double[] c = even.coefficients();
    for (int k = 3; k < c.length; k += 2) assertEquals(0.0, c[k], 0.0, "odd coefficient " + k);
    assertTrue(even.maxDeviation(Gelu::apply) <= even.errorBound());
    // the same fit as the full series of the next odd degree on the symmetric interval
    ChebyshevSeries full = ChebyshevSeries.fit(Gelu::apply, -4.5, 4.5, 13);
    assertEquals(full.maxDeviation(Gelu::apply), even.maxDeviation(Gelu::apply), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> ChebyshevSeries.fitLinearPlusEven(Gelu::apply, 1, 7));
  }

  @Test
  void linearPlusEvenSeriesIsEvaluatedInTSquaredWithFewerLevelsOrEqual() {
    PolynomialEvaluator pe = new PolynomialEvaluator(ctx, cache);
    double r = 4.5;
    double[] x = new double[ctx.slotCount()];
    for (int i = 0; i < x.length; i++) x[i] = Math.sin(0.37 * i); // unit inputs: the series' argument x / r
    double[] factor = {0.75, -1.5, 2, 0};
    for (int d : new int[] {4, 6, 12, 14}) {
      ChebyshevSeries s = ChebyshevSeries.fitLinearPlusEven(Gelu::apply, r, d);
      int depth = PolynomialEvaluator.depth(s);
      assertTrue(depth <= PolynomialEvaluator.depth(d), "never deeper than the full series, degree " + d);
      for (double[] f : new double[][] {null, {0.5}, factor}) {
        try (Ciphertext ct = encrypt(x);
            Ciphertext out = pe.evaluate(ct, s, f, "gelu" + d + (f == null ? "" : "f" + f.length), ctx.scale())) {
          assertEquals(ct.level() - depth, out.level(), "level after degree " + d);
          assertEquals(ctx.scale(), out.scale(), 0.0, "exact scale after degree " + d);
          double[] got = ctx.decryptor().decryptValues(out);
          for (int i = 0; i < x.length; i++) {
            double fi = f == null ? 1 : f[i % f.length];
            assertEquals(fi * s.value(r * x[i]), got[i], 1e-3, "degree " + d + ", slot " + i);
          }
        }
      }
    }
    assertEquals(4, PolynomialEvaluator.depth(ChebyshevSeries.fitLinearPlusEven(Gelu::apply, r, 12)));
  }

  @Test
  void slotFactorScalesEachSlotWithoutExtraDepth() {
    PolynomialEvaluator pe = new PolynomialEvaluator(ctx, cache);
    ChebyshevSeries s = ChebyshevSeries.fit(Math::tanh, -1, 1, 7);
    double[] factor = {0.5, -2, 0, 1.25};
    double[] x = new double[ctx.slotCount()];
    for (int i = 0; i < x.length; i++) x[i] = Math.cos(i);
    try (Ciphertext ct = encrypt(x);
        Ciphertext plain = pe.evaluate(ct, s, null, "t7", ctx.scale());
        Ciphertext scaled = pe.evaluate(ct, s, factor, "t7f", ctx.scale())) {
      assertEquals(plain.level(), scaled.level());
      double[] got = ctx.decryptor().decryptValues(scaled);
      for (int i = 0; i < x.length; i++)
        assertEquals(factor[i % 4] * s.value(x[i]), got[i], 1e-3, "slot " + i);
    }
  }

  @Test
  void tooShallowCiphertextIsRejected() {
    PolynomialEvaluator pe = new PolynomialEvaluator(ctx, cache);
    ChebyshevSeries s = ChebyshevSeries.fit(Math::exp, -1, 1, 31);
    try (Ciphertext ct = encrypt(new double[] {0.5});
        Ciphertext low = ctx.evaluator().modSwitchTo(ct, 3)) {
      DepthExhaustedException e =
          assertThrows(DepthExhaustedException.class, () -> pe.evaluate(low, s, null, "e", ctx.scale()));
      assertTrue(e.getMessage().contains("needs 6 levels"), e.getMessage());
    }
  }

  /** A random M x N_IN layer and input, and the check that an output has y_j in every slot t = j mod 8. */
  private record Layer(double[][] w, double[] b, double[] x) {
    static Layer random(long seed) {
      Random rnd = new Random(seed);
      double[][] w = new double[M][N_IN];
      double[] b = new double[M];
      double[] x = new double[N_IN];
      for (int j = 0; j < M; j++) {
        b[j] = rnd.nextGaussian();
        for (int i = 0; i < N_IN; i++) w[j][i] = rnd.nextGaussian() / 4;
      }
      for (int i = 0; i < N_IN; i++) x[i] = 2 * rnd.nextDouble() - 1;
      return new Layer(w, b, x);
    }

    void assertPeriodicOutput(Ciphertext y) {
      double[] got = ctx.decryptor().decryptValues(y);
      for (int t = 0; t < got.length; t++) {
        int j = t % 8;
        double want = 0;
        if (j < M) {
          want = b[j];
          for (int i = 0; i < N_IN; i++) want += w[j][i] * x[i];
        }
        assertEquals(want, got[t], 1e-4, "slot " + t + " (output " + j + ")");
      }
    }
  }

  @Test
  void bsgsMatrixProductMatchesPlaintext() {
    Layer l = Layer.random(11);
    BsgsLinearTransform lt = new BsgsLinearTransform(ctx, cache, l.w(), l.b(), "w");
    assertEquals(32, lt.inputPeriod());
    assertEquals(8, lt.outputPeriod());
    try (Ciphertext ct = encrypt(replicate(l.x(), lt.inputPeriod()));
        Ciphertext y = lt.apply(ct, ctx.scale())) {
      assertEquals(ct.level() - 1, y.level());
      l.assertPeriodicOutput(y);
    }
  }

  @Test
  void replicatedLayoutMatrixProductMatchesPlaintext() {
    Layer l = Layer.random(12);
    ReplicatedLinearTransform lt = new ReplicatedLinearTransform(ctx, cache, l.w(), l.b(), 8, "r");
    int cts = ReplicatedLinearTransform.ciphertexts(N_IN, 8);
    assertEquals(3, cts);
    Ciphertext[] in = new Ciphertext[cts];
    try {
      for (int c = 0; c < cts; c++)
        in[c] = encrypt(ReplicatedLinearTransform.inputSlots(l.x(), c, 8, M, ctx.slotCount()));
      try (Ciphertext y = lt.apply(in, ctx.scale())) {
        assertEquals(in[0].level() - 1, y.level());
        l.assertPeriodicOutput(y);
      }
    } finally {
      for (Ciphertext c : in) if (c != null) c.close();
    }
  }

  /** Radix-4 rounds (hoisted rotation sums) and the odd radix-2 round give the residue-class sums for every count. */
  @Test
  void slotSumMatchesPlaintextSumsForEveryCount() {
    int stride = 3;
    int[] counts = {1, 2, 4, 8, 16, 32, 64};
    java.util.TreeSet<Integer> steps = new java.util.TreeSet<>();
    for (int count : counts) for (int k : SlotSum.rotationSteps(stride, count)) steps.add(k);
    assertEquals(java.util.List.of(3, 6, 9), java.util.Arrays.stream(SlotSum.rotationSteps(stride, 4)).boxed().toList());
    assertEquals(java.util.List.of(3, 6, 9, 12, 24, 36, 48),
        java.util.Arrays.stream(SlotSum.rotationSteps(stride, 32)).boxed().toList());
    CkksParameters p = CkksParameters.builder().polyDegree(4096).coeffModulusBits(36, 28, 40).scaleBits(28)
        .insecureForTesting().build();
    Random rnd = new Random(17);
    try (CkksContext c = CkksContext.builder(p).rotations(steps.stream().mapToInt(Integer::intValue).toArray()).build()) {
      int slots = c.slotCount();
      for (int count : counts) {
        // The rounds compose to sum_{k < count} rot(x, k stride) for any x, periodic or not.
        double[] x = new double[slots];
        for (int i = 0; i < slots; i++) x[i] = rnd.nextDouble() * 2 - 1;
        try (dev.hnn.ckks.Plaintext pt = c.encoder().encode(x); Ciphertext ct = c.encryptor().encryptSymmetric(pt)) {
          SlotSum.sumInPlace(c.evaluator(), ct, stride, count);
          double[] got = c.encoder().decode(c.decryptor().decrypt(ct));
          for (int i = 0; i < slots; i++) {
            double want = 0;
            for (int k = 0; k < count; k++) want += x[(i + k * stride) % slots];
            assertEquals(want, got[i], 1e-4 * count, "count " + count + ", slot " + i);
          }
        }
      }
    }
  }

  @Test
  void scalarLinearTransformServesOneSamplePerSlot() {
    Random rnd = new Random(3);
    int samples = 50;
    double[][] w = {{0.5, -1, 2}, {0, 0.25, -0.75}};
    double[] b = {0.1, -0.2};
    double[][] x = new double[3][samples];
    for (double[] row : x) for (int s = 0; s < samples; s++) row[s] = rnd.nextDouble() - 0.5;
    ScalarLinearTransform lt = new ScalarLinearTransform(ctx, w, b);
    Ciphertext[] in = new Ciphertext[3];
    try {
      for (int i = 0; i < 3; i++) in[i] = encrypt(x[i]);
      for (int j = 0; j < 2; j++) {
        try (Ciphertext y = lt.apply(in, j, ctx.scale())) {
          double[] got = ctx.decryptor().decryptValues(y, samples);
          for (int s = 0; s < samples; s++) {
            double want = b[j] + w[j][0] * x[0][s] + w[j][1] * x[1][s] + w[j][2] * x[2][s];
            assertEquals(want, got[s], 1e-4);
          }
        }
      }
    } finally {
      for (Ciphertext c : in) if (c != null) c.close();
    }
  }
}
