package dev.hnn.encoder;

import dev.hnn.circuit.PolynomialEvaluator;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.transformer.TokenLayout;
import dev.hnn.transformer.TokenSums;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import dev.hnn.ckks.CkksContext;

/**
 * LayerNorm on an encrypted token matrix, as steps. With m_t the real-token mask and D the width:
 * <ol>
 *   <li>center: c = (x - mean) m / sqrt(2D k_t) (k_t: a per-position constant, see the constructor) (two plaintext products: x and the per-token sum from
 *       {@link TokenSums#sum}), one level; the mask makes padding tokens exactly zero from here on;
 *   <li>variance: h = sum_f c^2 + (eps/2k_t) m + (1 - m)/2 = (var + eps)/(2k_t) on real tokens ({@link TokenSums}), and
 *       a mid-range value on padding tokens so that their inverse square root stays in range; one level;
 *   <li>inverse square root: y = 1/sqrt(2h) = sqrt(k_t / (var + eps)) ({@link InverseSqrt}: initial guess, then Newton steps);
 *   <li>normalize: z = c y = LN(x)^ m / sqrt(2D), one level; when there are Newton steps, the last one is fused with
 *       it ({@link InverseSqrt#newtonTimes}) at two levels for both.
 * </ol>
 * The gain and shift are not applied: the output is z with {@link #gain()} = gamma sqrt(2D) and {@link #shift()}
 * = beta, i.e. LN(x) = z gain + shift m. The next linear layer folds them into its weights and bias (no level) and
 * the residual branch applies them off the critical path ({@link EncryptedEncoderLayer}).
 */
final class EncryptedLayerNorm {
  private final Supplier<HeOps> ops;
  private final Supplier<PolynomialEvaluator> poly;
  private final TokenSums sums;
  private final TokenLayout layout;
  private final String name;
  private final double[] gamma;
  private final double[] beta;
  private final double eps;
  private final InverseSqrt inv;
  private final double paddingVariance;
  private final double scale;
  private final double[] positionScale;

  /** ops and poly are asked for only when a step runs (they hold the owning layer's plaintext cache). */
  EncryptedLayerNorm(CkksContext ctx, Supplier<HeOps> ops, Supplier<PolynomialEvaluator> poly, TokenLayout layout,
      String name, double[] gamma, double[] beta, double eps, IntFunction<CircuitRanges.Interval> variance,
      double tolerance, double widen) {
    this.ops = ops;
    this.poly = poly;
    this.scale = ctx.scale();
    this.sums = new TokenSums(ctx);
    this.layout = layout;
    this.name = name;
    this.gamma = gamma.clone();
    this.beta = beta.clone();
    this.eps = eps;
    // Per-position normalization: token t's variance is divided by k_t (the geometric middle of its range), which
    // the centering masks carry (sqrt(1/k_t)) and the normalization cancels exactly; the inverse square root then
    // sees ranges around 1 for every position.
    this.positionScale = new double[layout.tokens()];
    double lo = Double.MAX_VALUE, hi = 0;
    for (int t = 0; t < positionScale.length; t++) {
      CircuitRanges.Interval v = variance.apply(t);
      double a = Math.max(v.lo(), 0) + eps, b = v.hi() + eps;
      positionScale[t] = Math.sqrt(a * b);
      lo = Math.min(lo, a / positionScale[t]);
      hi = Math.max(hi, b / positionScale[t]);
    }
    // In h = (var + eps) / (2 k_t), widened on each side (the ranges come from a finite sample).
    if (!(widen >= 1)) throw new IllegalArgumentException("the widening must be at least 1, got " + widen);
    this.inv = InverseSqrt.design(lo / 2 / widen, hi / 2 * widen, tolerance);
    this.paddingVariance = 1;
  }

  InverseSqrt inverseSqrt() {
    return inv;
  }

  double[] gain() {
    double f = Math.sqrt(2.0 * layout.features()) * inv.outputFactor();
    double[] g = new double[gamma.length];
    for (int i = 0; i < g.length; i++) g[i] = gamma[i] * f;
    return g;
  }

  double[] shift() {
    return beta.clone();
  }

  int depth() {
    return 2 + InverseSqrt.depthOf(inv.initialDepth(), inv.newtonSteps());
  }

