package dev.hnn.transformer;

import dev.hnn.circuit.PlaintextCache;
import dev.hnn.circuit.SlotSum;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Multi-head attention's two ciphertext x ciphertext products on {@link TokenLayout#headInterleaved} matrices, for
 * every head at once, as token diagonals:
 * <ul>
 *   <li>{@link #scores}: S_delta[h][t] = sum_e Q[t, h w + e] K[(t + delta) mod L, h w + e] for delta = 0 .. L-1,
 *       one ciphertext per delta holding S_delta[h][t] in slot f L + t of every ring position f of head h
 *       (position f mod Hp = h), i.e. each head's score replicated over its dimensions, and identical for every
 *       ciphertext of the layout, so it multiplies V directly;
 *   <li>{@link #attend}: O = sum_delta A_delta * rotTok(V, delta), A_delta in the layout of the scores (after the
 *       caller's softmax replacement and padding mask).
 * </ul>
 * Scores: K is token-rotated for all shifts, L rotations per ciphertext ({@link TokenRotation#rotateAll});
 * for each delta the products Q_c * rotTok(K_c, delta) of all ciphertexts are added before one relinearization,
 * then one rotate-and-sum with stride Hp L over the ring adds a head's D dimensions of the ring into each of them.
 * Key switches per delta: 1 relinearization + ceil(log4 D) rotate-and-sum rounds. A x V: V is token-rotated the same
 * way, the L products per output ciphertext are accumulated before one relinearization. The 1/sqrt(w) of attention
 * is best folded into W_Q by the caller.
 */
public final class HeadAttention {
  private final CkksContext ctx;
  private final Evaluator ev;
  private final PlaintextCache cache;
  private final TokenLayout layout;
  private final TokenRotation rotation;

  public HeadAttention(CkksContext ctx, PlaintextCache cache, TokenLayout layout) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.ev = ctx.evaluator();
    this.cache = Objects.requireNonNull(cache, "cache");
    this.layout = Objects.requireNonNull(layout, "layout");
    if (!layout.isHeadInterleaved()) throw new IllegalArgumentException("attention needs a head-interleaved layout");
    if (layout.slots() != ctx.slotCount()) throw new IllegalArgumentException("layout does not match the context");
    this.rotation = new TokenRotation(ctx, cache, layout.tokens());
  }

  /** Rotation steps of {@link #scores} and {@link #attend}. */
  public static int[] rotationSteps(TokenLayout layout) {
    int[] tok = TokenRotation.rotationSteps(layout.tokens(), TokenRotation.allShifts(layout.tokens()));
    int[] sum = SlotSum.rotationSteps(layout.headSlots() * layout.tokens(), dimsPerRing(layout));
    return IntStream.concat(IntStream.of(tok), IntStream.of(sum)).distinct().sorted().toArray();
  }

  private static int dimsPerRing(TokenLayout layout) {
    return layout.ring() / layout.headSlots();
  }

  /**
   * S_delta for delta = 0 .. L-1 (index = delta). Q at level l_q, K at l_k: the scores are at
   * min(l_q, l_k - 1) - 1 with scale s_q s_k / q (q the prime dropped).
   */
  public Ciphertext[] scores(EncryptedTokens q, EncryptedTokens k) {
    return scores(q, k, null, null);
  }

  /**
   * As {@link #scores(EncryptedTokens, EncryptedTokens)}, with S_delta multiplied by {@code factors.apply(delta)}
   * (L values by query token) at no extra level: the factors ride in K's token-rotation masks (a score is linear in
   * K). Callers fold a padding mask and constants there. {@code factorId} names them in the plaintext cache.
   */
  public Ciphertext[] scores(EncryptedTokens q, EncryptedTokens k, IntFunction<double[]> factors, String factorId) {
    checkLayout(q);
    checkLayout(k);
    int tokens = layout.tokens();
    Ciphertext[][] kr = rotateAll(k, factors, factorId);
    Ciphertext[] qs = null;
    Ciphertext[] out = new Ciphertext[tokens];
    try {
      int level = Math.min(q.level(), kr[0][0].level());
      qs = atLevel(q.ciphertexts(), level);
      for (int delta = 0; delta < tokens; delta++) {
        Ciphertext acc = null;
        try {
          for (int c = 0; c < qs.length; c++) {
            Ciphertext kc = kr[c][delta];
            if (kc.level() > level) ev.modSwitchToInPlace(kc, level);
            if (acc == null) acc = ev.multiply(qs[c], kc);
            else
              try (Ciphertext p = ev.multiply(qs[c], kc)) {
                ev.addInPlace(acc, p);
              }
          }
          ev.relinearizeInPlace(acc);
          ev.rescaleInPlace(acc);
          SlotSum.sumInPlace(ev, acc, layout.headSlots() * tokens, dimsPerRing(layout));
          out[delta] = acc;
          acc = null;
        } finally {
          if (acc != null) acc.close();
        }
      }
      Ciphertext[] r = out;
      out = null;
      return r;
    } finally {
      closeAll(kr);
      if (qs != null) for (int i = 0; i < qs.length; i++) if (qs[i] != q.get(i)) qs[i].close();
      if (out != null) for (Ciphertext c : out) if (c != null) c.close();
    }
  }

  /**
   * O = sum_delta a[delta] * rotTok(V, delta), in V's layout. The a[delta] share one level and scale; the result is
   * at min(l_a, l_v - 1) - 1.
   */
  public EncryptedTokens attend(Ciphertext[] a, EncryptedTokens v) {
    checkLayout(v);
    int tokens = layout.tokens();
    if (a.length != tokens) throw new IllegalArgumentException("need " + tokens + " score diagonals, got " + a.length);
    Ciphertext[][] vr = rotateAll(v, null, null);
    Ciphertext[] as = null;
    Ciphertext[] out = new Ciphertext[v.size()];
    try {
      int level = Math.min(a[0].level(), vr[0][0].level());
      as = atLevel(a, level);
      for (int c = 0; c < v.size(); c++) {
        Ciphertext acc = null;
        try {
          for (int delta = 0; delta < tokens; delta++) {
            Ciphertext vc = vr[c][delta];
            if (vc.level() > level) ev.modSwitchToInPlace(vc, level);
            if (acc == null) acc = ev.multiply(as[delta], vc);
            else
              try (Ciphertext p = ev.multiply(as[delta], vc)) {
                ev.addInPlace(acc, p);
              }
          }
          ev.relinearizeInPlace(acc);
          ev.rescaleInPlace(acc);
          out[c] = acc;
          acc = null;
        } finally {
          if (acc != null) acc.close();
        }
      }
      EncryptedTokens o = new EncryptedTokens(layout, out);
      out = null;
      return o;
    } finally {
      closeAll(vr);
      if (as != null) for (int i = 0; i < as.length; i++) if (as[i] != a[i]) as[i].close();
      if (out != null) for (Ciphertext c : out) if (c != null) c.close();
    }
  }

  /**
   * The padding mask of score diagonal delta for a sentence of {@code valid} tokens (the rest padding): 1 where
   * both token t and token (t + delta) mod L are real. Multiply it (a plaintext 0/1 factor) into the exponentials
   * of the softmax replacement so that padding keys get no weight.
   */
  public double[] paddingMask(int delta, int valid) {
    int tokens = layout.tokens();
    if (valid < 1 || valid > tokens) throw new IllegalArgumentException("valid tokens must be in 1.." + tokens);
    double[] m = new double[tokens];
    for (int t = 0; t < tokens; t++) m[t] = t < valid && (t + delta) % tokens < valid ? 1 : 0;
    return layout.perToken(m);
  }

  /** x * mask (0/1, {@link #paddingMask}) one level lower with exactly x's scale (the mask is encoded at q_l). */
  public Ciphertext multiplyMask(Ciphertext x, int delta, int valid) {
    int level = x.level();
    Plaintext m = cache.get("attn/pad" + layout.tokens() + "/" + valid + "/" + delta, level, ctx.prime(level),
        () -> paddingMask(delta, valid));
    Ciphertext r = ev.multiplyPlain(x, m);
    try {
      ev.rescaleInPlace(r);
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private Ciphertext[][] rotateAll(EncryptedTokens x, IntFunction<double[]> factors, String factorId) {
    int[] shifts = TokenRotation.allShifts(layout.tokens());
    Ciphertext[][] r = new Ciphertext[x.size()][];
    try {
      for (int c = 0; c < x.size(); c++) r[c] = rotation.rotateAll(x.get(c), shifts, factors, factorId);
      return r;
    } catch (RuntimeException e) {
      closeAll(r);
      throw e;
    }
  }

  /** The ciphertexts at {@code level}: the same objects where they already are, else mod-switched copies. */
  private Ciphertext[] atLevel(Ciphertext[] cts, int level) {
    Ciphertext[] r = new Ciphertext[cts.length];
    List<Ciphertext> made = new ArrayList<>();
    try {
      for (int i = 0; i < cts.length; i++) {
        r[i] = cts[i].level() == level ? cts[i] : ev.modSwitchTo(cts[i], level);
        if (r[i] != cts[i]) made.add(r[i]);
      }
      return r;
    } catch (RuntimeException e) {
      made.forEach(Ciphertext::close);
      throw e;
    }
  }

  private static void closeAll(Ciphertext[][] cts) {
    for (Ciphertext[] row : cts) if (row != null) for (Ciphertext c : row) if (c != null) c.close();
  }

  private void checkLayout(EncryptedTokens x) {
    if (!x.layout().sameShape(layout)) throw new IllegalArgumentException("layout " + x.layout() + " is not " + layout);
  }
}
