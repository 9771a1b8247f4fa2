package dev.hnn.ckks;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Objects;
import org.bytedeco.javacpp.Pointer;

/**
 * Non-interactive CKKS bootstrapping (docs/bootstrapping.md): refreshes a ciphertext of any level to
 * {@link #outputLevel()}, with the same slots at the same scale, without the secret key. It works on a public
 * context ({@link CkksContext#publicContext()}, or one loaded from {@link CkksContext#serializePublic()}) built
 * with {@link CkksContext.Builder#bootstrapping} of the same options.
 *
 * <p>Values: bootstrapping is accurate (about 24 bits, docs/bootstrapping.md) for slots whose value times the
 * ciphertext's scale is within the message scale, i.e. values in [-1, 1] at the message scale; larger values
 * lose precision quadratically. {@code dev.hnn.refresh.BootstrappingRefresher} brings bounded values into that
 * range.
 *
 * <pre>{@code
 * BootstrapOptions opts = BootstrapOptions.defaults();
 * try (CkksContext client = CkksContext.builder(params).bootstrapping(opts).build();
 *      CkksContext server = CkksContext.load(client.serializePublic());
 *      Bootstrapper boot = Bootstrapper.create(server, opts);
 *      Ciphertext fresh = boot.bootstrap(tired)) { ... }
 * }</pre>
 *
 * <p>Holds the encoded transforms (native memory): close it when done; a {@link Cleaner} frees it if it becomes
 * unreachable unclosed. Thread-safe: any number of threads may bootstrap at once; the keys stay the context's.
 */
public final class Bootstrapper implements AutoCloseable {
  private final CkksContext context;
  private final BootstrapOptions options;
  private final Handle<Pointer> handle;
  private final Cleaner.Cleanable cleanable;
  private final int outputLevel;
  private final int depth;

  private Bootstrapper(CkksContext context, BootstrapOptions options, Handle<Pointer> handle) {
    this.context = context;
    this.options = options;
    this.handle = handle;
    this.cleanable = Native.CLEANER.register(this, handle::release);
    this.outputLevel = context.ops.bootstrapOutputLevel(handle.peer());
    this.depth = context.ops.bootstrapDepth(handle.peer());
  }

  /**
   * Encodes the transforms for {@code context}. Throws {@link UnsupportedOperationException} on a backend without
   * bootstrapping, {@link MissingKeyException} if the context lacks the bootstrapping keys of these options,
   * and {@link InvalidParametersException} if its chain cannot hold them.
   */
  public static Bootstrapper create(CkksContext context, BootstrapOptions options) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(options, "options");
    BackendOps ops = context.ops;
    if (!ops.supportsBootstrapping()) throw ops.bootstrappingUnsupported();
    context.checkOpen();
    if (!context.hasBootstrappingKeys())
      throw new MissingKeyException(
          "this context has no bootstrapping keys: the key holder builds them with"
              + " CkksContext.builder(params).bootstrapping(options), and they travel with serializePublic()");
    Handle<Pointer> h = encode(context, options);
    try {
      checkKeys(context, Native.get(() -> ops.bootstrapGaloisElements(h.peer())));
      return new Bootstrapper(context, options, h);
    } catch (RuntimeException | Error e) {
      h.release();
      throw e;
    }
  }

  /** The native bootstrapper: checks the levels and encodes the transforms. */
  private static Handle<Pointer> encode(CkksContext context, BootstrapOptions options) {
    BackendOps ops = context.ops;
    double scale = options.messageScaleOr(context.scale());
    try (Guard g = new Guard().read(context.ctx).lock()) {
      Pointer c = context.ctx.peer();
      return new Handle<>(
          "bootstrapper", Native.get(() -> ops.newBootstrapper(c, options, scale)), ops::deleteBootstrapper);
    }
  }

  /** Every Galois key the transforms use must be in the context: say how many are missing, before any work. */
  private static void checkKeys(CkksContext context, long[] needed) {
    long[] have = context.galoisElements();
    long missing = Arrays.stream(needed).filter(e -> Arrays.binarySearch(have, e) < 0).count();
    if (missing > 0)
      throw new MissingKeyException(
          "the context lacks " + missing + " of the " + needed.length + " Galois keys bootstrapping with these"
              + " options needs: build it with bootstrapping() of the same slot count and levels");
    if (!context.hasRelinearizationKey())
      throw new MissingKeyException("bootstrapping needs the relinearization key, which this context lacks");
  }

  /**
   * A fresh ciphertext at {@link #outputLevel()} encrypting the slots of {@code in} (size 2, any level, scale at
   * most q_0 / 2^6) at its scale. The input is not modified; the caller closes the result.
   */
  public Ciphertext bootstrap(Ciphertext in) {
    context.checkOwn(in, "ciphertext");
    context.checkOpen();
    if (isClosed()) throw new IllegalStateException("bootstrapper is closed");
    BackendOps ops = context.ops;
    Ciphertext out = context.newCiphertext();
    try (Guard g = new Guard().read(handle).read(context.ctx).read(context.gk).read(context.rk)
        .read(context.encapsulation).read(in.handle).write(out.handle).lock()) {
      Native.run(() -> ops.bootstrap(handle.peer(), in.handle.peer(), context.gk.peer(), context.rk.peer(),
          context.encapsulation.peer(), out.handle.peer()));
      out.account();
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  /** The level of bootstrapped ciphertexts: the context's top level minus {@link #depth()}. */
  public int outputLevel() {
    return outputLevel;
  }

  /** Levels bootstrapping consumes from the top level (CoeffsToSlots, EvalMod, SlotsToCoeffs). */
  public int depth() {
    return depth;
  }

  /** The message scale the transforms were built for (values in [-1, 1] at this scale bootstrap best). */
  public double messageScale() {
    return options.messageScaleOr(context.scale());
  }

  public BootstrapOptions options() {
    return options;
  }

  public CkksContext context() {
    return context;
  }

  public boolean isClosed() {
    return handle.isFreed();
  }

  /** Frees the encoded transforms now (idempotent); later calls to {@link #bootstrap} throw. */
  @Override
  public void close() {
    cleanable.clean();
  }

  @Override
  public String toString() {
    return "Bootstrapper{" + options + ", depth=" + depth + ", outputLevel=" + outputLevel
        + (isClosed() ? ", closed}" : "}");
  }
}
