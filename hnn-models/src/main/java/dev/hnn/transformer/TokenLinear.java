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
import java.util.TreeSet;

/**
 * Y = X W + b for an encrypted token matrix X (L x d_in) and plaintext W (d_in x d_out), b (d_out), in one level.
 *
 * <p>Block-diagonal method over the feature rings of {@link TokenLayout}: the block from input ciphertext a to
 * output ciphertext c has the diagonals diag_k[j] = W[in(a, j + k mod F)][out(c, j)], each repeated over the L
 * token slots of its feature, so Y_c = sum_a sum_k diag_k * rot(X_a, L k) for all tokens at once. Baby-step /
 * giant-step with k = g b + beta:
 * <ul>
 *   <li>the b - 1 baby rotations rot(X_a, L beta) are hoisted (one key-switch decomposition per input ciphertext)
 *       and shared by every output ciphertext;
 *   <li>for each output c and giant step g, one fused multiply-accumulate sums the products of the baby rotations
 *       of <em>all</em> input ciphertexts with the diagonals pre-rotated by -L g b, so the giant rotation by L g b
 *       happens once per (c, g), after the rescale (on one prime fewer), not once per input block;
 *   <li>all-zero diagonals (padding, sparse weights) are skipped, and whole giant groups with them;
 *   <li>several layers reading the same X (Q, K, V) share the baby rotations too ({@link #sharingInput},
 *       {@link #applyAll}).
 * </ul>
 * Key switches: d_in/F hoisted decompositions with (b - 1) key products each, and d_out/F * (F/b - 1) rotations.
 * b balances the two ({@link #chooseBaby}). Diagonals are encoded once, at the exact scale that lands the result on
 * the requested scale, and kept in the {@link PlaintextCache}.
 */
public final class TokenLinear {
  /**
   * The cost of one extra hoisted rotation relative to a full rotation (key product + division by P without the
   * shared decomposition): 0.66 measured at N = 16384, 2 threads, level 6 (docs/encrypted-encoder-algebra.md). It
   * only steers the choice of b.
   */
  static final double HOISTED_WEIGHT = 0.66;

  private final CkksContext ctx;
  private final Evaluator ev;
  private final PlaintextCache cache;
  private final TokenLayout in;
  private final TokenLayout out;
  private final double[][] w;
  private final double[] bias;
  private final String id;
  private final int ring;
  private final int tokens;
  private final int baby;
  private final int giant;
  /** nonzero[c][a][k]: whether the diagonal k of block (a -> c) has a nonzero entry. */
  private final boolean[][][] nonzero;

  /**
   * @param w d_in x d_out (rows = input features), copied
   * @param bias d_out values or null
   * @param id names this layer in the shared cache
   */
  public TokenLinear(CkksContext ctx, PlaintextCache cache, TokenLayout in, TokenLayout out, double[][] w,
      double[] bias, String id) {
    this(ctx, cache, in, out, w, bias, id, out.ciphertexts());
  }

  /**
   * Layers reading the same input (Q, K and V; or any projections of one X) that {@link #applyAll} evaluates with
   * one set of baby rotations: b is chosen for all their output ciphertexts together, which favours more baby
   * steps (cheap, hoisted, paid once) and fewer giant steps (paid per output ciphertext).
   */
  public static TokenLinear[] sharingInput(CkksContext ctx, PlaintextCache cache, TokenLayout in, TokenLayout[] outs,
      double[][][] ws, double[][] biases, String[] ids) {
    if (outs.length != ws.length || outs.length != biases.length || outs.length != ids.length)
      throw new IllegalArgumentException("need one output layout, weight matrix, bias (or null) and id per layer");
    int total = Arrays.stream(outs).mapToInt(TokenLayout::ciphertexts).sum();
    TokenLinear[] r = new TokenLinear[outs.length];
    for (int i = 0; i < outs.length; i++) r[i] = new TokenLinear(ctx, cache, in, outs[i], ws[i], biases[i], ids[i], total);
    return r;
  }

