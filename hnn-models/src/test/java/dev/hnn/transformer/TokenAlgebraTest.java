package dev.hnn.transformer;

import static dev.hnn.transformer.PlainTokens.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.circuit.PlaintextCache;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every token-matrix operation against a plain double computation, on a small insecure ring (N = 4096, 2048
 * slots, scale 2^40, five 40-bit levels) with MiniLM's shape scaled down: L = 16 tokens, so F = 128 positions
 * per ciphertext; 200 features (two ciphertexts, the second part-used), 6 heads of width 32 (head-interleaved:
 * Hp = 8, 16 dimensions per ring, two ciphertexts). Errors are asserted relative to the largest expected value,
 * at 1e-6 (observed 2e-10 .. 1.5e-8: a 2^40 scale leaves ~1e-12 per rounding; the key-switch and encryption noise
 * of a 4096-ring at that scale dominate).
 */
class TokenAlgebraTest {
  static final double TOL = 1e-6;
  static final int L = 16;
  static final int D = 200;
  static final int HEADS = 6;
  static final int WIDTH = 32;
  static CkksContext ctx;
  static PlaintextCache cache;
  static TokenLayout plain;
  static TokenLayout heads;
  static TokenLayout wide;
  static TokenLayout distil;

  @BeforeAll
  static void setUp() {
    CkksParameters p = CkksParameters.builder().polyDegree(4096).coeffModulusBits(60, 40, 40, 40, 40, 40, 60, 60)
        .specialPrimes(2).scaleBits(40).insecureForTesting().build();
    int slots = 2048;
    plain = TokenLayout.featureMajor(slots, L, D);
    heads = TokenLayout.headInterleaved(slots, L, HEADS, WIDTH);
    wide = TokenLayout.featureMajor(slots, L, 300);
    distil = TokenLayout.featureMajor(slots, L, 768); // DistilBERT's width: 6 full rings at F = 128
    int[] steps = Stream.of(
            TokenLinear.rotationSteps(plain, wide), TokenLinear.rotationSteps(plain, heads),
            TokenLinear.rotationSteps(plain, heads, heads, heads), TokenLinear.rotationSteps(plain, distil),
            TokenLinear.rotationSteps(distil, plain),
            TokenLinear.rotationSteps(heads, plain), TokenLinear.rotationSteps(wide, plain),
            HeadAttention.rotationSteps(heads), TokenSums.rotationSteps(plain))
        .flatMapToInt(IntStream::of).distinct().toArray();
    ctx = CkksContext.builder(p).rotations(steps).build();
    cache = new PlaintextCache(ctx);
  }

  @AfterAll
  static void tearDown() {
    cache.close();
    ctx.close();
  }

  @Test
  void layoutsPackAndUnpack() {
    assertEquals(2, plain.ciphertexts());
    assertEquals(128, plain.ring());
    assertEquals(2, heads.ciphertexts());
    assertEquals(8, heads.headSlots());
    // head 1, dimension 17: ciphertext 17 / 16 = 1, ring position (17 mod 16) * 8 + 1 = 9
    assertEquals(128 + 9, heads.position(WIDTH + 17));
    double[][] x = PlainTokens.random(new Random(1), 11, D, 1);
    double[][] back = plain.unpack(plain.pack(x));
    for (int t = 0; t < L; t++)
      for (int i = 0; i < D; i++) assertEquals(t < 11 ? x[t][i] : 0, back[t][i], 0.0);
    assertThrows(IllegalArgumentException.class, () -> TokenLayout.headInterleaved(2048, 256, 12, 32));
  }

  @Test
  void encryptDecryptRoundTrip() {
    double[][] x = PlainTokens.random(new Random(2), L, D, 1);
    try (EncryptedTokens e = EncryptedTokens.encrypt(ctx, plain, x)) {
      assertRelative("encrypt/decrypt", x, e.decrypt(ctx), 1e-8);
    }
  }

