package dev.hnn.transformer;

import dev.hnn.circuit.ScaleLanding;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Plaintext;

import java.util.Arrays;
import java.util.Objects;

/**
 * An encrypted L x d token matrix: the ciphertexts of a {@link TokenLayout}, all at one level and scale. Owns its
 * ciphertexts (closing it closes them).
 */
public final class EncryptedTokens implements AutoCloseable {
  private final TokenLayout layout;
  private final Ciphertext[] cts;

  /** Takes ownership of {@code cts} (one per ciphertext of the layout, same level and scale). */
  public EncryptedTokens(TokenLayout layout, Ciphertext[] cts) {
    this.layout = Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(cts, "ciphertexts");
    if (cts.length != layout.ciphertexts())
      throw new IllegalArgumentException("layout " + layout + " needs " + layout.ciphertexts() + " ciphertexts, got " + cts.length);
    for (Ciphertext c : cts) {
      Objects.requireNonNull(c, "ciphertext");
      if (c.level() != cts[0].level() || c.scale() != cts[0].scale())
        throw new IllegalArgumentException("the ciphertexts of a token matrix must share level and scale");
    }
    this.cts = cts.clone();
  }

  /**
   * Encrypts x (rows = tokens; fewer than L rows leave padding tokens at zero) at the context's top level and
   * default scale: with the secret key if the context has it (the client's case: smaller noise), else the public
   * key.
   */
  public static EncryptedTokens encrypt(CkksContext ctx, TokenLayout layout, double[][] x) {
    return encrypt(ctx, layout, x, ctx.maxLevel());
  }

  /** As {@link #encrypt(CkksContext, TokenLayout, double[][])}, at {@code level} (fewer primes: smaller, cheaper). */
  public static EncryptedTokens encrypt(CkksContext ctx, TokenLayout layout, double[][] x, int level) {
    double[][] v = layout.pack(x);
    Ciphertext[] cts = new Ciphertext[v.length];
    try {
      for (int c = 0; c < v.length; c++)
        try (Plaintext p = ctx.encoder().encode(v[c], ctx.scale(), level)) {
          cts[c] = ctx.hasSecretKey() ? ctx.encryptor().encryptSymmetric(p) : ctx.encryptor().encrypt(p);
        }
      return new EncryptedTokens(layout, cts);
    } catch (RuntimeException e) {
      for (Ciphertext c : cts) if (c != null) c.close();
      throw e;
    }
  }

  /** The L x d matrix (client contexts only). */
  public double[][] decrypt(CkksContext ctx) {
    double[][] v = new double[cts.length][];
    for (int c = 0; c < cts.length; c++) v[c] = ctx.decryptor().decryptValues(cts[c]);
    return layout.unpack(v);
  }

  /**
   * this + other (a residual connection), at the lower of the two levels with that operand's scale: the other
   * operand is mod-switched down if its scale already matches, else landed exactly with a multiplication by 1
   * (circuit.ScaleLanding), which needs it to be at least a level higher. Same layout required.
   */
  public EncryptedTokens add(CkksContext ctx, EncryptedTokens other) {
    Objects.requireNonNull(other, "other");
    if (!layout.sameShape(other.layout)) throw new IllegalArgumentException("layouts differ: " + layout + " vs " + other.layout);
    EncryptedTokens low = level() <= other.level() ? this : other;
    EncryptedTokens high = low == this ? other : this;
    Ciphertext[] r = new Ciphertext[cts.length];
    try {
      for (int c = 0; c < r.length; c++) {
        r[c] = ScaleLanding.land(ctx, high.cts[c], low.level(), low.scale());
        ctx.evaluator().addInPlace(r[c], low.cts[c]);
      }
      EncryptedTokens sum = new EncryptedTokens(layout, r);
      r = null;
      return sum;
    } finally {
      if (r != null) for (Ciphertext c : r) if (c != null) c.close();
    }
  }

  public TokenLayout layout() {
    return layout;
  }

  public int size() {
    return cts.length;
  }

  public Ciphertext get(int c) {
    return cts[c];
  }

  /** The ciphertexts (a copy of the array; the ciphertexts themselves stay owned by this object). */
  public Ciphertext[] ciphertexts() {
    return cts.clone();
  }

  public int level() {
    return cts[0].level();
  }

  public double scale() {
    return cts[0].scale();
  }

  @Override
  public void close() {
    Arrays.stream(cts).forEach(Ciphertext::close);
  }
}
