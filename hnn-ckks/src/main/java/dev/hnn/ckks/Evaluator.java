package dev.hnn.ckks;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;

/**
 * Every homomorphic operation of the engine on {@link Ciphertext}s, with the keys of its context. Operations
 * come in two forms: {@code op(...)} returns a new ciphertext (the caller closes it) and {@code opInPlace(...)}
 * replaces its first operand.
 *
 * <p>This is the explicit, low-level API: operands must agree in level (and, for additions, in scale, to a
 * relative 1e-9); multiplications neither relinearize nor rescale unless asked ({@link #multiplyRelinRescale}).
 * Violations throw {@link IncompatibleObjectsException} saying how to fix them; an exhausted modulus chain
 * throws {@link DepthExhaustedException}; a missing relinearization or rotation key throws
 * {@link MissingKeyException}. {@link CkksVector} manages all of this automatically.
 *
 * <p>Thread-safe: one evaluator may serve any number of threads; the engine parallelizes each call over its
 * own thread pool (see {@link NativeEngine#setThreadCount}). Ciphertexts may be read by many threads at once;
 * an in-place operation locks its target for the duration of the call.
 */
public final class Evaluator {
  private final CkksContext ctx;

  Evaluator(CkksContext ctx) {
    this.ctx = ctx;
  }