  /** Steps reading register {@code in} (a token matrix in this layout), leaving z in {@code out}. */
  List<Step> steps(int valid, String in, String out) {
    int d = layout.features();
    List<Step> s = new ArrayList<>();
    String c = name + "/c", ct = name + "/ct", h = name + "/h", ht = name + "/t", y = name + "/y";
    s.add(new Step(name + " center", 1, r -> {
      Ciphertext[] x = r.get(in);
      Ciphertext[] cs = new Ciphertext[x.length];
      Ciphertext[] cts = new Ciphertext[x.length];
      try (Ciphertext sum = sums.sum(wrap(x))) {
        for (int i = 0; i < x.length; i++) {
          cs[i] = center(x[i], sum, i, valid, d, 1 / Math.sqrt(2.0 * d), "c");
          cts[i] = center(x[i], sum, i, valid, d, Math.sqrt(2 / (inv.hi() - inv.lo()) / (2.0 * d)), "t");
        }
      } catch (RuntimeException e) {
        for (Ciphertext k : cs) if (k != null) k.close();
        for (Ciphertext k : cts) if (k != null) k.close();
        throw e;
      }
      r.drop(in);
      r.put(c, cs);
      r.put(ct, cts);
    }));
    s.add(new Step(name + " variance", 1, r -> {
      r.put(h, variance(r.get(c), valid, t -> t < valid ? eps / 2 / positionScale[t] : paddingVariance / 2, "h"));
      // The initial guess reads h mapped onto [-1, 1] (the evaluator's domain): the map is folded into ct's mask
      // and this constant, so it costs no level.
      double lo = inv.lo(), hi = inv.hi();
      r.put(ht, variance(r.get(ct), valid,
          t -> (2 * (t < valid ? eps / 2 / positionScale[t] : paddingVariance / 2) - lo - hi) / (hi - lo), "t"));
      r.drop(ct);
    }));
    int steps = inv.newtonSteps();
    String cbh = name + "/cbh";
    IntFunction<String> bh = k -> name + "/bh" + k;
    // The steps need beta_k h (and the fused last one c beta h) at or above y's level: formed here, beside the
    // guess, from h's spare levels, so they stay above y through the steps and any refresh in between.
    s.add(new Step(name + " inverse sqrt init", steps > 0 ? Math.max(2, inv.initialDepth()) : inv.initialDepth(),
        r -> {
          Ciphertext hh = r.get(h)[0];
          Ciphertext y0 = poly.get().evaluate(r.get(ht)[0], inv.initial(), null, name + "/invsqrt", scale);
          r.put(y, y0);
          r.drop(ht);
          if (steps == 0) return;
          for (int k = 0; k < steps - 1; k++) r.put(bh.apply(k), ops.get().constant(hh, inv.beta(k), hh.level() - 1,
              hh.scale()));
          try (Ciphertext last = ops.get().constant(hh, inv.beta(steps - 1), hh.level() - 1, hh.scale())) {
            r.put(cbh, products(r.get(c), last));
          }
          int floor = r.get(cbh)[0].level();
          if (y0.level() > floor) ops.get().evaluator().modSwitchToInPlace(y0, floor);
          r.drop(h);
        }));
    for (int k = 0; k < steps - 1; k++) {
      final int step = k;
      s.add(new Step(name + " newton " + (k + 1), 2, r -> {
        r.put(y, InverseSqrt.step(ops.get(), r.get(bh.apply(step))[0], r.get(y)[0]));
        r.drop(bh.apply(step));
      }));
    }
    // The last step runs fused with the normalization: two levels for both.
    s.add(new Step(name + " normalize", steps > 0 ? 2 : 1, r -> {
      Ciphertext[] cs = r.get(c);
      Ciphertext yy = r.get(y)[0];
      Ciphertext[] z = HeOps.each(cs.length, i -> steps > 0
          ? InverseSqrt.stepTimes(ops.get(), yy, cs[i], r.get(cbh)[i]) : ops.get().multiply(cs[i], yy));
      r.drop(c, y);
      if (steps > 0) r.drop(cbh);
      else r.drop(h);
      r.put(out, z);
    }));
    return s;
  }

  /** c_i h for every ciphertext of c. */
  private Ciphertext[] products(Ciphertext[] cs, Ciphertext h) {
    return HeOps.each(cs.length, i -> ops.get().multiply(cs[i], h));
  }

  /** (x_i - sum/D) m f on the feature positions of ciphertext i, zero elsewhere; exactly x's scale. */
  private Ciphertext center(Ciphertext x, Ciphertext sum, int i, int valid, int d, double f, String what) {
    HeOps ops = this.ops.get();
    String id = name + "/" + what + "/" + valid + "/" + i;
    try (Ciphertext a = ops.multiplyVector(x, id + "/x", x.scale(), () -> featureMask(i, valid, f));
        Ciphertext b = ops.multiplyVector(sum, id + "/sum", x.scale(), () -> featureMask(i, valid, f / d))) {
      return ops.evaluator().sub(a, b);
    }
  }

  /** sum_f c^2 plus a per-token constant. */
  private Ciphertext variance(Ciphertext[] cs, int valid, java.util.function.IntToDoubleFunction add, String what) {
    Ciphertext v = sums.sumOfSquares(wrap(cs));
    try {
      double[] a = new double[layout.tokens()];
      for (int t = 0; t < a.length; t++) a[t] = add.applyAsDouble(t);
      ops.get().addVector(v, name + "/add/" + what + "/" + valid, () -> layout.perToken(a));
      return v;
    } catch (RuntimeException e) {
      v.close();
      throw e;
    }
  }

  /** value at (feature position of ciphertext i, real token), 0 elsewhere. */
  private double[] featureMask(int i, int valid, double value) {
    double[] v = new double[layout.slots()];
    int ring = layout.ring(), tokens = layout.tokens();
    for (int p = 0; p < ring; p++) {
      if (layout.featureAt(i * ring + p) < 0) continue;
      for (int t = 0; t < valid; t++) v[p * tokens + t] = value / Math.sqrt(positionScale[t]);
    }
    return v;
  }

  /** A non-owning view: the registers keep the ciphertexts. */
  private dev.hnn.transformer.EncryptedTokens wrap(Ciphertext[] cts) {
    return new dev.hnn.transformer.EncryptedTokens(layout, cts);
  }
}
