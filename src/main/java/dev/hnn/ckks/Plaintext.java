package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import dev.hnn.ckks.presets.HnnNative.NBytes;
import dev.hnn.ckks.presets.HnnNative.NContext;
import dev.hnn.ckks.presets.HnnNative.NPlaintext;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;

/**
 * An encoded (not encrypted) CKKS plaintext: a polynomial in RNS and NTT form at some level, with its scale.
 * Owns native memory: close it (try-with-resources) when done; a {@link Cleaner} frees it if it becomes
 * unreachable unclosed. Closing is idempotent; any use after close throws {@link IllegalStateException}.
 *
 * <p>Not for concurrent modification: reading one plaintext from many threads is safe; modifying it in place
 * while other threads use it serializes those calls (each call locks it) but their order is unspecified.
 */
public final class Plaintext extends EngineObject<NPlaintext> {
  Plaintext(CkksContext context, NPlaintext peer) {
    super(context, "Plaintext", peer, HnnNative::delete_plaintext);
  }

  static Plaintext allocate(CkksContext context) {
    return new Plaintext(context, HnnNative.new_plaintext());
  }

  @Override
  long nativeWords(NPlaintext peer) {
    return HnnNative.plaintext_words(peer);
  }

  @Override
  long nativeLevel(NPlaintext peer) {
    return peer.level();
  }

  @Override
  double nativeScale(NPlaintext peer) {
    return peer.scale();
  }

  @Override
  NBytes nativeSave(NContext ctx, NPlaintext peer, boolean compress) {
    return HnnNative.save_plaintext(ctx, peer, compress);
  }

  /** An independent copy. */
  public Plaintext copy() {
    try (Guard g = new Guard().read(handle).lock()) {
      Plaintext c = new Plaintext(context, Native.get(() -> HnnNative.copy_plaintext(handle.peer())));
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
      Native.run(() -> HnnNative.load_plaintext(context.ctx.peer(), bytes, bytes.length, p.handle.peer()));
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
    return load(context, Blobs.readEngineObject(in));
  }
}