  public CkksContext context() {
    return ctx;
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private BackendOps ops() {
    return ctx.ops;
  }

  private static final int RELIN = 1;
  private static final int GALOIS = 2;

  private Guard guard(int keys, Object... operands) {
    Guard g = new Guard().read(ctx.ctx);
    if ((keys & RELIN) != 0 && ctx.rk != null) g.read(ctx.rk);
    if ((keys & GALOIS) != 0) g.read(ctx.gk);
    for (Object o : operands) {
      if (o instanceof Ciphertext) g.read(((Ciphertext) o).handle);
      else g.read(((Plaintext) o).handle);
    }
    return g;
  }

  /** Runs op(out) on a fresh ciphertext with the operands read-locked. */
  private Ciphertext produce(int keys, Consumer<Pointer> op, Object... operands) {
    ctx.checkOpen();
    Ciphertext out = ctx.newCiphertext();
    try {
      into(out, keys, op, operands);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** Runs op(out) on the caller's ciphertext (write-locked; it may also be an operand). */
  private void into(Ciphertext out, int keys, Consumer<Pointer> op, Object... operands) {
    ctx.checkOpen();
    try (Guard g = guard(keys, operands).write(out.handle).lock()) {
      Pointer o = out.handle.peer();
      Native.run(() -> op.accept(o));
      out.account();
    }
  }

  private Ciphertext target(Ciphertext out) {
    return own(out, "out");
  }

  /** Runs op on target (write-locked) with the other operands read-locked. */
  private void modify(Ciphertext target, int keys, Consumer<Pointer> op, Object... operands) {
    ctx.checkOpen();
    try (Guard g = guard(keys, operands).write(target.handle).lock()) {
      Pointer t = target.handle.peer();
      Native.run(() -> op.accept(t));
      target.account();
    }
  }

  private Ciphertext own(Ciphertext c, String what) {
    ctx.checkOwn(c, what);
    return c;
  }

  private Plaintext plain(Plaintext p) {
    ctx.checkPlain(p, "plaintext");
    return p;
  }

  // ------------------------------------------------------------------------------------------ additive

  /** a + b (equal levels and scales). */
  public Ciphertext add(Ciphertext a, Ciphertext b) {
    own(a, "a");
    own(b, "b");
    return produce(0, o -> ops().add(ctx, a.handle.peer(), b.handle.peer(), o), a, b);
  }

  /**
   * a + b into {@code out}, replacing its contents (out may be an operand). The {@code (..., out)} forms of
   * the operations reuse an existing ciphertext instead of creating one, which saves an allocation in loops.
   */
  public void add(Ciphertext a, Ciphertext b, Ciphertext out) {
    own(a, "a");
    own(b, "b");
    into(target(out), 0, o -> ops().add(ctx, a.handle.peer(), b.handle.peer(), o), a, b);
  }

  public void addInPlace(Ciphertext a, Ciphertext b) {
    own(a, "a");
    own(b, "b");
    modify(a, 0, t -> ops().addInPlace(ctx, t, b.handle.peer()), b);
  }

  /** a - b (equal levels and scales). */
  public Ciphertext sub(Ciphertext a, Ciphertext b) {
    own(a, "a");
    own(b, "b");
    return produce(0, o -> ops().sub(ctx, a.handle.peer(), b.handle.peer(), o), a, b);
  }

  public void sub(Ciphertext a, Ciphertext b, Ciphertext out) {
    own(a, "a");
    own(b, "b");
    into(target(out), 0, o -> ops().sub(ctx, a.handle.peer(), b.handle.peer(), o), a, b);
  }

  public void subInPlace(Ciphertext a, Ciphertext b) {
    own(a, "a");
    own(b, "b");
    modify(a, 0, t -> ops().subInPlace(ctx, t, b.handle.peer()), b);
  }

  public Ciphertext negate(Ciphertext a) {
    Ciphertext r = copyOf(a);
    negateInPlace(r);
    return r;
  }

  public void negateInPlace(Ciphertext a) {
    own(a, "a");
    modify(a, 0, t -> ops().negateInPlace(ctx, t));
  }

  /** a + p: the plaintext at the ciphertext's scale and at its level or above. */
  public Ciphertext addPlain(Ciphertext a, Plaintext p) {
    Ciphertext r = copyOf(a);
    try {
      addPlainInPlace(r, p);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  public void addPlainInPlace(Ciphertext a, Plaintext p) {
    own(a, "a");
    plain(p);
    modify(a, 0, t -> ops().addPlainInPlace(ctx, t, p.handle.peer()), p);
  }

  public Ciphertext subPlain(Ciphertext a, Plaintext p) {
    Ciphertext r = copyOf(a);
    try {
      subPlainInPlace(r, p);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  public void subPlainInPlace(Ciphertext a, Plaintext p) {
    own(a, "a");
    plain(p);
    modify(a, 0, t -> ops().subPlainInPlace(ctx, t, p.handle.peer()), p);
  }

  /** Adds a finite real constant to every slot (no level used). */
  public Ciphertext addScalar(Ciphertext a, double value) {
    Ciphertext r = copyOf(a);
    try {
      addScalarInPlace(r, value);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  public void addScalarInPlace(Ciphertext a, double value) {
    own(a, "a");
    Encoder.checkFinite(value, "value");
    modify(a, 0, t -> ops().addScalarInPlace(ctx, t, value));
  }

  // ------------------------------------------------------------------------------------------ multiplicative

  /** a * b without relinearization (size 3) or rescaling; operands at one level, of size 2. */
  public Ciphertext multiply(Ciphertext a, Ciphertext b) {
    own(a, "a");
    own(b, "b");
    return produce(0, o -> ops().multiply(ctx, a.handle.peer(), b.handle.peer(), o), a, b);
  }

  public void multiply(Ciphertext a, Ciphertext b, Ciphertext out) {
    own(a, "a");
    own(b, "b");
    into(target(out), 0, o -> ops().multiply(ctx, a.handle.peer(), b.handle.peer(), o), a, b);
  }

  public void multiplyInPlace(Ciphertext a, Ciphertext b) {
    own(a, "a");
    own(b, "b");
    modify(a, 0, t -> ops().multiply(ctx, t, b.handle.peer(), t), b);
  }

  public Ciphertext square(Ciphertext a) {
    own(a, "a");
    return produce(0, o -> ops().square(ctx, a.handle.peer(), o), a);
  }

  public void square(Ciphertext a, Ciphertext out) {
    own(a, "a");
    into(target(out), 0, o -> ops().square(ctx, a.handle.peer(), o), a);
  }

  public void squareInPlace(Ciphertext a) {
    own(a, "a");
    modify(a, 0, t -> ops().square(ctx, t, t));
  }

  /** a * p (no rescaling): the plaintext at the ciphertext's level or above. */
  public Ciphertext multiplyPlain(Ciphertext a, Plaintext p) {
    own(a, "a");
    plain(p);
    return produce(0, o -> ops().multiplyPlain(ctx, a.handle.peer(), p.handle.peer(), o), a, p);
  }

  public void multiplyPlain(Ciphertext a, Plaintext p, Ciphertext out) {
    own(a, "a");
    plain(p);
    into(target(out), 0, o -> ops().multiplyPlain(ctx, a.handle.peer(), p.handle.peer(), o), a, p);
  }

  public void multiplyPlainInPlace(Ciphertext a, Plaintext p) {
    own(a, "a");
    plain(p);
    modify(a, 0, t -> ops().multiplyPlainInPlace(ctx, t, p.handle.peer()), p);
  }

  /**
   * Multiplies every slot by a finite constant encoded at {@code scale} (>= 1): the result's scale is
   * a.scale() * scale; rescale afterwards to use a level.
   */
  public Ciphertext multiplyScalar(Ciphertext a, double value, double scale) {
    Ciphertext r = copyOf(a);
    try {
      multiplyScalarInPlace(r, value, scale);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  public void multiplyScalarInPlace(Ciphertext a, double value, double scale) {
    own(a, "a");
    Encoder.checkFinite(value, "value");
    if (!(scale >= 1) || !Double.isFinite(scale))
      throw new IllegalArgumentException("scale must be finite and at least 1, got " + scale);
    modify(a, 0, t -> ops().multiplyScalarInPlace(ctx, t, value, scale));
  }

  /** Multiplies by an integer: no new scale, no level used (keep |value| small: noise grows with it). */
  public Ciphertext multiplyInteger(Ciphertext a, long value) {
    Ciphertext r = copyOf(a);
    multiplyIntegerInPlace(r, value);
    return r;
  }

  public void multiplyIntegerInPlace(Ciphertext a, long value) {
    own(a, "a");
    modify(a, 0, t -> ops().multiplyIntegerInPlace(ctx, t, value));
  }

  /** Size 3 to size 2 with the relinearization key (a size-2 ciphertext is copied unchanged). */
  public Ciphertext relinearize(Ciphertext a) {
    own(a, "a");
    return produce(RELIN, o -> ops().relinearize(ctx, a.handle.peer(), ctx.relinKeysPeer(), o), a);
  }

  public void relinearize(Ciphertext a, Ciphertext out) {
    own(a, "a");
    into(target(out), RELIN, o -> ops().relinearize(ctx, a.handle.peer(), ctx.relinKeysPeer(), o), a);
  }

  public void relinearizeInPlace(Ciphertext a) {
    own(a, "a");
    modify(a, RELIN, t -> ops().relinearizeInPlace(ctx, t, ctx.relinKeysPeer()));
  }

  /** Divides by the last prime of the level: level - 1, scale / q_level. */
  public Ciphertext rescale(Ciphertext a) {
    own(a, "a");
    return produce(0, o -> ops().rescale(ctx, a.handle.peer(), o), a);
  }

  public void rescale(Ciphertext a, Ciphertext out) {
    own(a, "a");
    into(target(out), 0, o -> ops().rescale(ctx, a.handle.peer(), o), a);
  }

  public void rescaleInPlace(Ciphertext a) {
    own(a, "a");
    modify(a, 0, t -> ops().rescaleInPlace(ctx, t));
  }

  /** multiply, relinearize and rescale in one call. */
  public Ciphertext multiplyRelinRescale(Ciphertext a, Ciphertext b) {
    own(a, "a");
    own(b, "b");
    return produce(
        RELIN, o -> ops().multiplyRelinRescale(ctx, a.handle.peer(), b.handle.peer(), ctx.relinKeysPeer(), o), a, b);
  }

  public void multiplyRelinRescale(Ciphertext a, Ciphertext b, Ciphertext out) {
    own(a, "a");
    own(b, "b");
    into(
        target(out),
        RELIN,
        o -> ops().multiplyRelinRescale(ctx, a.handle.peer(), b.handle.peer(), ctx.relinKeysPeer(), o),
        a,
        b);
  }

  /**
   * The fused multiply-accumulate sum_i a[i] * p[i] (one modular reduction per coefficient, no rescale): the
   * inner loop of encrypted matrix-vector products. Ciphertexts of size 2; the result is at the lowest of their
   * levels (the others lose their upper primes as {@link #modSwitchTo} would, without a copy), every product
   * scale a[i].scale() * p[i].scale() must be the same, and the plaintexts at the result's level or above.
   */
  public Ciphertext multiplyPlainAccumulate(Ciphertext[] a, Plaintext[] p) {
    Objects.requireNonNull(a, "ciphertexts");
    Objects.requireNonNull(p, "plaintexts");
    if (a.length == 0 || a.length != p.length)
      throw new IllegalArgumentException(
          "need as many plaintexts as ciphertexts, at least one (got " + a.length + " and " + p.length + ")");
    Object[] operands = new Object[2 * a.length];
    for (int i = 0; i < a.length; i++) {
      own(a[i], "ciphertexts[" + i + "]");
      ctx.checkPlain(p[i], "plaintexts[" + i + "]");
      operands[2 * i] = a[i];
      operands[2 * i + 1] = p[i];
    }
    return produce(
        0,
        o -> {
          long[] ca = new long[a.length];
          long[] pa = new long[p.length];
          for (int i = 0; i < a.length; i++) {
            ca[i] = a[i].handle.peer().address();
            pa[i] = p[i].handle.peer().address();
          }
          ops().multiplyPlainAccumulate(ctx, ca, pa, o);
        },
        operands);
  }

  /**
   * sum_i values[i] * a[i], value i encoded at scales[i] (no rescale), with the level rule of
   * {@link #multiplyPlainAccumulate(Ciphertext[], Plaintext[])} and every a[i].scale() * scales[i] the same: a
   * linear combination in one pass, without intermediate ciphertexts.
   */
  public Ciphertext multiplyScalarAccumulate(Ciphertext[] a, double[] values, double[] scales) {
    Objects.requireNonNull(a, "ciphertexts");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(scales, "scales");
    if (a.length == 0 || a.length != values.length || a.length != scales.length)
      throw new IllegalArgumentException("need one value and one scale per ciphertext, at least one (got "
          + a.length + " ciphertexts, " + values.length + " values, " + scales.length + " scales)");
    for (int i = 0; i < a.length; i++) own(a[i], "ciphertexts[" + i + "]");
    double[] v = values.clone();
    double[] s = scales.clone();
    return produce(
        0,
        o -> {
          long[] ca = new long[a.length];
          for (int i = 0; i < a.length; i++) ca[i] = a[i].handle.peer().address();
          ops().multiplyScalarAccumulate(ctx, ca, v, s, o);
        },
        (Object[]) a);
  }

  public Ciphertext multiplyPlainAccumulate(List<Ciphertext> a, List<Plaintext> p) {
    Objects.requireNonNull(a, "ciphertexts");
    Objects.requireNonNull(p, "plaintexts");
    return multiplyPlainAccumulate(a.toArray(new Ciphertext[0]), p.toArray(new Plaintext[0]));
  }

  // ------------------------------------------------------------------------------------------ levels and scales

  /** Drops primes down to {@code level} without dividing (scale unchanged); copies only the limbs it keeps. */
  public Ciphertext modSwitchTo(Ciphertext a, int level) {
    own(a, "a");
    ctx.checkLevel(level);
    return produce(0, o -> ops().modSwitchTo(ctx, a.handle.peer(), level, o), a);
  }

  public void modSwitchTo(Ciphertext a, int level, Ciphertext out) {
    own(a, "a");
    ctx.checkLevel(level);
    into(target(out), 0, o -> ops().modSwitchTo(ctx, a.handle.peer(), level, o), a);
  }

  public void modSwitchToInPlace(Ciphertext a, int level) {
    own(a, "a");
    ctx.checkLevel(level);
    modify(a, 0, t -> ops().modSwitchToInPlace(ctx, t, level));
  }

  public Plaintext modSwitchTo(Plaintext p, int level) {
    Plaintext r = p.copy();
    try {
      modSwitchToInPlace(r, level);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  public void modSwitchToInPlace(Plaintext p, int level) {
    plain(p);
    ctx.checkLevel(level);
    ctx.checkOpen();
    try (Guard g = new Guard().read(ctx.ctx).write(p.handle).lock()) {
      Native.run(() -> ops().modSwitchPlainToInPlace(ctx, p.handle.peer(), level));
      p.account();
    }
  }

  /**
   * Brings a and b to the lower of their levels (mod switching, no division); their scales must then agree,
   * else {@link IncompatibleObjectsException} says by how much ({@link CkksVector} aligns scales exactly).
   */
  public void alignInPlace(Ciphertext a, Ciphertext b) {
    own(a, "a");
    own(b, "b");
    if (a == b) return;
    ctx.checkOpen();
    try (Guard g = new Guard().read(ctx.ctx).write(a.handle).write(b.handle).lock()) {
      Native.run(() -> ops().alignInPlace(ctx, a.handle.peer(), b.handle.peer()));
      a.account();
      b.account();
    }
  }

  /**
   * Overrides the recorded scale, accepting the relative error |scale / a.scale() - 1| in the values (for
   * scales that differ only because primes are not exactly equal to the scale).
   */
  public void setScale(Ciphertext a, double scale) {
    own(a, "a");
    Encoder.checkScale(scale);
    modify(a, 0, t -> ops().setScale(ctx, t, scale));
  }

  // ------------------------------------------------------------------------------------------ rotations

  /** Rotates the slots left by {@code steps} (negative: right); needs the Galois key of the step. */
  public Ciphertext rotate(Ciphertext a, int steps) {
    own(a, "a");
    checkRotation(steps);
    return produce(GALOIS, o -> ops().rotate(ctx, a.handle.peer(), steps, ctx.gk.peer(), o), a);
  }

  public void rotate(Ciphertext a, int steps, Ciphertext out) {
    own(a, "a");
    checkRotation(steps);
    into(target(out), GALOIS, o -> ops().rotate(ctx, a.handle.peer(), steps, ctx.gk.peer(), o), a);
  }

  public void rotateInPlace(Ciphertext a, int steps) {
    own(a, "a");
    checkRotation(steps);
    modify(a, GALOIS, t -> ops().rotateInPlace(ctx, t, steps, ctx.gk.peer()));
  }

  /**
   * Several rotations of one ciphertext sharing one decomposition of its second polynomial (hoisting): much
   * cheaper than separate rotations. Returns one ciphertext per step, in order.
   */
  public Ciphertext[] rotateHoisted(Ciphertext a, int... steps) {
    own(a, "a");
    Objects.requireNonNull(steps, "steps");
    for (int s : steps) checkRotation(s);
    ctx.checkOpen();
    Ciphertext[] out = new Ciphertext[steps.length];
    Guard g = guard(GALOIS, a);
    try {
      for (int i = 0; i < steps.length; i++) {
        out[i] = ctx.newCiphertext();
        g.write(out[i].handle);
      }
      long[] st = new long[steps.length];
      for (int i = 0; i < steps.length; i++) st[i] = steps[i];
      try (Guard locked = g.lock()) {
        long[] addr = new long[steps.length];
        for (int i = 0; i < steps.length; i++) addr[i] = out[i].handle.peer().address();
        Native.run(() -> ops().rotateHoisted(ctx, a.handle.peer(), st, ctx.gk.peer(), addr));
        for (Ciphertext c : out) c.account();
      }
    } catch (RuntimeException e) {
      for (Ciphertext c : out) if (c != null) c.close();
      throw e;
    }
    return out;
  }

  /**
   * The sum of the rotations of {@code a} by every step (a step of 0 adds {@code a} itself) with one decomposition
   * and one division by the special primes for the whole sum: a round of r rotations costs about one rotation
   * plus r key products, and carries one rounding error instead of r. The building block of rotate-and-sum
   * ({@code dev.hnn.circuit.SlotSum}).
   */
  public Ciphertext rotateSum(Ciphertext a, int... steps) {
    own(a, "a");
    long[] st = rotationSumSteps(steps);
    return produce(GALOIS, o -> ops().rotateSum(ctx, a.handle.peer(), st, ctx.gk.peer(), o), a);
  }

  /** {@link #rotateSum} written over {@code a}. */
  public void rotateSumInPlace(Ciphertext a, int... steps) {
    own(a, "a");
    long[] st = rotationSumSteps(steps);
    modify(a, GALOIS, t -> ops().rotateSum(ctx, t, st, ctx.gk.peer(), t));
  }

  private long[] rotationSumSteps(int[] steps) {
    Objects.requireNonNull(steps, "steps");
    if (steps.length == 0) throw new IllegalArgumentException("no rotation steps");
    long[] st = new long[steps.length];
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] % ctx.slotCount() != 0) checkRotation(steps[i]);
      st[i] = steps[i];
    }
    return st;
  }

  /** Complex conjugation of the slots (needs the conjugation key). */
  public Ciphertext conjugate(Ciphertext a) {
    own(a, "a");
    return produce(GALOIS, o -> ops().conjugate(ctx, a.handle.peer(), ctx.gk.peer(), o), a);
  }

  /** The automorphism X -> X^galoisElement (odd, below 2N), for which a key must exist. */
  public Ciphertext applyGalois(Ciphertext a, long galoisElement) {
    own(a, "a");
    return produce(GALOIS, o -> ops().applyGalois(ctx, a.handle.peer(), galoisElement, ctx.gk.peer(), o), a);
  }

  // ------------------------------------------------------------------------------------------ helpers

  private void checkRotation(int steps) {
    if (!ctx.hasRotationKey(steps))
      throw new MissingKeyException(
          "no Galois key for a rotation by "
              + steps
              + " (element "
              + ctx.galoisElement(steps)
              + "): generate the context with this rotation step");
  }

  private Ciphertext copyOf(Ciphertext a) {
    own(a, "a");
    return a.copy();
  }
}