  @Test
  void linearLayersMatchPlainProductsAtExactScale() {
    Random rnd = new Random(3);
    double[][] x = PlainTokens.random(rnd, L, D, 1);
    checkLinear("200 -> 300 (3 output ciphertexts)", plain, wide, x, PlainTokens.random(rnd, D, 300, 0.1),
        PlainTokens.random(rnd, 300, 1));
    checkLinear("200 -> 6x32 head-interleaved", plain, heads, x, PlainTokens.random(rnd, D, 192, 0.1), null);
    double[][] xh = PlainTokens.random(rnd, L, 192, 1);
    checkLinear("6x32 head-interleaved -> 200", heads, plain, xh, PlainTokens.random(rnd, 192, D, 0.1),
        PlainTokens.random(rnd, D, 1));
    double[][] xw = PlainTokens.random(rnd, L, 300, 1);
    checkLinear("300 -> 200 (3 input ciphertexts)", wide, plain, xw, PlainTokens.random(rnd, 300, D, 0.1), null);
    checkLinear("200 -> 768 (DistilBERT width)", plain, distil, x, PlainTokens.random(rnd, D, 768, 0.1),
        PlainTokens.random(rnd, 768, 1));
    double[][] xd = PlainTokens.random(rnd, L, 768, 1);
    checkLinear("768 -> 200", distil, plain, xd, PlainTokens.random(rnd, 768, D, 0.05), null);
  }

