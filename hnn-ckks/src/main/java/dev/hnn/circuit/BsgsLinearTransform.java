package dev.hnn.circuit;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * y = W x + b for a plaintext m x n matrix and an encrypted vector replicated over the slots with period
 * p = max(pow2(n), pow2(m)), by the hybrid diagonal method with baby-step/giant-step rotations.
 *
 * <p>With m' = pow2(m) and diagonals diag_k[t] = W[t mod m'][(t + k) mod p] for k < m', the vector
 * u = sum_k diag_k * rot(x, k) holds in slot t the part of y_(t mod m') whose columns are t + k; summing u over
 * the p / m' shifts by m' (log2(p / m') rotations, {@link SlotSum}) completes every y_j, and the result is
 * periodic with period m' in all slots, so the next layer sees a replicated vector again and no slot holds
 * garbage (garbage would be fatal before a polynomial). The m' terms are split k = g b + beta: the b baby
 * rotations of x share one key-switching decomposition (hoisting), each giant group is one fused
 * multiply-accumulate against diagonals pre-rotated by -g b, rescaled, then rotated by g b. Rotations:
 * (b - 1) hoisted + (m'/b - 1) + log2(p/m'). One level.
 */
public final class BsgsLinearTransform {
  private final CkksContext ctx;
  private final Evaluator ev;
  private final PlaintextCache cache;
  private final DenseLayer layer;
  private final int mPad;
  private final int period;
  private final int baby;
  private final int giant;
  private final String id;

  /**
   * @param w the m x n matrix (rows = outputs), copied
   * @param bias m values or null
   * @param id names this layer in the shared plaintext cache
   */
  public BsgsLinearTransform(CkksContext ctx, PlaintextCache cache, double[][] w, double[] bias, String id) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.ev = ctx.evaluator();
    this.cache = Objects.requireNonNull(cache, "cache");
    this.id = Objects.requireNonNull(id, "id");
    this.layer = new DenseLayer(w, bias);
    int m = layer.m;
    int n = layer.n;
    this.mPad = Slots.ceilPow2(m);
    this.period = inputPeriod(m, n);
    if (period > ctx.slotCount())
      throw new IllegalArgumentException("a " + m + " x " + n + " matrix needs " + period + " slots, the context has "
          + ctx.slotCount());
    int log = Integer.numberOfTrailingZeros(mPad);
    this.baby = 1 << ((log + 1) / 2);
    this.giant = mPad / baby;
  }

  /** The period p with which the input must be replicated over the slots (zero-padded from n to p). */
  public static int inputPeriod(int m, int n) {
    return Math.max(Slots.ceilPow2(m), Slots.ceilPow2(n));
  }

  /** The period of the output: pow2(m). */
  public int outputPeriod() {
    return mPad;
  }

  public int inputPeriod() {
    return period;
  }

  /** Rotation steps {@link #apply} needs, for key generation. */
  public static int[] rotationSteps(int m, int n) {
    int mPad = Slots.ceilPow2(m);
    int p = inputPeriod(m, n);
    int log = Integer.numberOfTrailingZeros(mPad);
    int b = 1 << ((log + 1) / 2);
    TreeSet<Integer> s = new TreeSet<>();
    for (int t = 1; t < b; t++) s.add(t);
    for (int g = 1; g < mPad / b; g++) s.add(g * b);
    for (int k : SlotSum.rotationSteps(mPad, p / mPad)) s.add(k);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /** W x + b at level x.level() - 1 and exactly {@code targetScale}; x is replicated with period p. */
  public Ciphertext apply(Ciphertext x, double targetScale) {
    Objects.requireNonNull(x, "x");
    int level = x.level();
    if (level < 1) throw new DepthExhaustedException("a linear layer needs one level, the ciphertext has none");
    double ptScale = targetScale * ctx.prime(level) / x.scale();
    int[] steps = new int[baby - 1];
    for (int t = 1; t < baby; t++) steps[t - 1] = t;
    Ciphertext[] rotated = new Ciphertext[baby];
    List<Ciphertext> owned = new ArrayList<>();
    Ciphertext acc = null;
    try {
      rotated[0] = x;
      if (steps.length > 0) {
        Ciphertext[] r = ev.rotateHoisted(x, steps);
        owned.addAll(Arrays.asList(r));
        System.arraycopy(r, 0, rotated, 1, r.length);
      }
      for (int g = 0; g < giant; g++) {
        List<Ciphertext> cts = new ArrayList<>();
        List<Plaintext> pts = new ArrayList<>();
        for (int beta = 0; beta < baby; beta++) {
          int k = g * baby + beta;
          double[] diag = diagonal(k, g * baby);
          if (diag == null) continue;
          int gg = g;
          pts.add(cache.get(id + "/d" + k, level, ptScale, () -> diagonal(k, gg * baby)));
          cts.add(rotated[beta]);
        }
        if (cts.isEmpty()) continue;
        Ciphertext inner = ev.multiplyPlainAccumulate(cts, pts);
        try {
          ev.rescaleInPlace(inner);
          if (g > 0) ev.rotateInPlace(inner, g * baby);
        } catch (RuntimeException e) {
          inner.close();
          throw e;
        }
        if (acc == null) acc = inner;
        else {
          ev.addInPlace(acc, inner);
          inner.close();
        }
      }
      if (acc == null) throw new IllegalArgumentException("the matrix is all zeros");
      SlotSum.sumInPlace(ev, acc, mPad, period / mPad);
      layer.addBiasInPlace(ev, cache, id, acc, mPad);
      Ciphertext r = acc;
      acc = null;
      return r;
    } finally {
      if (acc != null) acc.close();
      owned.forEach(Ciphertext::close);
    }
  }

  /** diag_k rotated right by {@code shift} within the period, or null if it is all zero. */
  private double[] diagonal(int k, int shift) {
    double[] v = new double[period];
    boolean any = false;
    for (int t = 0; t < period; t++) {
      int row = t % mPad;
      int col = (t + k) % period;
      if (row >= layer.m || col >= layer.n) continue;
      double x = layer.w[row][col];
      if (x != 0) {
        v[(t + shift) % period] = x;
        any = true;
      }
    }
    return any ? v : null;
  }
}
