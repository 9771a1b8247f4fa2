package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import dev.hnn.ckks.presets.HnnNative.NCiphertext;
import dev.hnn.ckks.presets.HnnNative.NContext;
import dev.hnn.ckks.presets.HnnNative.NDecryptor;
import dev.hnn.ckks.presets.HnnNative.NEncryptor;
import dev.hnn.ckks.presets.HnnNative.NPlaintext;
import java.util.Objects;

/**
 * The engine operations behind a client-aided refresh (package {@code dev.hnn.refresh} builds the protocol on
 * them; see docs/refresh.md). All integer arithmetic: the client's path never rounds.
 *
 * <ul>
 *   <li>Server: {@link #sampleMask} (a uniform integer polynomial), {@link #applyMask} (adds it and a fresh
 *       public-key encryption of zero), {@link #removeMask}, {@link #wipe}.
 *   <li>Client (secret key): {@link #reencrypt} (decrypt to the exact integer polynomial, encrypt it again
 *       higher up), {@link #integerCoefficients} (the exact integers, for inspection and tests).
 * </ul>
 */
public final class RefreshPrimitives {
  private RefreshPrimitives() {}

  /**
   * A fresh mask: an integer polynomial whose coefficients are uniform in [-2^(bits-1), 2^(bits-1)), drawn from
   * the engine's OpenSSL-seeded generator, at the top level (NTT form, scale 1). Secret to the server: wipe it
   * ({@link #wipe}) and close it when done.
   */
  public static Plaintext sampleMask(CkksContext context, int bits) {
    Objects.requireNonNull(context, "context");
    if (bits < 1) throw new IllegalArgumentException("mask bits must be positive, got " + bits);
    hnnOnly(context);
    Plaintext out = context.newPlaintext();
    try (Guard g = new Guard().read(context.ctx).write(out.handle).lock()) {
      Native.run(() -> HnnNative.refresh_sample_mask((NContext) context.ctx.peer(), bits, (NPlaintext) out.handle.peer()));
      out.account();
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /**
   * Adds the mask and a fresh encryption of zero (public key of the ciphertext's context) to {@code ct}, in
   * place. Throws {@link DepthExhaustedException} if the ciphertext's level has fewer than {@code bits + 2} bits
   * of modulus and {@link InvalidArgumentException} for a size-3 ciphertext (relinearize first).
   */
  public static void applyMask(Ciphertext ct, Plaintext mask, int bits) {
    Objects.requireNonNull(ct, "ciphertext");
    CkksContext context = ct.context;
    hnnOnly(context);
    context.checkPlain(mask, "mask");
    Encryptor enc = context.encryptor();
    try (Guard g =
        new Guard().read(context.ctx).read(enc.handle()).read(mask.handle).write(ct.handle).lock()) {
      Native.run(
          () ->
              HnnNative.refresh_apply_mask(
                  (NContext) context.ctx.peer(), (NEncryptor) enc.handle().peer(), (NPlaintext) mask.handle.peer(),
                  bits, (NCiphertext) ct.handle.peer()));
    }
  }

  /** Subtracts the mask from {@code ct}'s first polynomial at the ciphertext's level, in place. */
  public static void removeMask(Ciphertext ct, Plaintext mask) {
    Objects.requireNonNull(ct, "ciphertext");
    CkksContext context = ct.context;
    hnnOnly(context);
    context.checkPlain(mask, "mask");
    try (Guard g = new Guard().read(context.ctx).read(mask.handle).write(ct.handle).lock()) {
      Native.run(() -> HnnNative.refresh_remove_mask(
          (NContext) context.ctx.peer(), (NPlaintext) mask.handle.peer(), (NCiphertext) ct.handle.peer()));
    }
  }

  /**
   * Client side: decrypts {@code ct} to its exact integer polynomial and encrypts that polynomial again with the
   * secret key at {@code level} (at least the ciphertext's level), keeping the scale. The result is a fresh
   * symmetric ciphertext (seed-compressed when serialized). Needs a context with the secret key.
   */
  public static Ciphertext reencrypt(CkksContext client, Ciphertext ct, int level) {
    Objects.requireNonNull(client, "client context");
    hnnOnly(client);
    client.checkOwn(ct, "ciphertext");
    client.checkLevel(level);
    if (!client.hasSecretKey())
      throw new MissingKeyException("re-encryption needs the secret key: this is a public context");
    Decryptor dec = client.decryptor();
    Encryptor enc = client.encryptor();
    Ciphertext out = client.newCiphertext();
    try (Guard g =
        new Guard()
            .read(client.ctx)
            .read(dec.handle())
            .read(enc.handle())
            .read(ct.handle)
            .write(out.handle)
            .lock()) {
      Native.run(
          () ->
              HnnNative.refresh_reencrypt(
                  (NContext) client.ctx.peer(), (NDecryptor) dec.handle().peer(), (NEncryptor) enc.handle().peer(),
                  (NCiphertext) ct.handle.peer(), level, (NCiphertext) out.handle.peer()));
      out.account();
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /**
   * The exact centered integer coefficients of a plaintext (NTT form, at its level) divided by 2^shift and
   * rounded down. Throws {@link InvalidArgumentException} if one does not fit 64 bits after the shift.
   */
  public static long[] integerCoefficients(Plaintext plain, int shift) {
    Objects.requireNonNull(plain, "plaintext");
    if (shift < 0) throw new IllegalArgumentException("shift must be non-negative, got " + shift);
    CkksContext context = plain.context;
    hnnOnly(context);
    long n = 2L * context.slotCount();
    long[] out = new long[(int) n];
    try (Guard g = new Guard().read(context.ctx).read(plain.handle).lock()) {
      Native.run(
          () -> HnnNative.plaintext_integer_coefficients(
              (NContext) context.ctx.peer(), (NPlaintext) plain.handle.peer(), shift, out, n));
    }
    return out;
  }

  /** Overwrites the plaintext's coefficients with zeros (before closing a mask). */
  public static void wipe(Plaintext plain) {
    Objects.requireNonNull(plain, "plaintext");
    hnnOnly(plain.context);
    try (Guard g = new Guard().write(plain.handle).lock()) {
      HnnNative.wipe_plaintext((NPlaintext) plain.handle.peer());
    }
  }

  /** Client-aided refresh works on the engine's exact integer representation: HNN backend only (issue 19). */
  private static void hnnOnly(CkksContext context) {
    if (context.backend() != Backend.HNN)
      throw new HeException(
          "client-aided refresh is implemented by the HNN engine only, not by the " + context.backend() + " backend");
  }
}
