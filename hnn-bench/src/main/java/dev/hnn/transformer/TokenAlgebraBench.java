package dev.hnn.transformer;

import dev.hnn.circuit.PlaintextCache;
import dev.hnn.circuit.SlotSum;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.NativeEngine;
import dev.hnn.ckks.Plaintext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Times the encrypted token-matrix algebra at MiniLM's shapes on N = 16384 with the chain 60, 40 x 6 | 60, 60
 * (420 bits, within the 438-bit bound for 128-bit security), scale 2^40: the engine primitives it is built of,
 * TokenLinear 384 -> 384, 384 -> 1536, 1536 -> 384, token rotation, the scores and A x V of 12 heads, the
 * LayerNorm sums; then projects one MiniLM layer. A plain main rather than JMH: each op is hundreds of
 * milliseconds and needs gigabytes of cached diagonals, so a few repetitions after one cold call (which encodes
 * the diagonals) say enough; the median of the warm ones is reported.
 *
 * <pre>
 * mvn -B -P benchmarks -DskipTests verify -Djmh.main=dev.hnn.transformer.TokenAlgebraBench -Djmh.args="32 5 2"
 * </pre>
 * Arguments: L (default 32), repetitions (5), engine threads (2), ciphertext level of the inputs (top = 6).
 */
public final class TokenAlgebraBench {
  private static final Random RND = new Random(1);

