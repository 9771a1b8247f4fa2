package dev.hnn.encoder;

import dev.hnn.circuit.ChebyshevSeries;
import dev.hnn.circuit.FoldedQuartic;
import dev.hnn.circuit.PlaintextCache;
import dev.hnn.circuit.PolynomialEvaluator;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.transformer.EncryptedTokens;
import dev.hnn.transformer.HeadAttention;
import dev.hnn.transformer.TokenLayout;
import dev.hnn.transformer.TokenLinear;
import dev.hnn.transformer.TokenSums;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One HE-form post-LN encoder layer on ciphertexts, as a list of {@link Step}s over the live registers: it reads
 * register "z" (the previous LayerNorm's normalized output, zero on padding tokens, whose gain and shift it folds
 * into Q, K, V) and leaves its own in "z" ({@link #outputGain()}, {@link #outputShift()}).
 *
 * <p>Each step's cost per prime (for {@link RefreshPlacement#COST}) is the algebra bench's MiniLM figure at L = 32
 * divided by the primes it ran on (docs/encrypted-encoder-algebra.md); only the ratios matter.
 *
 * <p>Steps (levels when all inputs start at one level): qkv 1 (Q, K, V with shared baby rotations; the residual
 * branch applies the input's gain and shift in parallel), scores 2 (times sqrt(scale / n) and the padding mask,
 * carried by K's rotation masks), weights 1 (the square of scores + offsets), attend 2, output+residual 1, LayerNorm ({@link EncryptedLayerNorm}), ffn up 1,
 * activation 2 (the degree-4 polynomial, exact, as a {@link FoldedQuartic} whose leading factor and constant W_down
 * absorbs), ffn down+residual 1, LayerNorm.
 *
 * <p>Leakage of the plaintext token count n: the server learns n (it selects the padding masks and the 1/n factor);
 * the protocol decided to send it in plaintext (docs/protocol.md). Everything else stays encrypted.
 *
 * <p>Weight diagonals and masks are encoded on first use into a cache owned by this layer; {@link #release()} frees
 * them (a MiniLM layer's diagonals are gigabytes at low levels, so the encoder releases each layer after its steps).
 */
public final class EncryptedEncoderLayer implements AutoCloseable {
  private final CkksContext ctx;
  private final HeForm f;
  private final int index;
  private final TokenLayout x;
  private final TokenLayout heads;
  private final TokenLayout ffn;
  private final double[] inGain;
  private final double[] inShift;
  private final double lnTolerance;
  private final double lnWiden;
  private final ChebyshevSeries activation;
  /** The activation in two levels with its leading factor folded into W_down (null: not a quartic). */
  private final FoldedQuartic quartic;
  private final EncryptedLayerNorm ln1;
  private final EncryptedLayerNorm ln2;
  private Parts parts;

  /**
   * @param inGain the gain folded into this layer's input (null: the input is the matrix itself)
   * @param inShift the shift of the input on real tokens (null: zero)
   * @param lnTolerance relative error of LayerNorm's inverse square root over the widened variance range
   * @param lnWiden factor on each side by which the variance ranges are widened
   */
  EncryptedEncoderLayer(CkksContext ctx, HeForm form, CircuitRanges.Layer ranges, int tokens, int index,
      double[] inGain, double[] inShift, double lnTolerance, double lnWiden) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.f = Objects.requireNonNull(form, "form");
    Objects.requireNonNull(ranges, "ranges");
    this.index = index;
    int slots = ctx.slotCount();
    this.x = TokenLayout.featureMajor(slots, tokens, f.hidden());
    this.heads = TokenLayout.headInterleaved(slots, tokens, f.heads(), f.headWidth());
    this.ffn = TokenLayout.featureMajor(slots, tokens, f.intermediate());
    this.inGain = inGain == null ? null : inGain.clone();
    this.inShift = inShift == null ? null : inShift.clone();
    this.lnTolerance = lnTolerance;
    this.lnWiden = lnWiden;
    if (inGain != null && inGain.length != f.hidden() || inShift != null && inShift.length != f.hidden())
      throw new IllegalArgumentException("input gain and shift must have " + f.hidden() + " values");
    // The polynomial evaluator reads inputs in [-1, 1]: the map onto it is folded into the FFN up-projection, so it
    // costs no level. (The attention weights are an exact square of the scores: no interval needed.)
    CircuitRanges.Interval a = ranges.activation().widen(0.5, 1);
    this.activation = ChebyshevSeries.fit(f::activation, a.lo(), a.hi(), Math.max(1, f.activation().length - 1));
    this.quartic = quarticOrNull(f.activation(), activation.lo(), activation.hi());
    this.ln1 = layerNorm("ln1", f.gamma1(), f.beta1(), f.eps1(), t -> ranges.variance(1, t));
    this.ln2 = layerNorm("ln2", f.gamma2(), f.beta2(), f.eps2(), t -> ranges.variance(2, t));
  }

  private static FoldedQuartic quarticOrNull(double[] monomial, double lo, double hi) {
    if (monomial.length != 5 || monomial[4] == 0) return null;
    return FoldedQuartic.of(FoldedQuartic.onUnitInterval(monomial, lo, hi));
  }

  /**
   * Register "act" holds the activation as {@code act * map[0] + map[1]}: the folded quartic leaves its leading
   * factor and constant to W_down ({@link FoldedQuartic}); {1, 0} otherwise.
   */
  double[] activationOutputMap() {
    return quartic == null ? new double[] {1, 0} : new double[] {quartic.gain(), quartic.shift()};
  }

  private EncryptedLayerNorm layerNorm(String name, double[] g, double[] b, double eps,
      java.util.function.IntFunction<CircuitRanges.Interval> var) {
    return new EncryptedLayerNorm(ctx, () -> parts().ops, () -> parts().poly, x, "L" + index + " " + name, g, b,
        eps, var, lnTolerance, lnWiden);
  }

  /** Rotation keys of a layer of this shape. */
  static int[] rotationSteps(int slots, int tokens, int hidden, int heads, int width, int intermediate) {
    TokenLayout x = TokenLayout.featureMajor(slots, tokens, hidden);
    TokenLayout h = TokenLayout.headInterleaved(slots, tokens, heads, width);
    TokenLayout u = TokenLayout.featureMajor(slots, tokens, intermediate);
    return Stream.of(TokenLinear.rotationSteps(x, h, h, h), TokenLinear.rotationSteps(h, x),
            TokenLinear.rotationSteps(x, u), TokenLinear.rotationSteps(u, x), HeadAttention.rotationSteps(h),
            TokenSums.rotationSteps(x))
        .flatMapToInt(IntStream::of).distinct().sorted().toArray();
  }

  /** Width of the layer's token matrix (its input and output). */
  int hidden() {
    return f.hidden();
  }

  public double[] outputGain() {
    return ln2.gain();
  }

  public double[] outputShift() {
    return ln2.shift();
  }

  /**
   * Register "s" holds the scores times this on real query-key pairs (zero elsewhere), register "q" Q / sqrt(w):
   * sqrt(scale / n), which the square of the weights step turns into attention's scale / n.
   */
  double scoreFactor(int valid) {
    return Math.sqrt(f.attentionScale() / valid);
  }

  /** sqrt(scale / n) times the padding mask of score diagonal delta, by query token. */
  private double[] scoreFactors(int delta, int valid) {
    double k = scoreFactor(valid);
    int l = x.tokens();
    double[] v = new double[l];
    for (int t = 0; t < l; t++) v[t] = t < valid && (t + delta) % l < valid ? k : 0;
    return v;
  }

  /** Register "u" holds the FFN up-projection mapped by this interval onto [-1, 1]. */
  CircuitRanges.Interval activationInterval() {
    return new CircuitRanges.Interval(activation.lo(), activation.hi());
  }

  double[] ln1Gain() {
    return ln1.gain();
  }

  double[] ln1Shift() {
    return ln1.shift();
  }

  /**
   * Levels from the layer's input to its output when no refresh intervenes (its longest path): the steps' levels
   * added up, less one, because V leaves qkv three levels above the attention weights, so attend's token rotation
   * of V runs beside the chain and attend costs it one level (its product), not the two it takes from one level.
   */
  public int depth() {
    return steps(1).stream().mapToInt(Step::levels).sum() - 1;
  }

  /** Relative error bounds of the two LayerNorms' inverse square roots over their widened ranges. */
  public double[] inverseSqrtErrors() {
    return new double[] {ln1.inverseSqrt().worstRelativeError(), ln2.inverseSqrt().worstRelativeError()};
  }

  /** The steps for a sentence of {@code valid} real tokens. */
  List<Step> steps(int valid) {
    if (valid < 1 || valid > x.tokens())
      throw new IllegalArgumentException("valid tokens must be in 1.." + x.tokens() + ", got " + valid);
    double scale = ctx.scale();
    String p = "L" + index + " ";
    List<Step> s = new ArrayList<>();
    s.add(new Step(p + "qkv", 1, 0.23, r -> {
      Parts q = parts();
      EncryptedTokens z = new EncryptedTokens(x, r.get("z"));
      EncryptedTokens[] qkv;
      try (PlaintextCache lc = PlaintextCache.singleUse(ctx)) {
        qkv = TokenLinear.applyAll(z, scale, qkv(lc));
      }
      Ciphertext[] res = inGain == null ? null : affine(q.ops, r.get("z"), valid);
      if (res == null) r.put("x", r.take("z"));
      else {
        r.drop("z");
        r.put("x", res);
      }
      r.put("q", qkv[0].ciphertexts());
      r.put("k", qkv[1].ciphertexts());
      r.put("v", qkv[2].ciphertexts());
    }));
    // The weights (s + c_h)^2 scale/n on real query-key pairs: sqrt(scale/n) and the padding mask ride in K's token
    // rotation masks (scores), the offsets come in as a plaintext with the same factor, and the weights step is one
    // square: one level where a polynomial evaluation with a factor took two.
    s.add(new Step(p + "scores", 2, 0.21, r -> {
      Ciphertext[] sc = parts().attention.scores(new EncryptedTokens(heads, r.get("q")),
          new EncryptedTokens(heads, r.get("k")), delta -> scoreFactors(delta, valid), p + "scores/" + valid);
      r.drop("q", "k");
      r.put("s", sc);
    }));
    // Live before weights and attend: a score diagonal per token, the residual x and V.
    int withScores = x.tokens() + x.ciphertexts() + heads.ciphertexts();
    s.add(new Step(p + "weights", 1, 0.08, withScores, r -> {
      Parts q = parts();
      Ciphertext[] sc = r.get("s");
      Ciphertext[] a = HeOps.each(sc.length, delta -> {
        try (Ciphertext u = sc[delta].copy()) {
          q.ops.addVector(u, p + "offsets/" + valid + "/" + delta, () -> offsetVector(scoreFactors(delta, valid)));
          return q.ops.multiply(u, u);
        }
      });
      r.drop("s");
      r.put("a", a);
    }));
    s.add(new Step(p + "attend", 2, 0.13, withScores, r -> {
      EncryptedTokens o = parts().attention.attend(r.get("a"), new EncryptedTokens(heads, r.get("v")));
      r.drop("a", "v");
      r.put("o", o.ciphertexts());
    }));
    s.add(new Step(p + "output+residual", 1, 0.11, r -> {
      try (PlaintextCache lc = PlaintextCache.singleUse(ctx);
          EncryptedTokens y = output(lc).apply(new EncryptedTokens(heads, r.get("o")), scale)) {
        EncryptedTokens sum = new EncryptedTokens(x, r.get("x")).add(ctx, y);
        r.drop("o", "x");
        r.put("r", sum.ciphertexts());
      }
    }));
    s.addAll(ln1.steps(valid, "r", "z1"));
    s.add(new Step(p + "ffn up", 1, 0.23, r -> {
      Parts q = parts();
      EncryptedTokens u;
      try (PlaintextCache lc = PlaintextCache.singleUse(ctx)) {
        u = up(lc).apply(new EncryptedTokens(x, r.get("z1")), scale);
      }
      r.put("u", u.ciphertexts());
      Ciphertext[] x2 = affine(q.ops, r.get("z1"), valid, ln1.gain(), ln1.shift(), "ln1");
      r.drop("z1");
      r.put("x2", x2);
    }));
    int activationLevels = quartic != null ? FoldedQuartic.depth() : PolynomialEvaluator.depth(activation);
    s.add(new Step(p + "activation", activationLevels, 0.03, r -> {
      Parts q = parts();
      Ciphertext[] u = r.get("u");
      Ciphertext[] act = HeOps.each(u.length, i -> quartic != null ? quartic.evaluate(ctx, u[i])
          : q.poly.evaluate(u[i], activation, null, p + "act", scale));
      r.drop("u");
      r.put("act", act);
    }));
    s.add(new Step(p + "ffn down+residual", 1, 0.3, r -> {
      try (PlaintextCache lc = PlaintextCache.singleUse(ctx);
          EncryptedTokens d = down(lc).apply(new EncryptedTokens(ffn, r.get("act")), scale)) {
        EncryptedTokens sum = new EncryptedTokens(x, r.get("x2")).add(ctx, d);
        r.drop("act", "x2");
        r.put("r2", sum.ciphertexts());
      }
    }));
    s.addAll(ln2.steps(valid, "r2", "z"));
    return s;
  }

  /** The input matrix z gain + shift m from register z (the residual branch), one level lower at the default scale. */
  private Ciphertext[] affine(HeOps ops, Ciphertext[] z, int valid) {
    return affine(ops, z, valid, inGain, inShift, "in");
  }

  private Ciphertext[] affine(HeOps ops, Ciphertext[] z, int valid, double[] gain, double[] shift, String what) {
    String id = "L" + index + " affine/" + what + "/";
    Ciphertext[] out = new Ciphertext[z.length];
    try {
      for (int i = 0; i < z.length; i++) {
        final int c = i;
        out[i] = ops.multiplyVector(z[i], id + "g/" + i, ctx.scale(), () -> perFeature(c, gain, x.tokens()));
        if (shift != null) ops.addVector(out[i], id + "b/" + valid + "/" + i, () -> perFeature(c, shift, valid));
      }
      return out;
    } catch (RuntimeException e) {
      for (Ciphertext ct : out) if (ct != null) ct.close();
      throw e;
    }
  }

  /** values[feature] at the feature positions of ciphertext c for tokens 0 .. tokens-1, zero elsewhere. */
  private double[] perFeature(int c, double[] values, int tokens) {
    double[] v = new double[x.slots()];
    int ring = x.ring(), l = x.tokens();
    for (int p = 0; p < ring; p++) {
      int feat = x.featureAt(c * ring + p);
      if (feat < 0) continue;
      for (int t = 0; t < tokens; t++) v[p * l + t] = values[feat];
    }
    return v;
  }

  /**
   * c_h times the query token's factor at every slot of head h's ring positions (identical in every ciphertext of
   * the head layout).
   */
  private double[] offsetVector(double[] tokenFactor) {
    double[] v = new double[heads.slots()];
    int l = heads.tokens(), hp = heads.headSlots();
    for (int p = 0; p < heads.ring(); p++) {
      int h = p % hp;
      if (h >= f.heads()) continue;
      for (int t = 0; t < l; t++) v[p * l + t] = f.offsets()[h] * tokenFactor[t];
    }
    return v;
  }

  private Parts parts() {
    if (parts == null) parts = new Parts();
    return parts;
  }

  /** Frees the layer's encoded weights and masks (the layer can run again; they are re-encoded). */
  public void release() {
    if (parts != null) parts.cache.close();
    parts = null;
  }

  @Override
  public void close() {
    release();
  }

  /** Weights folded with the input's gain and shift: W' = diag(g) W, b' = (b + shift W); then times {@code k}. */
  static double[][] foldWeights(double[][] w, double[] gain, double k) {
    double[][] r = new double[w.length][w[0].length];
    for (int i = 0; i < w.length; i++)
      for (int o = 0; o < r[i].length; o++) r[i][o] = w[i][o] * (gain == null ? 1 : gain[i]) * k;
    return r;
  }

  static double[] foldBias(double[][] w, double[] b, double[] shift, double k) {
    double[] r = new double[b.length];
    for (int o = 0; o < r.length; o++) {
      double s = b[o];
      if (shift != null) for (int i = 0; i < w.length; i++) s += shift[i] * w[i][o];
      r[o] = s * k;
    }
    return r;
  }

  /*
   * The linear layers get a cache of their own for the one step that uses them, closed right after: a MiniLM
   * layer's diagonals at a high level are gigabytes per projection, so they must not pile up within a layer.
   */
  private TokenLinear[] qkv(PlaintextCache c) {
    double r = 1 / Math.sqrt(f.headWidth());
    String id = "L" + index + " ";
    return TokenLinear.sharingInput(ctx, c, x, new TokenLayout[] {heads, heads, heads},
        new double[][][] {foldWeights(f.wq(), inGain, r), foldWeights(f.wk(), inGain, 1),
            foldWeights(f.wv(), inGain, 1)},
        new double[][] {foldBias(f.wq(), f.bq(), inShift, r), foldBias(f.wk(), f.bk(), inShift, 1),
            foldBias(f.wv(), f.bv(), inShift, 1)},
        new String[] {id + "q", id + "k", id + "v"});
  }

  private TokenLinear output(PlaintextCache c) {
    return new TokenLinear(ctx, c, heads, x, f.wo(), f.bo(), "L" + index + " o");
  }

  private TokenLinear up(PlaintextCache c) {
    double lo = activation.lo(), hi = activation.hi();
    double[] bUp = foldBias(f.wUp(), f.bUp(), ln1.shift(), 2 / (hi - lo));
    for (int o = 0; o < bUp.length; o++) bUp[o] -= (lo + hi) / (hi - lo);
    return new TokenLinear(ctx, c, x, ffn, foldWeights(f.wUp(), ln1.gain(), 2 / (hi - lo)), bUp, "L" + index + " up");
  }

  private TokenLinear down(PlaintextCache c) {
    double[] map = activationOutputMap();
    double[] shift = new double[f.intermediate()];
    java.util.Arrays.fill(shift, map[1]);
    return new TokenLinear(ctx, c, ffn, x, foldWeights(f.wDown(), null, map[0]), foldBias(f.wDown(), f.bDown(), shift, 1),
        "L" + index + " down");
  }

  /** Masks, offsets and polynomial coefficients of a run: built on first use, freed by {@link #release()}. */
  private final class Parts {
    final PlaintextCache cache = new PlaintextCache(ctx);
    final HeOps ops = new HeOps(ctx, cache);
    final PolynomialEvaluator poly = new PolynomialEvaluator(ctx, cache);
    final HeadAttention attention = new HeadAttention(ctx, cache, heads);
  }
}
