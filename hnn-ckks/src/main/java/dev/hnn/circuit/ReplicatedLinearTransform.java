package dev.hnn.circuit;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * y = W x + b for a plaintext m x n matrix with few outputs, on inputs the client laid out for it: ciphertext c
 * holds features c B ... c B + B - 1, each repeated m' = pow2(m) times in a row (slot i m' + j holds x_(cB + i)
 * for every j), the block of B m' slots tiled over all slots. One fused multiply-accumulate against W laid out
 * the same way puts W[j][i] x_i in slot i m' + j; summing over the B shifts by m' (log2 B rotations,
 * {@link SlotSum}) completes y_j in every slot congruent to j mod m'. So the output is periodic with period m'
 * in all slots, like {@link BsgsLinearTransform}'s, but the rotations needed drop from about 2 sqrt(m') +
 * log2(p/m') to log2 B, paid for with ceil(n / B) input ciphertexts instead of one. Worth it when m' is small
 * (a sentiment head's 32 hidden units) and rotations dominate. One level.
 */
public final class ReplicatedLinearTransform {
  private final CkksContext ctx;
  private final Evaluator ev;
  private final PlaintextCache cache;
  private final DenseLayer layer;
  private final int mPad;
  private final int perCiphertext;
  private final String id;

  public ReplicatedLinearTransform(CkksContext ctx, PlaintextCache cache, double[][] w, double[] bias,
      int featuresPerCiphertext, String id) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.ev = ctx.evaluator();
    this.cache = Objects.requireNonNull(cache, "cache");
    this.id = Objects.requireNonNull(id, "id");
    this.layer = new DenseLayer(w, bias);
    this.mPad = Slots.ceilPow2(layer.m);
    this.perCiphertext = featuresPerCiphertext;
    checkLayout(ctx.slotCount(), layer.m, featuresPerCiphertext);
  }

  private static void checkLayout(int slots, int m, int perCiphertext) {
    if (perCiphertext < 1 || Integer.bitCount(perCiphertext) != 1)
      throw new IllegalArgumentException("features per ciphertext must be a power of two, got " + perCiphertext);
    if ((long) perCiphertext * Slots.ceilPow2(m) > slots)
      throw new IllegalArgumentException(perCiphertext + " features x " + Slots.ceilPow2(m) + " outputs exceed " + slots
          + " slots");
  }

  /** How many input ciphertexts n features take. */
  public static int ciphertexts(int n, int featuresPerCiphertext) {
    return (n + featuresPerCiphertext - 1) / featuresPerCiphertext;
  }

  /** The client's slot vector for input ciphertext c (zero beyond the n features). */
  public static double[] inputSlots(double[] x, int c, int featuresPerCiphertext, int m, int slots) {
    checkLayout(slots, m, featuresPerCiphertext);
    int mPad = Slots.ceilPow2(m);
    double[] block = new double[featuresPerCiphertext * mPad];
    for (int i = 0; i < featuresPerCiphertext; i++) {
      int f = c * featuresPerCiphertext + i;
      if (f >= x.length) break;
      java.util.Arrays.fill(block, i * mPad, (i + 1) * mPad, x[f]);
    }
    return Slots.tile(block, slots);
  }

  /** Rotation steps {@link #apply} needs. */
  public static int[] rotationSteps(int m, int featuresPerCiphertext) {
    return SlotSum.rotationSteps(Slots.ceilPow2(m), featuresPerCiphertext);
  }

  public int outputPeriod() {
    return mPad;
  }

  /** W x + b at level (input level - 1) and exactly {@code targetScale}; inputs at one level and scale. */
  public Ciphertext apply(Ciphertext[] in, double targetScale) {
    Objects.requireNonNull(in, "inputs");
    int need = ciphertexts(layer.n, perCiphertext);
    if (in.length != need) throw new IllegalArgumentException("need " + need + " input ciphertexts, got " + in.length);
    int level = in[0].level();
    if (level < 1) throw new DepthExhaustedException("a linear layer needs one level, the ciphertexts have none");
    double ptScale = targetScale * ctx.prime(level) / in[0].scale();
    List<Plaintext> pts = new ArrayList<>(need);
    for (int c = 0; c < need; c++) {
      int cc = c;
      pts.add(cache.get(id + "/w" + c, level, ptScale, () -> weightSlots(cc)));
    }
    Ciphertext acc = ev.multiplyPlainAccumulate(in, pts.toArray(new Plaintext[0]));
    try {
      ev.rescaleInPlace(acc);
      SlotSum.sumInPlace(ev, acc, mPad, perCiphertext);
      layer.addBiasInPlace(ev, cache, id, acc, mPad);
      Ciphertext r = acc;
      acc = null;
      return r;
    } finally {
      if (acc != null) acc.close();
    }
  }

  /** Slot i m' + j holds W[j][cB + i]. */
  private double[] weightSlots(int c) {
    double[] v = new double[perCiphertext * mPad];
    for (int i = 0; i < perCiphertext; i++) {
      int f = c * perCiphertext + i;
      if (f >= layer.n) break;
      for (int j = 0; j < layer.m; j++) v[i * mPad + j] = layer.w[j][f];
    }
    return v;
  }
}