  public static void main(String[] args) {
    int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    NativeEngine.setThreadCount(threads);
    CkksParameters p = CkksParameters.builder().polyDegree(16384).coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 60, 60)
        .specialPrimes(2).scaleBits(40).build();
    int slots = 8192;
    TokenLayout hidden = TokenLayout.featureMajor(slots, tokens, 384);
    TokenLayout heads = TokenLayout.headInterleaved(slots, tokens, 12, 32);
    TokenLayout ffn = TokenLayout.featureMajor(slots, tokens, 1536);
    int[] steps = Stream.of(TokenLinear.rotationSteps(hidden, hidden), TokenLinear.rotationSteps(hidden, ffn),
            TokenLinear.rotationSteps(ffn, hidden), TokenLinear.rotationSteps(hidden, heads),
            TokenLinear.rotationSteps(heads, hidden), TokenLinear.rotationSteps(hidden, heads, heads, heads),
            HeadAttention.rotationSteps(heads),
            TokenSums.rotationSteps(hidden), new int[] {tokens})
        .flatMapToInt(IntStream::of).distinct().sorted().toArray();
    long t0 = System.nanoTime();
    try (CkksContext ctx = CkksContext.builder(p).rotations(steps).build()) {
      int level = args.length > 3 ? Integer.parseInt(args[3]) : ctx.maxLevel();
      System.out.printf(Locale.ROOT, "N = 16384, chain 60, 40 x 6 | 60, 60; L = %d; %d engine threads; inputs at level %d;"
          + " %d rotation keys generated in %.1f s%n", tokens, threads, level, steps.length, (System.nanoTime() - t0) / 1e9);
      TokenAlgebraBench bench = new TokenAlgebraBench(ctx, reps, level);
      if (args.length > 4 && args[4].equals("qkv")) bench.qkvAlternating(hidden, heads);
      else bench.run(hidden, heads, ffn);
    }
  }

  private final CkksContext ctx;
  private final Evaluator ev;
  private final int reps;
  private final int level;
  private final List<String> rows = new ArrayList<>();
  private double lastMin;

  private TokenAlgebraBench(CkksContext ctx, int reps, int level) {
    this.ctx = ctx;
    this.ev = ctx.evaluator();
    this.reps = reps;
    this.level = level;
  }

  private void run(TokenLayout hidden, TokenLayout heads, TokenLayout ffn) {
    int tokens = hidden.tokens();
    double[] r = primitives(tokens);
    double lin384 = linear("TokenLinear 384 -> 384", hidden, hidden);
    double linQ = linear("TokenLinear 384 -> 12x32 heads (one of Q, K, V alone)", hidden, heads);
    double qkv = fusedQkv(hidden, heads);
    double linO = linear("TokenLinear 12x32 heads -> 384 (O)", heads, hidden);
    double up = linear("TokenLinear 384 -> 1536 (FFN up)", hidden, ffn);
    double down = linear("TokenLinear 1536 -> 384 (FFN down)", ffn, hidden);
    double rot = tokenRotation(hidden);
    double[] att = attention(heads);
    double[] sums = sums(hidden);
    System.out.println();
    System.out.println("| op | ms: median (min) of warm calls | key switching |");
    System.out.println("|---|---|---|");
    rows.forEach(System.out::println);
    double layer = qkv + linO + up + down + att[0] + att[1] + 2 * (sums[0] + sums[1]);
    System.out.printf(Locale.ROOT, "%nprojection, one MiniLM layer's linear algebra with inputs at level %d (attention %d)"
        + " (Q, K, V, O, FFN up and down, scores, A x V, 2 LayerNorms' sums; no softmax/GELU polynomials, no refresh):"
        + " %.0f ms; x 6 layers: %.1f s%n", level, attentionLevel(), layer, 6 * layer / 1000);
    System.out.printf(Locale.ROOT, "  of which linear %.0f ms, attention %.0f ms, LayerNorm sums %.0f ms; token rotation"
        + " of one ciphertext %.1f ms%n", qkv + linO + up + down, att[0] + att[1], 2 * (sums[0] + sums[1]), rot);
    System.out.printf(Locale.ROOT, "  (384 -> 384 featureMajor for reference: %.0f ms; primitives: rotate %.2f ms, hoisted"
        + " extra rotation %.2f ms, relinearize %.2f ms)%n", lin384, r[0], r[1], r[2]);
  }

  /**
   * rotate, one extra hoisted rotation (from 15 hoisted), relinearize, one multiply-accumulate term, all at the
   * input level. Each row follows its own measurement (row() reports the last one's minimum).
   */
  private double[] primitives(int tokens) {
    double[] v = new double[ctx.slotCount()];
    for (int i = 0; i < v.length; i++) v[i] = RND.nextDouble();
    try (Ciphertext x = encryptAt(v)) {
      double rotate = time(() -> ev.rotate(x, tokens));
      row("rotate (one key switch)", rotate, "1 rotation");
      int[] fifteen = IntStream.rangeClosed(1, 15).map(i -> i * tokens).toArray();
      double hoisted15 = time(() -> closing(ev.rotateHoisted(x, fifteen)));
      double extra = (hoisted15 - rotate) / 14;
      row("rotateHoisted, 15 steps", hoisted15, String.format(Locale.ROOT,
          "1 decomposition + 15 key products: %.2f ms per extra step = %.2f of a rotation", extra, extra / rotate));
      double relin;
      try (Ciphertext sq = ev.square(x)) {
        relin = time(() -> ev.relinearize(sq));
      }
      row("relinearize", relin, "1");
      Ciphertext[] terms = ev.rotateHoisted(x, fifteen);
      try (PlaintextCache cache = new PlaintextCache(ctx)) {
        List<Ciphertext> cts = new ArrayList<>();
        List<Plaintext> pts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
          double[] d = random(1, ctx.slotCount(), 0.1)[0];
          cts.add(i % 16 == 0 ? x : terms[i % 16 - 1]);
          pts.add(cache.get("mpa" + i, level, ctx.scale(), () -> d));
        }
        double mpa = time(() -> ev.multiplyPlainAccumulate(cts, pts));
        row("multiplyPlainAccumulate, 32 terms", mpa, String.format(Locale.ROOT, "none (%.3f ms per term)", mpa / 32));
      } finally {
        closing(terms);
      }
      return new double[] {rotate, extra, relin};
    }
  }

  private double linear(String name, TokenLayout in, TokenLayout out) {
    double[][] w = random(in.features(), out.features(), 0.05);
    double[] b = random(1, out.features(), 0.05)[0];
    try (PlaintextCache cache = new PlaintextCache(ctx);
        EncryptedTokens x = encrypt(in, random(in.tokens(), in.features(), 1))) {
      TokenLinear lin = new TokenLinear(ctx, cache, in, out, w, b, name);
      long c0 = System.nanoTime();
      lin.apply(x, ctx.scale()).close();
      double cold = (System.nanoTime() - c0) / 1e6;
      double warm = time(() -> lin.apply(x, ctx.scale()));
      row(name, warm, String.format(Locale.ROOT, "b = %d: %s (cold, encoding %d diagonals: %.0f ms)", lin.babySteps(),
          lin.cost(), cache.size(), cold));
      return warm;
    }
  }

  /** Q, K and V from one X with shared baby rotations. */
  private double fusedQkv(TokenLayout hidden, TokenLayout heads) {
    double[][][] ws = {random(384, 384, 0.05), random(384, 384, 0.05), random(384, 384, 0.05)};
    double[][] bs = random(3, 384, 0.05);
    try (PlaintextCache cache = new PlaintextCache(ctx);
        EncryptedTokens x = encrypt(hidden, random(hidden.tokens(), 384, 1))) {
      TokenLinear[] qkv = TokenLinear.sharingInput(ctx, cache, hidden, new TokenLayout[] {heads, heads, heads}, ws, bs,
          new String[] {"q", "k", "v"});
      double ms = time(() -> closing(TokenLinear.applyAll(x, ctx.scale(), qkv)));
      row("TokenLinear Q, K, V together (384 -> 3 x 12x32 heads)", ms,
          "b = " + qkv[0].babySteps() + ": " + TokenLinear.cost(qkv));
      return ms;
    }
  }

  /**
   * Q, K, V as three separate layers against the three sharing baby rotations, alternating call by call so that
   * the machine's load hits both alike (extra argument "qkv").
   */
  private void qkvAlternating(TokenLayout hidden, TokenLayout heads) {
    double[][][] ws = {random(384, 384, 0.05), random(384, 384, 0.05), random(384, 384, 0.05)};
    double[][] bs = random(3, 384, 0.05);
    try (PlaintextCache cache = new PlaintextCache(ctx);
        EncryptedTokens x = encrypt(hidden, random(hidden.tokens(), 384, 1))) {
      TokenLayout[] outs = {heads, heads, heads};
      String[] ids = {"q", "k", "v"};
      TokenLinear[] fused = TokenLinear.sharingInput(ctx, cache, hidden, outs, ws, bs, ids);
      TokenLinear[] alone = new TokenLinear[3];
      for (int i = 0; i < 3; i++) alone[i] = new TokenLinear(ctx, cache, hidden, heads, ws[i], bs[i], ids[i] + "-alone");
      double[] f = new double[reps];
      double[] a = new double[reps];
      for (int r = -1; r < reps; r++) {
        long s0 = System.nanoTime();
        closing(TokenLinear.applyAll(x, ctx.scale(), fused));
        long s1 = System.nanoTime();
        for (TokenLinear l : alone) l.apply(x, ctx.scale()).close();
        long s2 = System.nanoTime();
        if (r >= 0) {
          f[r] = (s1 - s0) / 1e6;
          a[r] = (s2 - s1) / 1e6;
        }
      }
      Arrays.sort(f);
      Arrays.sort(a);
      System.out.printf(Locale.ROOT, "level %d: QKV sharing baby rotations (b = %d) median %.0f ms (min %.0f); three"
          + " separate layers (b = %d) median %.0f ms (min %.0f)%n", level, fused[0].babySteps(), f[reps / 2], f[0],
          alone[0].babySteps(), a[reps / 2], a[0]);
    }
  }

  private static AutoCloseable closing(EncryptedTokens[] xs) {
    for (EncryptedTokens x : xs) x.close();
    return () -> {};
  }

  private double tokenRotation(TokenLayout hidden) {
    int tokens = hidden.tokens();
    try (PlaintextCache cache = new PlaintextCache(ctx);
        EncryptedTokens x = encrypt(hidden, random(tokens, hidden.features(), 1))) {
      TokenRotation rot = new TokenRotation(ctx, cache, tokens);
      double one = time(() -> rot.rotate(x.get(0), 5));
      row("token rotation, one ciphertext, delta = 5", one, "2 rotations (by -L, by delta), 2 mask products");
      int[] all = TokenRotation.allShifts(tokens);
      double every = time(() -> closing(rot.rotateAll(x.get(0), all)));
      row("token rotation, one ciphertext, all " + tokens + " shifts", every,
          tokens + " rotations (-L once, then each shift)");
      return one;
    }
  }

  /** {scores, A x V} of 12 heads. */
  private double[] attention(TokenLayout heads) {
    int tokens = heads.tokens();
    int n = heads.ciphertexts();
    int dims = heads.ring() / heads.headSlots();
    int sumRounds = SlotSum.rotationSteps(heads.headSlots() * tokens, dims).length;
    try (PlaintextCache cache = new PlaintextCache(ctx);
        EncryptedTokens q = encrypt(heads, random(tokens, 384, 0.5), attentionLevel());
        EncryptedTokens k = encrypt(heads, random(tokens, 384, 0.5), attentionLevel());
        EncryptedTokens v = encrypt(heads, random(tokens, 384, 1), attentionLevel())) {
      HeadAttention att = new HeadAttention(ctx, cache, heads);
      double scores = time(() -> closing(att.scores(q, k)));
      row("attention scores, 12 heads, all " + tokens + " token diagonals", scores, String.format(Locale.ROOT,
          "%d rotations (rotTok K), %d relinearizations, %d head-sum rounds (%d key products)",
          n * tokens, tokens, tokens * rounds(dims), tokens * sumRounds));
      // A: fresh encryptions at the input level (what the softmax replacement and a refresh would hand over)
      Ciphertext[] a = new Ciphertext[tokens];
      for (int d = 0; d < tokens; d++) a[d] = encryptAt(random(1, ctx.slotCount(), 0.1)[0], attentionLevel() - 1);
      try {
        double av = time(() -> att.attend(a, v));
        row("A x V, 12 heads", av, String.format(Locale.ROOT,
            "%d rotations (rotTok V), %d relinearizations", n * tokens, n));
        return new double[] {scores, av};
      } finally {
        closing(a);
      }
    }
  }

  /** {sum, sum of squares} per token. */
  private double[] sums(TokenLayout hidden) {
    int rounds = rounds(hidden.ring());
    try (EncryptedTokens x = encrypt(hidden, random(hidden.tokens(), 384, 1))) {
      TokenSums s = new TokenSums(ctx);
      double sum = time(() -> s.sum(x));
      row("per-token sum over 384 features", sum, rounds + " rotate-and-sum rounds");
      double sq = time(() -> s.sumOfSquares(x));
      row("per-token sum of squares", sq, "1 relinearization + " + rounds + " rounds");
      return new double[] {sum, sq};
    }
  }

  /** Rounds of {@link SlotSum} for a count: radix 4, one radix 2 if log2 is odd. */
  private static int rounds(int count) {
    int log = Integer.numberOfTrailingZeros(count);
    return log / 2 + log % 2;
  }

  private double time(Supplier<AutoCloseable> op) {
    try {
      op.get().close(); // warm: caches, JIT
      double[] ms = new double[reps];
      for (int i = 0; i < reps; i++) {
        long s = System.nanoTime();
        AutoCloseable r = op.get();
        ms[i] = (System.nanoTime() - s) / 1e6;
        r.close();
      }
      Arrays.sort(ms);
      lastMin = ms[0];
      return ms[reps / 2];
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  private static AutoCloseable closing(Ciphertext[] cts) {
    for (Ciphertext c : cts) c.close();
    return () -> {};
  }

  private void row(String op, double ms, String ks) {
    String r = String.format(Locale.ROOT, "| %s | %.1f (%.1f) | %s |", op, ms, lastMin, ks);
    rows.add(r);
    System.out.println(r);
  }

  private EncryptedTokens encrypt(TokenLayout layout, double[][] x) {
    return encrypt(layout, x, level);
  }

  private EncryptedTokens encrypt(TokenLayout layout, double[][] x, int level) {
    EncryptedTokens top = EncryptedTokens.encrypt(ctx, layout, x);
    if (level == ctx.maxLevel()) return top;
    try (top) {
      Ciphertext[] c = new Ciphertext[top.size()];
      for (int i = 0; i < c.length; i++) c[i] = ev.modSwitchTo(top.get(i), level);
      return new EncryptedTokens(layout, c);
    }
  }

  /** K and V need two levels (token-rotation masks, product); Q and A one. */
  private int attentionLevel() {
    return Math.max(level, 2);
  }

  private Ciphertext encryptAt(double[] v) {
    return encryptAt(v, level);
  }

  private Ciphertext encryptAt(double[] v, int level) {
    try (Plaintext pt = ctx.encoder().encode(v, ctx.scale(), level)) {
      return ctx.encryptor().encryptSymmetric(pt);
    }
  }

  private static double[][] random(int rows, int cols, double amp) {
    double[][] m = new double[rows][cols];
    for (double[] r : m) for (int j = 0; j < cols; j++) r[j] = amp * (2 * RND.nextDouble() - 1);
    return m;
  }
}
