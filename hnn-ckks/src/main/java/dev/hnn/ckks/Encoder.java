package dev.hnn.ckks;

import java.util.Objects;

/**
 * CKKS encoding of up to N/2 real (or complex) values into a plaintext at a chosen scale and level, and
 * decoding back. Shorter inputs are padded with zeros. Thread-safe (stateless).
 */
public final class Encoder {
  private final CkksContext context;

  Encoder(CkksContext context) {
    this.context = context;
  }

  public int slotCount() {
    return context.slots;
  }

  /** Encodes at the context's default scale and the top level. */
  public Plaintext encode(double[] values) {
    return encode(values, context.scale(), context.maxLevel);
  }

  /**
   * Encodes up to {@link #slotCount()} finite values. Throws {@link IllegalArgumentException} for too many
   * values, NaN or infinity, a scale that is not finite and positive, or a level outside [0, maxLevel], and
   * {@link InvalidArgumentException} if the scaled values do not fit the modulus at that level.
   */
  public Plaintext encode(double[] values, double scale, int level) {
    checkValues(values, "values", context.slots);
    checkScale(scale);
    context.checkLevel(level);
    Plaintext p = context.newPlaintext();
    try (Guard g = new Guard().read(context.ctx).write(p.handle).lock()) {
      Native.run(() -> context.ops.encode(context, values, values.length, scale, level, p.handle.peer()));
      p.account();
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Encodes into an existing plaintext (replacing its contents): saves an allocation. */
  public void encode(double[] values, double scale, int level, Plaintext out) {
    checkValues(values, "values", context.slots);
    checkScale(scale);
    context.checkLevel(level);
    context.checkPlain(out, "out");
    try (Guard g = new Guard().read(context.ctx).write(out.handle).lock()) {
      Native.run(() -> context.ops.encode(context, values, values.length, scale, level, out.handle.peer()));
      out.account();
    }
  }

  /** The same value in every slot (a constant polynomial: cheap to encode and to multiply by). */
  public Plaintext encodeConstant(double value, double scale, int level) {
    checkFinite(value, "value");
    checkScale(scale);
    context.checkLevel(level);
    Plaintext p = context.newPlaintext();
    try (Guard g = new Guard().read(context.ctx).write(p.handle).lock()) {
      Native.run(() -> context.ops.encodeConstant(context, value, scale, level, p.handle.peer()));
      p.account();
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Encodes complex values given as real and imaginary parts of equal length. */
  public Plaintext encodeComplex(double[] real, double[] imag, double scale, int level) {
    checkValues(real, "real parts", context.slots);
    checkValues(imag, "imaginary parts", context.slots);
    if (real.length != imag.length)
      throw new IllegalArgumentException("real and imaginary parts differ in length: " + real.length + " vs " + imag.length);
    checkScale(scale);
    context.checkLevel(level);
    double[] inter = new double[2 * real.length];
    for (int i = 0; i < real.length; i++) {
      inter[2 * i] = real[i];
      inter[2 * i + 1] = imag[i];
    }
    Plaintext p = context.newPlaintext();
    try (Guard g = new Guard().read(context.ctx).write(p.handle).lock()) {
      Native.run(() -> context.ops.encodeComplex(context, inter, real.length, scale, level, p.handle.peer()));
      p.account();
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Decodes all {@link #slotCount()} slots (real parts). */
  public double[] decode(Plaintext plain) {
    return decode(plain, context.slots);
  }

  /** Decodes the first {@code count} slots. */
  public double[] decode(Plaintext plain, int count) {
    context.checkPlain(plain, "plaintext");
    if (count < 0 || count > context.slots)
      throw new IllegalArgumentException("count must be in [0, " + context.slots + "], got " + count);
    double[] out = new double[count];
    try (Guard g = new Guard().read(context.ctx).read(plain.handle).lock()) {
      Native.run(() -> context.ops.decode(context, plain.handle.peer(), out, count));
    }
    return out;
  }

  /** Decodes the first {@code out.length} (at most {@link #slotCount()}) slots into {@code out}. */
  public void decode(Plaintext plain, double[] out) {
    context.checkPlain(plain, "plaintext");
    java.util.Objects.requireNonNull(out, "out");
    if (out.length > context.slots)
      throw new IllegalArgumentException("out has " + out.length + " entries, more than " + context.slots + " slots");
    try (Guard g = new Guard().read(context.ctx).read(plain.handle).lock()) {
      Native.run(() -> context.ops.decode(context, plain.handle.peer(), out, out.length));
    }
  }

  /** Decodes all slots as complex numbers: {@code {real parts, imaginary parts}}. */
  public double[][] decodeComplex(Plaintext plain) {
    context.checkPlain(plain, "plaintext");
    int count = context.slots;
    double[] inter = new double[2 * count];
    try (Guard g = new Guard().read(context.ctx).read(plain.handle).lock()) {
      Native.run(() -> context.ops.decodeComplex(context, plain.handle.peer(), inter, count));
    }
    double[][] out = new double[2][count];
    for (int i = 0; i < count; i++) {
      out[0][i] = inter[2 * i];
      out[1][i] = inter[2 * i + 1];
    }
    return out;
  }

  static void checkValues(double[] values, String what, int max) {
    Objects.requireNonNull(values, what);
    if (values.length > max)
      throw new IllegalArgumentException(what + ": " + values.length + " values do not fit " + max + " slots");
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i]))
        throw new IllegalArgumentException(what + "[" + i + "] is " + values[i] + ": values must be finite");
    }
  }

  static void checkFinite(double v, String what) {
    if (!Double.isFinite(v)) throw new IllegalArgumentException(what + " is " + v + ": it must be finite");
  }

  static void checkScale(double scale) {
    if (!(scale > 0) || !Double.isFinite(scale))
      throw new IllegalArgumentException("scale must be finite and positive, got " + scale);
  }
}
