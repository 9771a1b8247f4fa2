package dev.hnn.ckks;

import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;
import org.bytedeco.javacpp.Pointer;

/**
 * A CKKS ciphertext: two (or, after a multiplication and before relinearization, three) polynomials in RNS
 * and NTT form at some level, with the scale of the values it encrypts. Belongs to the keys of the context it
 * was made or loaded in: combining it with objects of a context with other keys throws
 * {@link IncompatibleObjectsException}.
 * Owns native memory: close it (try-with-resources) when done; a {@link Cleaner} frees it if it becomes
 * unreachable unclosed. Closing is idempotent; any use after close throws {@link IllegalStateException}.
 *
 * <p>Not for concurrent modification: reading one ciphertext from many threads is safe; modifying it in place
 * while other threads use it serializes those calls (each call locks it) but their order is unspecified.
 */
public final class Ciphertext extends EngineObject<Pointer> {
  Ciphertext(CkksContext context, Pointer peer) {
    super(context, "Ciphertext", peer, context.ops::deleteCiphertext);
  }

  static Ciphertext allocate(CkksContext context) {
    return new Ciphertext(context, context.ops.newCiphertext());
  }

  @Override
  long nativeWords(Pointer peer) {
    return context.ops.ciphertextWords(peer);
  }

  @Override
  long nativeLevel(Pointer peer) {
    return context.ops.ciphertextLevel(context, peer);
  }

  @Override
  double nativeScale(Pointer peer) {
    return context.ops.ciphertextScale(peer);
  }

  @Override
  Pointer nativeSave(Pointer ctx, Pointer peer, boolean compress) {
    return context.ops.saveCiphertext(ctx, peer, compress);
  }

  /** Number of polynomials: 2, or 3 after a multiplication until relinearized. */
  public int size() {
    try (Guard g = new Guard().read(handle).lock()) {
      return (int) context.ops.ciphertextSize(handle.peer());
    }
  }

  /** An independent copy. */
  public Ciphertext copy() {
    try (Guard g = new Guard().read(handle).lock()) {
      Ciphertext c = new Ciphertext(context, Native.get(() -> context.ops.copyCiphertext(handle.peer())));
      c.account();
      return c;
    }
  }

  /**
   * Loads a ciphertext serialized with the same parameters; it then belongs to {@code context}'s keys. Throws
   * {@link CorruptDataException} for truncated or altered bytes and {@link IncompatibleObjectsException} for a
   * ciphertext of other parameters.
   */
  public static Ciphertext load(CkksContext context, byte[] bytes) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(bytes, "bytes");
    Ciphertext p = allocate(context);
    try (Guard g = new Guard().read(context.ctx).write(p.handle).lock()) {
      Native.run(() -> context.ops.loadCiphertext(context.ctx.peer(), bytes, p.handle.peer()));
      p.account();
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Reads exactly one serialized ciphertext from the stream. */
  public static Ciphertext load(CkksContext context, InputStream in) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(context, "context");
    return load(context, context.ops.readObject(in));
  }

  @Override
  String describeExtra() {
    return ", size=" + size();
  }
}
