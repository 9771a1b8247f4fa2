package dev.hnn.ckks;

import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;

/**
 * What {@link Plaintext} and {@link Ciphertext} share: a native peer owned through a {@link Handle}, a
 * {@link Cleaner} as safety net, the context it belongs to, level and scale, serialization, and closing.
 * Subclasses name the native functions of their type.
 */
abstract class EngineObject<P extends Pointer> implements AutoCloseable {
  final CkksContext context;
  final Handle<P> handle;
  private final Cleaner.Cleanable cleanable;
  private final String kind;

  EngineObject(CkksContext context, String kind, P peer, Consumer<P> deleter) {
    this.context = context;
    this.kind = kind;
    this.handle = new Handle<>(kind, peer, deleter);
    this.cleanable = Native.CLEANER.register(this, handle::release);
  }

  abstract long nativeWords(P peer);

  abstract long nativeLevel(P peer);

  abstract double nativeScale(P peer);

  abstract Pointer nativeSave(Pointer ctx, P peer, boolean compress);

  /** Accounts for the native size after a write (caller holds the write lock or owns the only reference). */
  void account() {
    handle.account(nativeWords(handle.peer()) * 8);
  }

  /** The context this object was made or loaded in. */
  public CkksContext context() {
    return context;
  }

  /** Level l: the object lives modulo q_0 ... q_l. */
  public int level() {
    Guard guard = new Guard();
    if (context.ops.levelNeedsContext()) guard.read(context.ctx);
    try (Guard g = guard.read(handle).lock()) {
      return (int) nativeLevel(handle.peer());
    }
  }

  public double scale() {
    try (Guard g = new Guard().read(handle).lock()) {
      return nativeScale(handle.peer());
    }
  }

  /** Serializes (engine format, uncompressed); see {@link #serialize(boolean)}. */
  public byte[] serialize() {
    return serialize(false);
  }

  /** Serializes in the engine's versioned, checksummed format, optionally zlib-compressed. */
  public byte[] serialize(boolean compress) {
    try (Guard g = new Guard().read(context.ctx).read(handle).lock()) {
      return Blobs.toArray(context.ops, () -> nativeSave(context.ctx.peer(), handle.peer(), compress));
    }
  }

  public void save(OutputStream out) {
    save(out, false);
  }

  public void save(OutputStream out, boolean compress) {
    Objects.requireNonNull(out, "out");
    try (Guard g = new Guard().read(context.ctx).read(handle).lock()) {
      Blobs.toStream(context.ops, () -> nativeSave(context.ctx.peer(), handle.peer(), compress), out);
    }
  }

  public boolean isClosed() {
    return handle.isFreed();
  }

  /** Frees the native memory now (idempotent). */
  @Override
  public void close() {
    cleanable.clean();
  }

  /** Extra fields for {@link #toString()}, e.g. ", size=2". */
  String describeExtra() {
    return "";
  }

  @Override
  public String toString() {
    if (isClosed()) return kind + "{closed}";
    try {
      return kind + "{level=" + level() + describeExtra() + ", scale=2^"
          + Math.round(Math.log(scale()) / Math.log(2) * 100) / 100.0 + "}";
    } catch (IllegalStateException e) {
      return kind + "{closed}";
    }
  }
}