  private TokenLinear(CkksContext ctx, PlaintextCache cache, TokenLayout in, TokenLayout out, double[][] w,
      double[] bias, String id, int sharedOutputs) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.ev = ctx.evaluator();
    this.cache = Objects.requireNonNull(cache, "cache");
    this.in = Objects.requireNonNull(in, "input layout");
    this.out = Objects.requireNonNull(out, "output layout");
    this.id = Objects.requireNonNull(id, "id");
    if (in.slots() != ctx.slotCount() || out.slots() != ctx.slotCount() || in.tokens() != out.tokens())
      throw new IllegalArgumentException("layouts must match the context's slots and each other's token count");
    if (w.length != in.features())
      throw new IllegalArgumentException("W has " + w.length + " rows, the input has " + in.features() + " features");
    this.w = new double[w.length][];
    for (int i = 0; i < w.length; i++) {
      if (w[i].length != out.features())
        throw new IllegalArgumentException("W row " + i + " has " + w[i].length + " columns, expected " + out.features());
      this.w[i] = w[i].clone();
    }
    if (bias != null && bias.length != out.features())
      throw new IllegalArgumentException("bias has " + bias.length + " values, expected " + out.features());
    this.bias = bias == null ? null : bias.clone();
    this.ring = in.ring();
    this.tokens = in.tokens();
    this.baby = chooseBaby(ring, in.ciphertexts(), sharedOutputs);
    this.giant = ring / baby;
    this.nonzero = new boolean[out.ciphertexts()][in.ciphertexts()][ring];
    for (int c = 0; c < out.ciphertexts(); c++)
      for (int a = 0; a < in.ciphertexts(); a++)
        for (int j = 0; j < ring; j++) {
          int o = out.featureAt(c * ring + j);
          if (o < 0) continue;
          for (int k = 0; k < ring; k++) {
            int i = in.featureAt(a * ring + (j + k) % ring);
            if (i >= 0 && this.w[i][o] != 0) nonzero[c][a][k] = true;
          }
        }
  }

  /**
   * The power-of-two b minimizing nIn (b - 1) HOISTED_WEIGHT + nOut (F / b - 1): hoisted baby rotations are paid
   * per input ciphertext, giant rotations per output ciphertext.
   */
  static int chooseBaby(int ring, int nIn, int nOut) {
    int best = 1;
    double bestCost = Double.MAX_VALUE;
    for (int b = 1; b <= ring; b <<= 1) {
      double cost = nIn * (b - 1) * HOISTED_WEIGHT + nOut * (ring / b - 1);
      if (cost < bestCost - 1e-9) {
        bestCost = cost;
        best = b;
      }
    }
    return best;
  }

  public TokenLayout inputLayout() {
    return in;
  }

  public TokenLayout outputLayout() {
    return out;
  }

  public int babySteps() {
    return baby;
  }

  /** Rotation steps {@link #apply} needs (multiples of L), for key generation. */
  public int[] rotationSteps() {
    TreeSet<Integer> s = new TreeSet<>();
    for (int beta = 1; beta < baby; beta++) s.add(beta * tokens);
    for (int g = 1; g < giant; g++) s.add(g * baby * tokens);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Rotation steps of a layer between these layouts, or of layers from {@code in} to each of {@code outs} evaluated
   * together ({@link #sharingInput}), before their weights are known: for key generation.
   */
  public static int[] rotationSteps(TokenLayout in, TokenLayout... outs) {
    int ring = in.ring();
    int b = chooseBaby(ring, in.ciphertexts(), Arrays.stream(outs).mapToInt(TokenLayout::ciphertexts).sum());
    TreeSet<Integer> s = new TreeSet<>();
    for (int beta = 1; beta < b; beta++) s.add(beta * in.tokens());
    for (int g = 1; g < ring / b; g++) s.add(g * b * in.tokens());
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Key-switching work of one {@link #apply}, counted from the nonzero diagonals. */
  public Cost cost() {
    return cost(this);
  }

  /** Key-switching work of {@link #applyAll} on these layers (baby rotations counted once). */
  public static Cost cost(TokenLinear... layers) {
    TokenLinear first = sameInput(layers);
    int giants = 0;
    int products = 0;
    for (TokenLinear l : layers)
      for (int c = 0; c < l.out.ciphertexts(); c++)
        for (int g = 0; g < l.giant; g++) {
          boolean any = false;
          for (int a = 0; a < l.in.ciphertexts(); a++)
            for (int beta = 0; beta < l.baby; beta++)
              if (l.nonzero[c][a][g * l.baby + beta]) {
                any = true;
                products++;
              }
          if (any && g > 0) giants++;
        }
    int decompositions = 0;
    int hoisted = 0;
    for (int a = 0; a < first.in.ciphertexts(); a++) {
      int n = 0;
      for (int beta = 1; beta < first.baby; beta++) if (babyUsed(layers, a, beta)) n++;
      if (n > 0) decompositions++;
      hoisted += n;
    }
    return new Cost(decompositions, hoisted, giants, products);
  }

  /**
   * Key-switching work: hoisted decompositions and their key products (baby steps), full rotations (giant
   * steps), and plaintext products (diagonals).
   */
  public record Cost(int decompositions, int hoistedRotations, int rotations, int plaintextProducts) {
    @Override
    public String toString() {
      return decompositions + " hoisted decompositions with " + hoistedRotations + " key products, " + rotations
          + " rotations, " + plaintextProducts + " diagonal products";
    }
  }

  /** X W + b at level x.level() - 1 and exactly {@code targetScale}. */
  public EncryptedTokens apply(EncryptedTokens x, double targetScale) {
    return applyAll(x, targetScale, this)[0];
  }

  /**
   * X W_i + b_i for each layer, all at level x.level() - 1 and exactly {@code targetScale}, with one set of hoisted
   * baby rotations of X shared by all of them. The layers must share the input layout and b (build them with
   * {@link #sharingInput}).
   */
  public static EncryptedTokens[] applyAll(EncryptedTokens x, double targetScale, TokenLinear... layers) {
    Objects.requireNonNull(x, "x");
    TokenLinear first = sameInput(layers);
    if (!x.layout().sameShape(first.in)) throw new IllegalArgumentException("input layout " + x.layout() + " is not " + first.in);
    int level = x.level();
    if (level < 1) throw new DepthExhaustedException("a token linear layer needs one level, the input has none");
    double ptScale = targetScale * first.ctx.prime(level) / x.scale();
    List<Ciphertext> owned = new ArrayList<>();
    EncryptedTokens[] results = new EncryptedTokens[layers.length];
    try {
      Ciphertext[][] rotated = babyRotations(x, owned, layers);
      for (int i = 0; i < layers.length; i++) results[i] = layers[i].outputs(rotated, level, ptScale, targetScale);
      EncryptedTokens[] r = results;
      results = null;
      return r;
    } finally {
      owned.forEach(Ciphertext::close);
      if (results != null) for (EncryptedTokens r : results) if (r != null) r.close();
    }
  }

  private static TokenLinear sameInput(TokenLinear[] layers) {
    if (layers.length == 0) throw new IllegalArgumentException("no layers");
    TokenLinear first = layers[0];
    for (TokenLinear l : layers)
      if (l.ctx != first.ctx || !l.in.sameShape(first.in) || l.baby != first.baby)
        throw new IllegalArgumentException("layers evaluated together need one context, input layout and baby step"
            + " count (build them with sharingInput)");
    return first;
  }

  private EncryptedTokens outputs(Ciphertext[][] rotated, int level, double ptScale, double targetScale) {
    Ciphertext[] result = new Ciphertext[out.ciphertexts()];
    try {
      for (int c = 0; c < result.length; c++) result[c] = outputCiphertext(c, rotated, level, ptScale, targetScale);
      EncryptedTokens y = new EncryptedTokens(out, result);
      result = null;
      return y;
    } finally {
      if (result != null) for (Ciphertext r : result) if (r != null) r.close();
    }
  }

  /** rotated[a][beta] = rot(X_a, L beta) for the baby steps some layer's diagonal of X_a uses (hoisted per a). */
  private static Ciphertext[][] babyRotations(EncryptedTokens x, List<Ciphertext> owned, TokenLinear[] layers) {
    TokenLinear first = layers[0];
    Ciphertext[][] rotated = new Ciphertext[first.in.ciphertexts()][first.baby];
    for (int a = 0; a < first.in.ciphertexts(); a++) {
      List<Integer> betas = new ArrayList<>();
      for (int beta = 1; beta < first.baby; beta++) if (babyUsed(layers, a, beta)) betas.add(beta);
      rotated[a][0] = x.get(a);
      if (betas.isEmpty()) continue;
      int[] steps = betas.stream().mapToInt(beta -> beta * first.tokens).toArray();
      Ciphertext[] r = first.ev.rotateHoisted(x.get(a), steps);
      for (int i = 0; i < r.length; i++) {
        owned.add(r[i]);
        rotated[a][betas.get(i)] = r[i];
      }
    }
    return rotated;
  }

  private static boolean babyUsed(TokenLinear[] layers, int a, int beta) {
    for (TokenLinear l : layers)
      for (int c = 0; c < l.out.ciphertexts(); c++)
        for (int g = 0; g < l.giant; g++) if (l.nonzero[c][a][g * l.baby + beta]) return true;
    return false;
  }

  private Ciphertext outputCiphertext(int c, Ciphertext[][] rotated, int level, double ptScale, double targetScale) {
    Ciphertext acc = null;
    try {
      for (int g = 0; g < giant; g++) {
        List<Ciphertext> cts = new ArrayList<>();
        List<Plaintext> pts = new ArrayList<>();
        for (int a = 0; a < in.ciphertexts(); a++)
          for (int beta = 0; beta < baby; beta++) {
            int k = g * baby + beta;
            if (!nonzero[c][a][k]) continue;
            int aa = a;
            int shift = g * baby;
            pts.add(cache.get(id + "/c" + c + "a" + a + "k" + k, level, ptScale, () -> diagonal(c, aa, k, shift)));
            cts.add(rotated[a][beta]);
          }
        if (cts.isEmpty()) continue;
        Ciphertext inner = ev.multiplyPlainAccumulate(cts, pts);
        releaseGroup(c, g, level, ptScale);
        try {
          ev.rescaleInPlace(inner);
          if (g > 0) ev.rotateInPlace(inner, g * baby * tokens);
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
      if (acc == null) acc = zero(level - 1, targetScale);
      if (bias != null) {
        Plaintext b = cache.get(id + "/bias" + c, level - 1, targetScale, () -> biasSlots(c));
        ev.addPlainInPlace(acc, b);
      }
      Ciphertext r = acc;
      acc = null;
      return r;
    } finally {
      if (acc != null) acc.close();
    }
  }

  /** Each diagonal of giant group g of output c is used once per evaluation: a single-use cache frees them now. */
  private void releaseGroup(int c, int g, int level, double ptScale) {
    if (cache.retains()) return;
    for (int a = 0; a < in.ciphertexts(); a++)
      for (int beta = 0; beta < baby; beta++) {
        int k = g * baby + beta;
        if (nonzero[c][a][k]) cache.release(id + "/c" + c + "a" + a + "k" + k, level, ptScale);
      }
  }

  /** An all-zero output block (W has no entry into it): a transparent encryption of 0 at the target. */
  private Ciphertext zero(int level, double scale) {
    Ciphertext z = ctx.encryptor().encryptZero(level);
    try {
      ev.setScale(z, scale);
      return z;
    } catch (RuntimeException e) {
      z.close();
      throw e;
    }
  }

  /** diag_k of block (a -> c), rotated right by {@code shift} feature positions, repeated over the tokens. */
  private double[] diagonal(int c, int a, int k, int shift) {
    double[] v = new double[in.slots()];
    for (int j = 0; j < ring; j++) {
      int o = out.featureAt(c * ring + j);
      int i = in.featureAt(a * ring + (j + k) % ring);
      if (o < 0 || i < 0) continue;
      double value = w[i][o];
      int base = ((j + shift) % ring) * tokens;
      for (int t = 0; t < tokens; t++) v[base + t] = value;
    }
    return v;
  }

  private double[] biasSlots(int c) {
    double[] v = new double[out.slots()];
    for (int j = 0; j < ring; j++) {
      int o = out.featureAt(c * ring + j);
      if (o < 0) continue;
      for (int t = 0; t < tokens; t++) v[j * tokens + t] = bias[o];
    }
    return v;
  }
}