  @Test
  void projectionsOfOneInputShareTheBabyRotations() {
    Random rnd = new Random(8);
    double[][] x = PlainTokens.random(rnd, L, D, 1);
    double[][][] ws = new double[3][][];
    double[][] bs = new double[3][];
    for (int i = 0; i < 3; i++) {
      ws[i] = PlainTokens.random(rnd, D, 192, 0.1);
      bs[i] = PlainTokens.random(rnd, 192, 0.1);
    }
    TokenLinear[] qkv = TokenLinear.sharingInput(ctx, cache, plain, new TokenLayout[] {heads, heads, heads}, ws, bs,
        new String[] {"q", "k", "v"});
    TokenLinear alone = new TokenLinear(ctx, cache, plain, heads, ws[0], bs[0], "q-alone");
    assertTrue(qkv[0].babySteps() >= alone.babySteps(), "six outputs favour more baby steps");
    TokenLinear.Cost shared = TokenLinear.cost(qkv);
    assertEquals(plain.ciphertexts(), shared.decompositions(), "one decomposition per input ciphertext for all three");
    EncryptedTokens[] ys = null;
    try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, plain, x)) {
      ys = TokenLinear.applyAll(ex, ctx.scale(), qkv);
      for (int i = 0; i < 3; i++) {
        assertEquals(ctx.scale(), ys[i].scale(), 0.0);
        assertRelative("shared projection " + i, PlainTokens.linear(x, ws[i], bs[i]), ys[i].decrypt(ctx), TOL);
      }
    } finally {
      if (ys != null) for (EncryptedTokens y : ys) y.close();
    }
  }

  @Test
  void residualAddLandsTheHigherOperandExactly() {
    Random rnd = new Random(9);
    double[][] x = PlainTokens.random(rnd, L, D, 1);
    double[][] w = PlainTokens.random(rnd, D, D, 0.1);
    TokenLinear lin = new TokenLinear(ctx, cache, plain, plain, w, null, "residual");
    double[][] want = PlainTokens.linear(x, w, null);
    for (int t = 0; t < L; t++) for (int i = 0; i < D; i++) want[t][i] += x[t][i];
    // same scale: x is only mod-switched down; another scale: x is landed with a multiplication by 1
    for (double target : new double[] {ctx.scale(), 1.5 * ctx.scale()}) {
      try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, plain, x);
          EncryptedTokens y = lin.apply(ex, target);
          EncryptedTokens sum = y.add(ctx, ex)) {
        assertEquals(y.level(), sum.level());
        assertEquals(target, sum.scale(), 0.0);
        assertRelative("residual at scale " + target / ctx.scale() + " x default", want, sum.decrypt(ctx), TOL);
      }
    }
  }

  @Test
  void zeroDiagonalsAndBlocksAreSkipped() {
    Random rnd = new Random(4);
    double[][] w = new double[D][300];
    for (int i = 0; i < 128; i++) w[i][i] = rnd.nextGaussian(); // block (0 -> 0) diagonal only
    for (int i = 128; i < D; i++) w[i][i + 5] = rnd.nextGaussian(); // block (1 -> 1), diagonal -5 mod 128
    // no weight reaches output ciphertext 2 (features 256..299): it must come out as an encryption of zero
    TokenLinear lin = new TokenLinear(ctx, cache, plain, wide, w, null, "sparse");
    TokenLinear.Cost cost = lin.cost();
    assertEquals(2, cost.plaintextProducts(), "one diagonal in each of two blocks: " + cost);
    checkLinear("sparse 200 -> 300", plain, wide, PlainTokens.random(rnd, L, D, 1), w, null);
  }

  private static void checkLinear(String what, TokenLayout in, TokenLayout out, double[][] x, double[][] w, double[] b) {
    TokenLinear lin = new TokenLinear(ctx, cache, in, out, w, b, what);
    try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, in, x);
        EncryptedTokens y = lin.apply(ex, ctx.scale())) {
      assertEquals(ex.level() - 1, y.level(), what + ": one level");
      assertEquals(ctx.scale(), y.scale(), 0.0, what + ": exact target scale");
      assertRelative(what, PlainTokens.linear(x, w, b), y.decrypt(ctx), TOL);
      assertPaddingIsZero(what, y);
    }
  }

  /** Positions that hold no feature stay zero (the next layer's sums rely on it). */
  private static void assertPaddingIsZero(String what, EncryptedTokens y) {
    TokenLayout lay = y.layout();
    for (int c = 0; c < y.size(); c++) {
      double[] v = ctx.decryptor().decryptValues(y.get(c));
      for (int f = 0; f < lay.ring(); f++)
        if (lay.featureAt(c * lay.ring() + f) < 0)
          for (int t = 0; t < L; t++) assertEquals(0, v[f * L + t], 1e-6, what + ": padding position " + f);
    }
  }

  @Test
  void tokenRotationShiftsEveryFeatureWithinTheCycle() {
    double[][] x = PlainTokens.random(new Random(5), L, D, 1);
    TokenRotation rot = new TokenRotation(ctx, cache, L);
    try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, plain, x)) {
      for (int delta : new int[] {0, 1, 3, L - 1, -2}) {
        try (EncryptedTokens r = rot.rotate(ex, delta)) {
          assertEquals(ex.level() - 1, r.level());
          assertEquals(ex.scale(), r.scale(), 0.0, "exactly the input's scale");
          assertRelative("rotTok " + delta, PlainTokens.rotateTokens(x, delta), r.decrypt(ctx), TOL);
        }
      }
    }
  }

  @Test
  void tokenRotationCarriesAPerTokenFactorAtNoLevel() {
    double[][] x = PlainTokens.random(new Random(15), L, D, 1);
    TokenRotation rot = new TokenRotation(ctx, cache, L);
    int[] deltas = {0, 2, L - 1};
    java.util.function.IntFunction<double[]> factors = i -> {
      double[] f = new double[L];
      for (int t = 0; t < L; t++) f[t] = t % 3 == i ? 0 : 0.5 + 0.25 * t + i; // zeros act as a mask
      return f;
    };
    try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, plain, x)) {
      double[][][] got = new double[deltas.length][ex.size()][];
      for (int c = 0; c < ex.size(); c++) {
        Ciphertext[] r = rot.rotateAll(ex.get(c), deltas, factors, "test");
        try {
          for (int i = 0; i < deltas.length; i++) {
            assertEquals(ex.level() - 1, r[i].level(), "one level, as without factors");
            got[i][c] = ctx.decryptor().decryptValues(r[i]);
          }
        } finally {
          for (Ciphertext k : r) k.close();
        }
      }
      for (int i = 0; i < deltas.length; i++) {
        double[][] expected = PlainTokens.rotateTokens(x, deltas[i]);
        double[] f = factors.apply(i);
        for (int t = 0; t < L; t++) for (int j = 0; j < D; j++) expected[t][j] *= f[t];
        assertRelative("rotTok " + deltas[i] + " with factors", expected, plain.unpack(got[i]), TOL);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> {
      try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, plain, x)) {
        rot.rotateAll(ex.get(0), new int[] {1}, i -> new double[L + 1], "bad");
      }
    });
  }

  @Test
  void scoresAndAttentionMatchPerHeadProducts() {
    Random rnd = new Random(6);
    double[][] q = PlainTokens.random(rnd, L, HEADS * WIDTH, 0.5);
    double[][] k = PlainTokens.random(rnd, L, HEADS * WIDTH, 0.5);
    double[][] v = PlainTokens.random(rnd, L, HEADS * WIDTH, 1);
    HeadAttention att = new HeadAttention(ctx, cache, heads);
    double[][][] want = PlainTokens.scores(q, k, HEADS, WIDTH);
    double[][][] got = new double[L][HEADS][L];
    try (EncryptedTokens eq = EncryptedTokens.encrypt(ctx, heads, q);
        EncryptedTokens ek = EncryptedTokens.encrypt(ctx, heads, k);
        EncryptedTokens ev = EncryptedTokens.encrypt(ctx, heads, v)) {
      Ciphertext[] s = att.scores(eq, ek);
      try {
        assertEquals(L, s.length);
        double err = 0;
        double max = 0;
        for (int d = 0; d < L; d++) {
          double[] slots = ctx.decryptor().decryptValues(s[d]);
          for (int f = 0; f < heads.ring(); f++) {
            int h = f % heads.headSlots();
            for (int t = 0; t < L; t++) {
              double w = h < HEADS ? want[d][h][t] : 0; // every dimension slot of head h holds its score
              err = Math.max(err, Math.abs(slots[f * L + t] - w));
              max = Math.max(max, Math.abs(w));
              if (h < HEADS) got[d][h][t] = slots[f * L + t];
            }
          }
        }
        System.out.printf("scores (replicated over each head's slots): max relative error %.3g%n", err / max);
        assertTrue(err / max <= TOL, "scores relative error " + err / max);
        try (EncryptedTokens o = att.attend(s, ev)) {
          assertEquals(s[0].level() - 1, o.level());
          assertRelative("attention A x V", PlainTokens.attend(want, v, HEADS, WIDTH), o.decrypt(ctx), TOL);
        }
        int valid = 11;
        for (int d : new int[] {0, 7}) {
          try (Ciphertext m = att.multiplyMask(s[d], d, valid)) {
            assertEquals(s[d].scale(), m.scale(), 0.0);
            double[] slots = ctx.decryptor().decryptValues(m);
            for (int t = 0; t < L; t++) {
              boolean real = t < valid && (t + d) % L < valid;
              assertEquals(real ? want[d][0][t] : 0, slots[t], 1e-5, "mask delta " + d + " token " + t);
            }
          }
        }
      } finally {
        for (Ciphertext c : s) c.close();
      }
    }
  }

  @Test
  void perTokenSumsAreBroadcastToEveryFeature() {
    double[][] x = PlainTokens.random(new Random(7), L, D, 1);
    TokenSums sums = new TokenSums(ctx);
    double[][] wantSum = new double[L][1];
    double[][] wantSq = new double[L][1];
    for (int t = 0; t < L; t++)
      for (double xi : x[t]) {
        wantSum[t][0] += xi;
        wantSq[t][0] += xi * xi;
      }
    try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, plain, x);
        Ciphertext s = sums.sum(ex);
        Ciphertext sq = sums.sumOfSquares(ex)) {
      assertEquals(ex.level(), s.level());
      assertEquals(ex.level() - 1, sq.level());
      assertRelative("sum over features", wantSum, everyPosition(s), TOL);
      assertRelative("sum of squares over features", wantSq, everyPosition(sq), TOL);
    }
  }

  /** The value of each token, checked to be the same in all F positions of the ring (as an L x 1 matrix). */
  private static double[][] everyPosition(Ciphertext c) {
    double[] v = ctx.decryptor().decryptValues(c);
    double[][] r = new double[L][1];
    for (int t = 0; t < L; t++) {
      r[t][0] = v[t];
      for (int f = 1; f < plain.ring(); f++)
        assertEquals(v[t], v[f * L + t], 1e-5 * (1 + Math.abs(v[t])), "token " + t + " position " + f);
    }
    return r;
  }
}
