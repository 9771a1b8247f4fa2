package dev.hnn.transformer;

import static dev.hnn.transformer.PlainTokens.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hnn.circuit.PlaintextCache;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.Depth;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MiniLM's real shapes at 128-bit parameters (preset D4: N = 16384, 8192 slots, 60 + 4 x 40-bit primes, scale
 * 2^40): L = 32 tokens (F = 256 positions per ciphertext), a 384 -> 384 projection into the head-interleaved
 * layout of 12 heads of width 32, and the scores and A x V of all 12 heads. Weights ~ U(-0.1, 0.1) (MiniLM's are
 * of that order), inputs ~ U(-1, 1). Asserted relative error 1e-6 (observed ~1e-8).
 */
class MiniLmSizeTest {
  static final int L = 32;
  static CkksContext ctx;
  static PlaintextCache cache;
  static TokenLayout hidden;
  static TokenLayout heads;

  @BeforeAll
  static void setUp() {
    CkksParameters p = CkksParameters.preset(Depth.D4);
    hidden = TokenLayout.featureMajor(8192, L, 384);
    heads = TokenLayout.headInterleaved(8192, L, 12, 32);
    int[] steps = Stream.of(TokenLinear.rotationSteps(hidden, hidden), TokenLinear.rotationSteps(hidden, heads),
            HeadAttention.rotationSteps(heads))
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
  void projection384To384AtL32() {
    Random rnd = new Random(11);
    double[][] x = PlainTokens.random(rnd, L, 384, 1);
    double[][] w = PlainTokens.random(rnd, 384, 384, 0.1);
    double[] b = PlainTokens.random(rnd, 384, 0.1);
    TokenLinear lin = new TokenLinear(ctx, cache, hidden, hidden, w, b, "minilm-384");
    try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, hidden, x);
        EncryptedTokens y = lin.apply(ex, ctx.scale())) {
      assertEquals(ctx.scale(), y.scale(), 0.0);
      assertRelative("MiniLM 384 -> 384, L = 32", PlainTokens.linear(x, w, b), y.decrypt(ctx), 1e-6);
    }
  }

  @Test
  void twelveHeadsScoresAndAttentionAtL32() {
    Random rnd = new Random(12);
    double[][] x = PlainTokens.random(rnd, L, 384, 1);
    double[][] wq = PlainTokens.random(rnd, 384, 384, 0.1);
    double[][] k = PlainTokens.random(rnd, L, 384, 1);
    double[][] v = PlainTokens.random(rnd, L, 384, 1);
    double[][] q = PlainTokens.linear(x, wq, null);
    TokenLinear projQ = new TokenLinear(ctx, cache, hidden, heads, wq, null, "minilm-q");
    HeadAttention att = new HeadAttention(ctx, cache, heads);
    double[][][] s = PlainTokens.scores(q, k, 12, 32);
    try (EncryptedTokens ex = EncryptedTokens.encrypt(ctx, hidden, x);
        EncryptedTokens eq = projQ.apply(ex, ctx.scale());
        EncryptedTokens ek = EncryptedTokens.encrypt(ctx, heads, k);
        EncryptedTokens evv = EncryptedTokens.encrypt(ctx, heads, v)) {
      assertRelative("MiniLM 384 -> 12x32 heads", q, eq.decrypt(ctx), 1e-6);
      Ciphertext[] sc = att.scores(eq, ek);
      try (EncryptedTokens o = att.attend(sc, evv)) {
        double[][] got = new double[L][12 * L];
        double[][] want = new double[L][12 * L];
        for (int d = 0; d < L; d++) {
          double[] slots = ctx.decryptor().decryptValues(sc[d]);
          for (int h = 0; h < 12; h++)
            for (int t = 0; t < L; t++) {
              got[d][h * L + t] = slots[h * L + t]; // ring position h holds head h (dimension 0)
              want[d][h * L + t] = s[d][h][t];
            }
        }
        assertRelative("MiniLM scores, 12 heads, L = 32", want, got, 1e-6);
        assertRelative("MiniLM A x V, 12 heads, L = 32", PlainTokens.attend(s, v, 12, 32), o.decrypt(ctx), 1e-6);
      } finally {
        for (Ciphertext c : sc) c.close();
      }
    }
  }
}
