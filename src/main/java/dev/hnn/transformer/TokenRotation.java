package dev.hnn.transformer;

import dev.hnn.circuit.PlaintextCache;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Token rotation inside the L-cycle of a {@link TokenLayout}: token t takes token (t + delta) mod L's value, for
 * every feature. A plain slot rotation by delta is right for the tokens t < L - delta and takes the next feature's
 * tokens for the others, which a rotation by delta - L gets right; so
 * rotTok(x, delta) = lo_delta * rot(x, delta) + hi_delta * rot(x, delta - L) with 0/1 token masks. Both rotations
 * of one ciphertext share a decomposition (hoisting), and {@link #rotateAll} hoists every delta of an attention
 * step together: one decomposition and 2 (L - 1) key products per ciphertext for all L shifts. The masks are
 * encoded at scale q_l, so after the rescale the result has exactly the input's scale, one level lower.
 */
public final class TokenRotation {
  private final CkksContext ctx;
  private final Evaluator ev;
  private final PlaintextCache cache;
  private final int tokens;

  public TokenRotation(CkksContext ctx, PlaintextCache cache, int tokens) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.ev = ctx.evaluator();
    this.cache = Objects.requireNonNull(cache, "cache");
    if (tokens < 1 || Integer.bitCount(tokens) != 1 || ctx.slotCount() % tokens != 0)
      throw new IllegalArgumentException("the token count must be a power of two dividing the slot count");
    this.tokens = tokens;
  }

  /** Rotation steps for the given shifts: delta and delta - L for every delta not 0 mod L. */
  public static int[] rotationSteps(int tokens, int... deltas) {
    TreeSet<Integer> s = new TreeSet<>();
    for (int d : deltas) {
      int delta = Math.floorMod(d, tokens);
      if (delta == 0) continue;
      s.add(delta);
      s.add(delta - tokens);
    }
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Every shift 0 .. L-1 (what attention needs). */
  public static int[] allShifts(int tokens) {
    int[] d = new int[tokens];
    for (int i = 0; i < tokens; i++) d[i] = i;
    return d;
  }

  /** rotTok(x, delta) for one ciphertext of a token layout, one level lower, same scale. */
  public Ciphertext rotate(Ciphertext x, int delta) {
    return rotateAll(x, new int[] {delta})[0];
  }

  /** rotTok of every ciphertext of x. */
  public EncryptedTokens rotate(EncryptedTokens x, int delta) {
    Ciphertext[] r = new Ciphertext[x.size()];
    try {
      for (int c = 0; c < r.length; c++) r[c] = rotate(x.get(c), delta);
      EncryptedTokens y = new EncryptedTokens(x.layout(), r);
      r = null;
      return y;
    } finally {
      if (r != null) for (Ciphertext c : r) if (c != null) c.close();
    }
  }

  /**
   * rotTok(x, delta) for each delta (result i for deltas[i]), one level lower, same scale: the rotations of all
   * shifts share one decomposition of x. A shift of 0 mod L is x itself brought down a level by the all-ones mask,
   * so that every result sits at the same level and scale.
   */
  public Ciphertext[] rotateAll(Ciphertext x, int[] deltas) {
    Objects.requireNonNull(x, "x");
    int level = x.level();
    if (level < 1) throw new DepthExhaustedException("a token rotation needs one level (its masks), the input has none");
    int[] steps = rotationSteps(tokens, deltas);
    Ciphertext[] rotated = steps.length == 0 ? new Ciphertext[0] : ev.rotateHoisted(x, steps);
    Ciphertext[] out = new Ciphertext[deltas.length];
    try {
      double maskScale = ctx.prime(level);
      for (int i = 0; i < deltas.length; i++) {
        int delta = Math.floorMod(deltas[i], tokens);
        List<Ciphertext> cts = new ArrayList<>();
        List<Plaintext> pts = new ArrayList<>();
        if (delta == 0) {
          cts.add(x);
          pts.add(cache.get("tokrot/" + tokens + "/all", level, maskScale, () -> mask(0, true)));
        } else {
          cts.add(rotated[indexOf(steps, delta)]);
          pts.add(cache.get("tokrot/" + tokens + "/lo" + delta, level, maskScale, () -> mask(delta, true)));
          cts.add(rotated[indexOf(steps, delta - tokens)]);
          pts.add(cache.get("tokrot/" + tokens + "/hi" + delta, level, maskScale, () -> mask(delta, false)));
        }
        out[i] = ev.multiplyPlainAccumulate(cts, pts);
        ev.rescaleInPlace(out[i]);
      }
      Ciphertext[] r = out;
      out = null;
      return r;
    } finally {
      for (Ciphertext c : rotated) c.close();
      if (out != null) for (Ciphertext c : out) if (c != null) c.close();
    }
  }

  private static int indexOf(int[] sorted, int v) {
    int i = java.util.Arrays.binarySearch(sorted, v);
    if (i < 0) throw new IllegalStateException("rotation step " + v + " missing");
    return i;
  }

  /** lo: tokens t with t + delta < L (rot by delta is right there); else the others. Period L over the slots. */
  private double[] mask(int delta, boolean lo) {
    double[] v = new double[tokens];
    for (int t = 0; t < tokens; t++) v[t] = (t + delta < tokens) == lo ? 1 : 0;
    return v;
  }
}
