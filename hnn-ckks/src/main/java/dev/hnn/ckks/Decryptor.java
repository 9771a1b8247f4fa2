package dev.hnn.ckks;

import org.bytedeco.javacpp.Pointer;


/** Decryption with the secret key (client contexts only). Thread-safe. */
public final class Decryptor {
  private final CkksContext context;
  private final Handle<Pointer> handle;

  Decryptor(CkksContext context, Handle<Pointer> handle) {
    this.context = context;
    this.handle = handle;
  }

  Handle<Pointer> handle() {
    return handle;
  }

  /** Decrypts to a plaintext at the ciphertext's level and scale. */
  public Plaintext decrypt(Ciphertext ct) {
    context.checkOwn(ct, "ciphertext");
    Plaintext out = context.newPlaintext();
    try (Guard g = new Guard().read(context.ctx).read(handle).read(ct.handle).write(out.handle).lock()) {
      Native.run(() -> context.ops.decrypt(context, handle.peer(), ct.handle.peer(), out.handle.peer()));
      out.account();
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** Decrypts into an existing plaintext (replacing its contents): saves an allocation. */
  public void decrypt(Ciphertext ct, Plaintext out) {
    context.checkOwn(ct, "ciphertext");
    context.checkPlain(out, "out");
    try (Guard g = new Guard().read(context.ctx).read(handle).read(ct.handle).write(out.handle).lock()) {
      Native.run(() -> context.ops.decrypt(context, handle.peer(), ct.handle.peer(), out.handle.peer()));
      out.account();
    }
  }

  /** Decrypts and decodes all slots. */
  public double[] decryptValues(Ciphertext ct) {
    try (Plaintext p = decrypt(ct)) {
      return context.encoder().decode(p);
    }
  }

  /** Decrypts and decodes the first {@code count} slots. */
  public double[] decryptValues(Ciphertext ct, int count) {
    try (Plaintext p = decrypt(ct)) {
      return context.encoder().decode(p, count);
    }
  }
}
