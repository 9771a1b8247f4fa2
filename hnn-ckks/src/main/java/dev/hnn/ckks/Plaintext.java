package dev.hnn.ckks;

import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;
import org.bytedeco.javacpp.Pointer;

/**
 * An encoded (not encrypted) CKKS plaintext: a polynomial in RNS and NTT form at some level, with its scale.
 * Owns native memory: close it (try-with-resources) when done; a {@link Cleaner} frees it if it becomes
 * unreachable unclosed. Closing is idempotent; any use after close throws {@link IllegalStateException}.
 *
 * <p>Not for concurrent modification: reading one plaintext from many threads is safe; modifying it in place
 * while other threads use it serializes those calls (each call locks it) but their order is unspecified.
 */
public final class Plaintext extends EngineObject<Pointer> {
  Plaintext(CkksContext context, Pointer peer) {
    super(context, "Plaintext", peer, context.ops::deletePlaintext);
  }

  static Plaintext allocate(CkksContext context) {
    return new Plaintext(context, context.ops.newPlaintext());
  }

  @Override
  long nativeWords(Pointer peer) {
    return context.ops.plaintextWords(peer);
  }

  @Override
  long nativeLevel(Pointer peer) {
    return context.ops.plaintextLevel(context, peer);
  }

  @Override
  double nativeScale(Pointer peer) {
    return context.ops.plaintextScale(peer);
  }

  @Override
  Pointer nativeSave(Pointer ctx, Pointer peer, boolean compress) {
    return context.ops.savePlaintext(ctx, peer, compress);
  }

  /** An independent copy. */
  public Plaintext copy() {
    try (Guard g = new Guard().read(handle).lock()) {
      Plaintext c = new Plaintext(context, Native.get(() -> context.ops.copyPlaintext(handle.peer())));
      c.account();
      return c;
    }
  }

  /**
   * Loads a plaintext serialized with the same parameters. Throws {@link CorruptDataException} for truncated
   * or altered bytes and {@link IncompatibleObjectsException} for a plaintext of other parameters.
   */
  public static Plaintext load(CkksContext context, byte[] bytes) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(bytes, "bytes");
    Plaintext p = allocate(context);
    try (Guard g = new Guard().read(context.ctx).write(p.handle).lock()) {
      Native.run(() -> context.ops.loadPlaintext(context.ctx.peer(), bytes, p.handle.peer()));
      p.account();
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Reads exactly one serialized plaintext from the stream. */
  public static Plaintext load(CkksContext context, InputStream in) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(context, "context");
    return load(context, context.ops.readObject(in));
  }
}
