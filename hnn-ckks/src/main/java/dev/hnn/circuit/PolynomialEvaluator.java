package dev.hnn.circuit;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates a Chebyshev series on a ciphertext holding values in [-1, 1] (the caller folds the series' affine
 * map into the layer before), optionally times a per-slot factor, by the baby-step/giant-step method:
 * T_1 ... T_(b-1) and the giant powers T_b, T_2b, T_4b, ... are computed once, the series is split
 * recursively as p = q + r T_m (using T_(m+k) = 2 T_m T_k - T_(m-k)), and the leaves are baby-step
 * combinations sum_k c_k T_k. About 2 sqrt(d) + log2(d) ciphertext products instead of d, and depth
 * {@link #depth(int)} = ceil(log2 d) + 1 (+1 for degrees with a top giant step).
 *
 * <p>Coefficients enter only through plaintext or scalar products whose encoding scales are chosen so that
 * every term of a sum lands on the same exact scale ({@link ScaleLanding}); the result is at exactly the
 * requested scale. The optional factor f (a slot vector, tiled) turns the evaluation into f * p(x) at no extra
 * depth: it is multiplied into the baby-step coefficients, which is how a following linear layer's weights
 * are absorbed.
 */
public final class PolynomialEvaluator {
  private final CkksContext ctx;
  private final Evaluator ev;
  private final PlaintextCache cache;

  /** {@code cache} holds the coefficient plaintexts of per-slot factors (may be shared; not closed here). */
  public PolynomialEvaluator(CkksContext ctx, PlaintextCache cache) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.ev = ctx.evaluator();
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  /** Baby-step count for degree d: about sqrt(d + 1), a power of two. */
  static int babySteps(int degree) {
    int log = Slots.ceilLog2(degree + 1);
    return Math.max(2, 1 << ((log + 1) / 2));
  }

  /**
   * Levels the evaluation of p consumes: {@link #depth(int)} of its degree, or for a linear-plus-even series
   * ({@link ChebyshevSeries#isLinearPlusEven}) one level for T_2 and the depth of the even part in T_2, where
   * that is not more.
   */
  public static int depth(ChebyshevSeries p) {
    Objects.requireNonNull(p, "series");
    return usesEvenPath(p) ? 1 + depth(p.degree() / 2) : depth(p.degree());
  }

  /** c_1 x + e(T_2(x)) instead of the full series: half the products for the same depth or less. */
  private static boolean usesEvenPath(ChebyshevSeries p) {
    return p.isLinearPlusEven() && 1 + depth(p.degree() / 2) <= depth(p.degree());
  }

  /** Levels the evaluation of a degree-d series consumes. */
  public static int depth(int degree) {
    if (degree < 1) throw new IllegalArgumentException("degree must be at least 1");
    return depth(degree, babySteps(degree));
  }

  private static int depth(int d, int b) {
    if (d < b) return Slots.ceilLog2(Math.max(d, 1)) + 1;
    int m = giantFor(d, b);
    return Math.max(depth(m - 1, b), Math.max(depth(d - m, b) + 1, Slots.ceilLog2(m) + 1));
  }

  /** The largest giant power b * 2^j not above d. */
  private static int giantFor(int d, int b) {
    int m = b;
    while (2 * m <= d) m *= 2;
    return m;
  }

  /**
   * factor * p(x) at level {@code x.level() - depth(degree)} and exactly {@code targetScale}.
   *
   * @param factor null, a scalar (length 1) or a slot vector whose length divides the slot count
   * @param id names the (series, factor) pair in the plaintext cache: equal ids must mean equal inputs
   */
  public Ciphertext evaluate(Ciphertext x, ChebyshevSeries p, double[] factor, String id, double targetScale) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(p, "series");
    Objects.requireNonNull(id, "id");
    int d = p.degree();
    if (d < 1) throw new IllegalArgumentException("a series of degree 0 is a constant: add it instead");
    int need = depth(p);
    int target = x.level() - need;
    if (target < 0)
      throw new DepthExhaustedException(
          "a degree-" + d + " polynomial needs " + need + " levels, the ciphertext has " + x.level()
              + ": choose parameters with more primes");
    if (factor != null && factor.length == 0) throw new IllegalArgumentException("empty factor");
    if (usesEvenPath(p)) return linearPlusEven(x, p.coefficients(), factor, id, target, targetScale);
    Run run = new Run(x, babySteps(d), factor, id);
    try {
      return run.series(p.coefficients(), target, targetScale, "");
    } finally {
      run.close();
    }
  }

  /**
   * c_1 x + sum_k c_2k T_k(T_2(x)) (as T_2k = T_k o T_2): the even part is a series of half the degree in
   * u = T_2(x) = 2 x^2 - 1, and the linear term one plaintext product of x landing on the same (level, scale).
   */
  private Ciphertext linearPlusEven(Ciphertext x, double[] c, double[] factor, String id, int target,
      double targetScale) {
    double[] even = new double[(c.length - 1) / 2 + 1];
    for (int k = 0; k < even.length; k++) even[k] = c[2 * k];
    Ciphertext result;
    try (Ciphertext u = ev.multiplyRelinRescale(x, x)) {
      ev.multiplyIntegerInPlace(u, 2);
      ev.addScalarInPlace(u, -1.0);
      Run run = new Run(u, babySteps(even.length - 1), factor, id);
      try {
        result = run.series(even, target, targetScale, "even");
      } finally {
        run.close();
      }
    }
    if (c[1] == 0) return result;
    try (Ciphertext t = ScaleLanding.dropTo(ctx, x, target + 1);
        Ciphertext linear = weightedSum(new Ciphertext[] {t}, new double[] {c[1]}, new String[] {id + "/linear"},
            targetScale * ctx.prime(target + 1), factor)) {
      ev.rescaleInPlace(linear);
      ev.addInPlace(result, linear);
      return result;
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }

  /**
   * sum_i c_i t_i (times the factor) at {@code productScale} and the lowest level among the t_i, no rescale: one
   * fused multiply-accumulate, each coefficient encoded at the scale that lands its product on productScale (as
   * a scalar, or with a per-slot factor as a plaintext cached under keys[i]).
   */
  private Ciphertext weightedSum(Ciphertext[] t, double[] c, String[] keys, double productScale, double[] factor) {
    int count = t.length;
    if (factor == null || factor.length == 1) {
      double f = factor == null ? 1.0 : factor[0];
      double[] values = new double[count];
      double[] scales = new double[count];
      for (int i = 0; i < count; i++) {
        values[i] = c[i] * f;
        scales[i] = productScale / t[i].scale();
      }
      return ev.multiplyScalarAccumulate(t, values, scales);
    }
    int level = Integer.MAX_VALUE;
    for (Ciphertext ti : t) level = Math.min(level, ti.level());
    Plaintext[] p = new Plaintext[count];
    for (int i = 0; i < count; i++) {
      double coefficient = c[i];
      p[i] = cache.get(keys[i], level, productScale / t[i].scale(), () -> scaled(coefficient, factor));
    }
    return ev.multiplyPlainAccumulate(t, p);
  }

  /** c times the factor slot vector. */
  private static double[] scaled(double c, double[] factor) {
    double[] v = new double[factor.length];
    for (int i = 0; i < v.length; i++) v[i] = c * factor[i];
    return v;
  }

  /** One evaluation: the power basis (owned, closed at the end) and the recursion. */
  private final class Run implements AutoCloseable {
    private final Map<Integer, Ciphertext> powers = new HashMap<>();
    private final Ciphertext x;
    private final int b;
    private final double[] factor;
    private final String id;

    Run(Ciphertext x, int b, double[] factor, String id) {
      this.x = x;
      this.b = b;
      this.factor = factor;
      this.id = id;
    }

    /** T_k, computed on first use: T_2a = 2 T_a^2 - 1, else T_k = 2 T_a T_(k-a) - T_(2a-k), a = top bit of k. */
    Ciphertext power(int k) {
      if (k == 1) return x;
      Ciphertext cached = powers.get(k);
      if (cached != null) return cached;
      int a = Integer.highestOneBit(k);
      Ciphertext t;
      if (a == k) {
        Ciphertext h = power(k / 2);
        t = ev.multiplyRelinRescale(h, h);
        ev.multiplyIntegerInPlace(t, 2);
        ev.addScalarInPlace(t, -1.0);
      } else {
        t = product(power(a), power(k - a));
        ev.multiplyIntegerInPlace(t, 2);
        try (Ciphertext low = ScaleLanding.land(ctx, power(2 * a - k), t.level(), t.scale())) {
          ev.subInPlace(t, low);
        }
      }
      powers.put(k, t);
      return t;
    }

    /** a * b relinearized and rescaled, the higher operand first mod-switched to the other's level. */
    private Ciphertext product(Ciphertext a, Ciphertext b) {
      if (a.level() == b.level()) return ev.multiplyRelinRescale(a, b);
      Ciphertext hi = a.level() > b.level() ? a : b;
      Ciphertext lo = hi == a ? b : a;
      try (Ciphertext h = ScaleLanding.dropTo(ctx, hi, lo.level())) {
        return ev.multiplyRelinRescale(h, lo);
      }
    }

    Ciphertext series(double[] c, int level, double scale, String node) {
      int d = c.length - 1;
      if (d < b) return baby(c, level, scale, node);
      int m = giantFor(d, b);
      double[] r = new double[d - m + 1];
      double[] q = java.util.Arrays.copyOf(c, m);
      r[0] = c[m];
      for (int k = m + 1; k <= d; k++) {
        r[k - m] = 2 * c[k];
        q[2 * m - k] -= c[k];
      }
      Ciphertext tm = power(m);
      double rScale = scale * ctx.prime(level + 1) / tm.scale();
      Ciphertext high;
      try (Ciphertext rv = series(r, level + 1, rScale, node + "r");
          Ciphertext t = ScaleLanding.dropTo(ctx, tm, level + 1)) {
        high = ev.multiplyRelinRescale(rv, t);
      }
      try (Ciphertext low = series(q, level, scale, node + "q")) {
        ev.addInPlace(high, low);
        return high;
      } catch (RuntimeException e) {
        high.close();
        throw e;
      }
    }

    /**
     * sum_k c_k T_k (times the factor) at exactly (level, scale): one fused multiply-accumulate at the lowest
     * level among the T_k (higher ones take part without being copied down), each coefficient encoded at the
     * scale that lands its product on a common one, then one rescale.
     */
    Ciphertext baby(double[] c, int level, double scale, String node) {
      int d = Math.max(1, c.length - 1);
      List<Integer> ks = new ArrayList<>();
      for (int k = 1; k <= d; k++) if (k == 1 || (k < c.length && c[k] != 0)) ks.add(k);
      int common = Integer.MAX_VALUE;
      for (int k : ks) common = Math.min(common, power(k).level());
      if (common <= level)
        throw new IllegalStateException("internal: baby step at level " + common + " cannot land on " + level);
      int count = ks.size();
      Ciphertext[] t = new Ciphertext[count];
      double[] ck = new double[count];
      String[] keys = new String[count];
      for (int i = 0; i < count; i++) {
        int k = ks.get(i);
        t[i] = power(k);
        ck[i] = k < c.length ? c[k] : 0.0;
        keys[i] = id + "/" + node + k;
      }
      Ciphertext acc = weightedSum(t, ck, keys, scale * ctx.prime(common), factor);
      try {
        ev.rescaleInPlace(acc);
        if (acc.level() > level) ev.modSwitchToInPlace(acc, level);
        addConstant(acc, c[0], node);
        Ciphertext r = acc;
        acc = null;
        return r;
      } finally {
        if (acc != null) acc.close();
      }
    }

    private void addConstant(Ciphertext acc, double c0, String node) {
      if (factor == null || factor.length == 1) {
        double v = c0 * (factor == null ? 1.0 : factor[0]);
        if (v != 0) ev.addScalarInPlace(acc, v);
        return;
      }
      if (c0 == 0) return;
      Plaintext p = cache.get(id + "/" + node + "0", acc.level(), acc.scale(), () -> scaled(c0, factor));
      ev.addPlainInPlace(acc, p);
    }

    @Override
    public void close() {
      powers.values().forEach(Ciphertext::close);
      powers.clear();
    }
  }
}
