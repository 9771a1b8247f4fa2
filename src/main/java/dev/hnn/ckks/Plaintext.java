package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import dev.hnn.ckks.presets.HnnNative.NPlaintext;
import java.io.InputStream;
import java.io.OutputStream;
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
public final class Plaintext implements AutoCloseable {
  final CkksContext context;
  final Handle<NPlaintext> handle;
  private final Cleaner.Cleanable cleanable;

  Plaintext(CkksContext context, NPlaintext peer) {
    this.context = context;
    this.handle = new Handle<>("Plaintext", peer, HnnNative::delete_plaintext);
    this.cleanable = Native.CLEANER.register(this, handle::release);
  }

  static Plaintext allocate(CkksContext context) {
    return new Plaintext(context, HnnNative.new_plaintext());
  }

  /** Accounts for the native size after a write (caller holds the write lock or owns the only reference). */
  void account() {
    handle.account(HnnNative.plaintext_words(handle.peer()) * 8);
  }

  /** The context this plaintext was made or loaded in. */
  public CkksContext context() {
    return context;
  }

  /** Level l: the plaintext lives modulo q_0 ... q_l. */
  public int level() {
    try (Guard g = new Guard().read(handle).lock()) {
      return (int) handle.peer().level();
    }
  }

  public double scale() {
    try (Guard g = new Guard().read(handle).lock()) {
      return handle.peer().scale();
    }
  }

  /** An independent copy. */
  public Plaintext copy() {
    try (Guard g = new Guard().read(handle).lock()) {
      Plaintext c = new Plaintext(context, Native.get(() -> HnnNative.copy_plaintext(handle.peer())));
      c.account();
      return c;
    }
  }

  /** Serializes (engine format, uncompressed); see {@link #serialize(boolean)}. */
  public byte[] serialize() {
    return serialize(false);
  }

  /** Serializes in the engine's versioned, checksummed format, optionally zlib-compressed. */
  public byte[] serialize(boolean compress) {
    try (Guard g = new Guard().read(context.ctx).read(handle).lock()) {
      return Blobs.toArray(() -> HnnNative.save_plaintext(context.ctx.peer(), handle.peer(), compress));
    }
  }

  public void save(OutputStream out) {
    save(out, false);
  }

  public void save(OutputStream out, boolean compress) {
    Objects.requireNonNull(out, "out");
    try (Guard g = new Guard().read(context.ctx).read(handle).lock()) {
      Blobs.toStream(() -> HnnNative.save_plaintext(context.ctx.peer(), handle.peer(), compress), out);
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

  public boolean isClosed() {
    return handle.isFreed();
  }

  /** Frees the native memory now (idempotent). */
  @Override
  public void close() {
    cleanable.clean();
  }

  @Override
  public String toString() {
    if (isClosed()) return "Plaintext{closed}";
    try {
      return "Plaintext{level=" + level() + ", scale=2^" + Math.round(Math.log(scale()) / Math.log(2) * 100) / 100.0 + "}";
    } catch (IllegalStateException e) {
      return "Plaintext{closed}";
    }
  }
}
