package dev.hnn.transformer;

import dev.hnn.circuit.PlaintextCache;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.TreeSet;

/**
 * Token rotation inside the L-cycle of a {@link TokenLayout}: token t takes token (t + delta) mod L's value, for
 * every feature. A plain slot rotation by delta is right for the tokens t < L - delta and takes the next feature's
 * tokens for the others; those need the values one feature position back, which x' = rot(x, -L) holds at the same
 * slots. So the source is mixed before the rotation: z = m_delta * x + (1 - m_delta) * x', m_delta selecting the
 * source tokens s >= delta, and rotTok(x, delta) = rot(z, delta). Why this and not the textbook
 * lo * rot(x, delta) + hi * rot(x, delta - L): that needs two key products per shift (hoisted or not), this one
 * rotation per shift plus one rotation of x shared by all shifts, and the rotation runs after the mask's rescale,
 * on one prime fewer. For all L shifts of an attention step (K and V) that is L rotations per ciphertext instead of
 * 2 (L - 1) hoisted key products: measured at N = 16384, 2 threads, level 2, 205 ms fell to about half (see
 * docs/encrypted-encoder-algebra.md). Keys: every delta in 1 .. L-1 and -L. The masks are encoded at scale q_l, so
 * the result has exactly the input's scale, one level lower.
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

  /** Rotation steps for the given shifts: each delta mod L that is not 0, and -L (the shared x'). */
  public static int[] rotationSteps(int tokens, int... deltas) {
    TreeSet<Integer> s = new TreeSet<>();
    for (int d : deltas) {
      int delta = Math.floorMod(d, tokens);
      if (delta == 0) continue;
      s.add(delta);
      s.add(-tokens);
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
   * rotTok(x, delta) for each delta (result i for deltas[i]), one level lower, same scale, with one rotation of x
   * shared by all shifts. A shift of 0 mod L is x itself brought down a level by the all-ones mask, so that every
   * result sits at the same level and scale.
   */
  public Ciphertext[] rotateAll(Ciphertext x, int[] deltas) {
    return rotateAll(x, deltas, null, null);
  }

  /**
   * As {@link #rotateAll(Ciphertext, int[])}, with result i multiplied token-wise by {@code factors.apply(i)} (L
   * values, by destination token) at no extra level: the factor rides in the masks. {@code factorId} names the
   * factors in the plaintext cache (equal ids must mean equal factors); null factors: none.
   */
  public Ciphertext[] rotateAll(Ciphertext x, int[] deltas, IntFunction<double[]> factors, String factorId) {
    Objects.requireNonNull(x, "x");
    if ((factors == null) != (factorId == null)) throw new IllegalArgumentException("factors need an id, and only they");
    int level = x.level();
    if (level < 1) throw new DepthExhaustedException("a token rotation needs one level (its masks), the input has none");
    boolean anyShift = Arrays.stream(deltas).anyMatch(d -> Math.floorMod(d, tokens) != 0);
    Ciphertext back = anyShift ? ev.rotate(x, -tokens) : null;
    Ciphertext[] out = new Ciphertext[deltas.length];
    try {
      double maskScale = ctx.prime(level);
      for (int i = 0; i < deltas.length; i++) {
        int delta = Math.floorMod(deltas[i], tokens);
        final int index = i;
        String key = "tokrot/" + tokens + (factors == null ? "" : "/" + factorId + "/" + i);
        IntFunction<double[]> mask = fromX -> mask(delta, fromX == 1, factors == null ? null : factors.apply(index));
        List<Ciphertext> cts = new ArrayList<>();
        List<Plaintext> pts = new ArrayList<>();
        cts.add(x);
        pts.add(cache.get(key + "/from" + delta, level, maskScale, () -> mask.apply(1)));
        if (delta != 0) {
          cts.add(back);
          pts.add(cache.get(key + "/before" + delta, level, maskScale, () -> mask.apply(0)));
        }
        out[i] = ev.multiplyPlainAccumulate(cts, pts);
        ev.rescaleInPlace(out[i]);
        if (delta != 0) ev.rotateInPlace(out[i], delta);
      }
      Ciphertext[] r = out;
      out = null;
      return r;
    } finally {
      if (back != null) back.close();
      if (out != null) for (Ciphertext c : out) if (c != null) c.close();
    }
  }

  /**
   * Source tokens s >= delta (taken from x) or s < delta (taken from rot(x, -L)); period L over the slots; times the
   * factor of the token each source lands on.
   */
  private double[] mask(int delta, boolean fromX, double[] destinationFactor) {
    if (destinationFactor != null && destinationFactor.length != tokens)
      throw new IllegalArgumentException("a token factor needs " + tokens + " values, got " + destinationFactor.length);
    double[] v = new double[tokens];
    for (int s = 0; s < tokens; s++) {
      // source token s lands on token s - delta (mod L)
      double f = destinationFactor == null ? 1 : destinationFactor[Math.floorMod(s - delta, tokens)];
      v[s] = (s >= delta) == fromX ? f : 0;
    }
    return v;
  }
}
