package dev.hnn.encoder;

import dev.hnn.circuit.ChebyshevSeries;
import dev.hnn.circuit.PlaintextCache;
import dev.hnn.circuit.PolynomialEvaluator;
import dev.hnn.circuit.SlotSum;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.transformer.EncryptedTokens;
import dev.hnn.transformer.TokenLayout;
import dev.hnn.transformer.TokenLinear;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Mean pooling and the classifier head on the last layer's register "z", leaving the logit difference in slot 0 of
 * register "logit":
 * <ol>
 *   <li>pool (1 level): sum over the L token slots of each feature (rotate-and-sum, stride 1; z is zero on padding
 *       tokens), kept at token 0 by a 0/1 mask so the other slots hold zeros, not partial sums;
 *   <li>head linear (1): W1 of the standardized mean, with the LayerNorm's gain, 1/n, the shift, the
 *       standardization and the map of the activation's fit interval onto [-1, 1] folded into W1 and b1
 *       (pooled = gain p / n + shift);
 *   <li>head activation: a Chebyshev fit of the head's activation on its widened pre-activation range;
 *   <li>head output (1): the logit difference w . hidden + b.
 * </ol>
 */
final class EncryptedHead implements AutoCloseable {
  private final CkksContext ctx;
  private final HeadSpec head;
  private final TokenLayout x;
  private final TokenLayout hidden;
  private final TokenLayout one;
  private final double[] gain;
  private final double[] shift;
  private final ChebyshevSeries act;
  private PlaintextCache cache;

  EncryptedHead(CkksContext ctx, HeadSpec head, int tokens, double[] gain, double[] shift,
      CircuitRanges.Interval preActivation, int degree) {
    this.ctx = ctx;
    this.head = head;
    int slots = ctx.slotCount();
    this.x = TokenLayout.featureMajor(slots, tokens, head.inputDim());
    this.hidden = TokenLayout.featureMajor(slots, tokens, head.b1().length);
    this.one = TokenLayout.featureMajor(slots, tokens, 1);
    if (gain.length != head.inputDim())
      throw new IllegalArgumentException("the head reads " + head.inputDim() + " features, the encoder gives " + gain.length);
    this.gain = gain.clone();
    this.shift = shift.clone();
    CircuitRanges.Interval r = preActivation.widen(0.25, 1);
    this.act = ChebyshevSeries.fit(head.activation(), r.lo(), r.hi(), degree);
  }

  static int[] rotationSteps(int slots, int tokens, int in, int hiddenDim) {
    TokenLayout x = TokenLayout.featureMajor(slots, tokens, in);
    TokenLayout h = TokenLayout.featureMajor(slots, tokens, hiddenDim);
    return IntStream.concat(IntStream.concat(IntStream.of(SlotSum.rotationSteps(1, tokens)),
        IntStream.of(TokenLinear.rotationSteps(x, h))), IntStream.of(TokenLinear.rotationSteps(h,
        TokenLayout.featureMajor(slots, tokens, 1)))).distinct().sorted().toArray();
  }

  /** Max |fit - activation| on the fit interval. */
  double activationFitError() {
    return act.maxDeviation(head.activation());
  }

  List<Step> steps(int valid) {
    double scale = ctx.scale();
    return List.of(
        new Step("pool", 1, r -> {
          Ciphertext[] z = r.get("z");
          Ciphertext[] p = new Ciphertext[z.length];
          try {
            for (int i = 0; i < z.length; i++) {
              try (Ciphertext s = z[i].copy()) {
                SlotSum.sumInPlace(ctx.evaluator(), s, 1, x.tokens());
                p[i] = ops().multiplyVector(s, "pool/mask", s.scale(), () -> tokenZero());
              }
            }
          } catch (RuntimeException e) {
            for (Ciphertext c : p) if (c != null) c.close();
            throw e;
          }
          r.drop("z");
          r.put("pooled", p);
        }),
        new Step("head linear", 1, 0.05, r -> {
          TokenLinear l = new TokenLinear(ctx, cache(), x, hidden, foldedW1(valid), foldedB1(), "head/w1/" + valid);
          EncryptedTokens a = l.apply(new EncryptedTokens(x, r.get("pooled")), scale);
          r.put("pre", a.ciphertexts());
          r.drop("pooled");
        }),
        new Step("head activation", PolynomialEvaluator.depth(act), r -> {
          Ciphertext[] a = r.get("pre");
          Ciphertext[] h = new Ciphertext[a.length];
          PolynomialEvaluator pe = new PolynomialEvaluator(ctx, cache());
          try {
            for (int i = 0; i < a.length; i++) h[i] = pe.evaluate(a[i], act, null, "head/act", scale);
          } catch (RuntimeException e) {
            for (Ciphertext c : h) if (c != null) c.close();
            throw e;
          }
          r.drop("pre");
          r.put("hidden", h);
        }),
        new Step("head output", 1, r -> {
          double[][] w = new double[head.w().length][1];
          for (int j = 0; j < w.length; j++) w[j][0] = head.w()[j];
          TokenLinear l = new TokenLinear(ctx, cache(), hidden, one, w, new double[] {head.b()}, "head/w2");
          EncryptedTokens d = l.apply(new EncryptedTokens(hidden, r.get("hidden")), scale);
          r.put("logit", d.ciphertexts());
          r.drop("hidden");
        }));
  }

  /** x W1' with W1'[i][j] = W1[j][i] gain_i / (n std_i): TokenLinear's d_in x d_out. */
  private double[][] foldedW1(int valid) {
    double[][] w = new double[head.inputDim()][head.b1().length];
    for (int i = 0; i < w.length; i++)
      for (int j = 0; j < w[i].length; j++) w[i][j] = head.w1()[j][i] * gain[i] / (valid * head.std()[i]) * 2 / (act.hi() - act.lo());
    return w;
  }

  private double[] foldedB1() {
    double lo = act.lo(), hi = act.hi();
    double[] b = head.b1().clone();
    for (int j = 0; j < b.length; j++) {
      for (int i = 0; i < head.inputDim(); i++) b[j] += head.w1()[j][i] * (shift[i] - head.mean()[i]) / head.std()[i];
      b[j] = (2 * b[j] - lo - hi) / (hi - lo);
    }
    return b;
  }

  private double[] tokenZero() {
    double[] m = new double[x.tokens()];
    m[0] = 1;
    return x.perToken(m);
  }

  private HeOps ops() {
    return new HeOps(ctx, cache());
  }

  private PlaintextCache cache() {
    if (cache == null) cache = new PlaintextCache(ctx);
    return cache;
  }

  void release() {
    if (cache != null) cache.close();
    cache = null;
  }

  @Override
  public void close() {
    release();
  }
}
