package dev.hnn.ckks;

import org.bytedeco.javacpp.Pointer;


/**
 * Encryption with the context's public key, or (client contexts only) with the secret key: symmetric
 * ciphertexts serialize to about half the size while fresh. Thread-safe.
 */
public final class Encryptor {
  private final CkksContext context;
  private final Handle<Pointer> handle;

  Encryptor(CkksContext context, Handle<Pointer> handle) {
    this.context = context;
    this.handle = handle;
  }

  Handle<Pointer> handle() {
    return handle;
  }

  /** Public-key encryption of a plaintext (at the plaintext's level and scale). */
  public Ciphertext encrypt(Plaintext plain) {
    context.checkPlain(plain, "plaintext");
    Ciphertext out = context.newCiphertext();
    try (Guard g = new Guard().read(context.ctx).read(handle).read(plain.handle).write(out.handle).lock()) {
      Native.run(() -> context.ops.encrypt(context, handle.peer(), plain.handle.peer(), out.handle.peer()));
      out.account();
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** Public-key encryption into an existing ciphertext (replacing its contents): saves an allocation. */
  public void encrypt(Plaintext plain, Ciphertext out) {
    context.checkPlain(plain, "plaintext");
    context.checkOwn(out, "out");
    try (Guard g = new Guard().read(context.ctx).read(handle).read(plain.handle).write(out.handle).lock()) {
      Native.run(() -> context.ops.encrypt(context, handle.peer(), plain.handle.peer(), out.handle.peer()));
      out.account();
    }
  }

  /** Encodes at the default scale and top level, then encrypts with the public key. */
  public Ciphertext encrypt(double[] values) {
    try (Plaintext p = context.encoder().encode(values)) {
      return encrypt(p);
    }
  }

  /** Secret-key encryption; a public context throws {@link MissingKeyException}. */
  public Ciphertext encryptSymmetric(Plaintext plain) {
    context.checkPlain(plain, "plaintext");
    if (!context.hasSecretKey())
      throw new MissingKeyException("symmetric encryption needs the secret key: this is a public context");
    Ciphertext out = context.newCiphertext();
    try (Guard g = new Guard().read(context.ctx).read(handle).read(plain.handle).write(out.handle).lock()) {
      Native.run(() -> context.ops.encryptSymmetric(context, handle.peer(), plain.handle.peer(), out.handle.peer()));
      out.account();
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** Secret-key encryption into an existing ciphertext (replacing its contents). */
  public void encryptSymmetric(Plaintext plain, Ciphertext out) {
    context.checkPlain(plain, "plaintext");
    context.checkOwn(out, "out");
    if (!context.hasSecretKey())
      throw new MissingKeyException("symmetric encryption needs the secret key: this is a public context");
    try (Guard g = new Guard().read(context.ctx).read(handle).read(plain.handle).write(out.handle).lock()) {
      Native.run(() -> context.ops.encryptSymmetric(context, handle.peer(), plain.handle.peer(), out.handle.peer()));
      out.account();
    }
  }

  /** An encryption of zero at a level (public key); its scale is 1. */
  public Ciphertext encryptZero(int level) {
    context.checkLevel(level);
    Ciphertext out = context.newCiphertext();
    try (Guard g = new Guard().read(context.ctx).read(handle).write(out.handle).lock()) {
      Native.run(() -> context.ops.encryptZero(context, handle.peer(), level, out.handle.peer()));
      out.account();
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }
}
