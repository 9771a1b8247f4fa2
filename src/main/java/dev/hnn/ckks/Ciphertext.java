package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import dev.hnn.ckks.presets.HnnNative.NCiphertext;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;

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
public final class Ciphertext implements AutoCloseable {
  final CkksContext context;
  final Handle<NCiphertext> handle;
  private final Cleaner.Cleanable cleanable;

  Ciphertext(CkksContext context, NCiphertext peer) {
    this.context = context;
    this.handle = new Handle<>("Ciphertext", peer, HnnNative::delete_ciphertext);
    this.cleanable = Native.CLEANER.register(this, handle::release);
  }

  static Ciphertext allocate(CkksContext context) {
    return new Ciphertext(context, HnnNative.new_ciphertext());
  }

  /** Accounts for the native size after a write (caller holds the write lock or owns the only reference). */
  void account() {
    handle.account(HnnNative.ciphertext_words(handle.peer()) * 8);
  }

  /** The context this ciphertext was made or loaded in. */
  public CkksContext context() {
    return context;
  }

  /** Level l: the ciphertext lives modulo q_0 ... q_l. */
  public int level() {
    try (Guard g = new Guard().read(handle).lock()) {
      return (int) handle.peer().level();
    }
  }

  /** Number of polynomials: 2, or 3 after a multiplication until relinearized. */
  public int size() {
    try (Guard g = new Guard().read(handle).lock()) {
      return (int) handle.peer().size();
    }
  }

  public double scale() {
    try (Guard g = new Guard().read(handle).lock()) {
      return handle.peer().scale();
    }
  }

  /** An independent copy. */
  public Ciphertext copy() {
    try (Guard g = new Guard().read(handle).lock()) {
      Ciphertext c = new Ciphertext(context, Native.get(() -> HnnNative.copy_ciphertext(handle.peer())));
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
      return Blobs.toArray(() -> HnnNative.save_ciphertext(context.ctx.peer(), handle.peer(), compress));
    }
  }

  public void save(OutputStream out) {
    save(out, false);
  }

  public void save(OutputStream out, boolean compress) {
    Objects.requireNonNull(out, "out");
    try (Guard g = new Guard().read(context.ctx).read(handle).lock()) {
      Blobs.toStream(() -> HnnNative.save_ciphertext(context.ctx.peer(), handle.peer(), compress), out);
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
      Native.run(() -> HnnNative.load_ciphertext(context.ctx.peer(), bytes, bytes.length, p.handle.peer()));
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
    if (isClosed()) return "Ciphertext{closed}";
    try {
      return "Ciphertext{level=" + level() + ", size=" + size() + ", scale=2^" + Math.round(Math.log(scale()) / Math.log(2) * 100) / 100.0 + "}";
    } catch (IllegalStateException e) {
      return "Ciphertext{closed}";
    }
  }
}
