package dev.hnn.circuit;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Evaluator;

import java.util.Arrays;
import java.util.Objects;

/**
 * A quartic in two levels instead of three, for when a linear map follows it. Any quartic with a4 != 0 is
 * p(u) = a4 ((u^2 + b u + c)^2 + d u + e) with b = a3 / 2a4, c = (a2/a4 - b^2) / 2, d = a1/a4 - 2bc,
 * e = a0/a4 - c^2. The circuit computes q(u) = (u^2 + b u + c)^2 + d u (u^2 and b u at one level, the square at the
 * next, d u landed beside it) and leaves p = {@link #gain()} q + {@link #shift()} to the caller, who folds both
 * into the next linear layer's weights and bias. A Chebyshev evaluation of the same quartic needs a third level for
 * its coefficient products; the feed-forward activation of every encoder layer saves that level.
 *
 * <p>Conditioning: |q| is about |p / a4|; for the degree-4 GELU fit on the input ranges the encoder sees,
 * max |u^2 + b u + c| stays near 1 and |a4 q| near max |p|, so no cancellation amplifies the CKKS noise.
 */
public final class FoldedQuartic {
  private final double b;
  private final double c;
  private final double d;
  private final double gain;
  private final double shift;

  private FoldedQuartic(double b, double c, double d, double gain, double shift) {
    this.b = b;
    this.c = c;
    this.d = d;
    this.gain = gain;
    this.shift = shift;
  }

  /** From monomial coefficients a0 .. a4 (in the ciphertext's variable u); a4 must be non-zero. */
  public static FoldedQuartic of(double[] monomial) {
    Objects.requireNonNull(monomial, "coefficients");
    if (monomial.length != 5) throw new IllegalArgumentException("a quartic has 5 coefficients, got " + monomial.length);
    for (double a : monomial)
      if (!Double.isFinite(a)) throw new IllegalArgumentException("coefficients must be finite");
    double a4 = monomial[4];
    if (Math.abs(a4) < 1e-12 * Arrays.stream(monomial).map(Math::abs).max().orElse(0))
      throw new IllegalArgumentException("the leading coefficient vanishes: not a quartic");
    double b = monomial[3] / (2 * a4);
    double c = (monomial[2] / a4 - b * b) / 2;
    double d = monomial[1] / a4 - 2 * b * c;
    double e = monomial[0] / a4 - c * c;
    return new FoldedQuartic(b, c, d, a4, a4 * e);
  }

  /**
   * Monomial coefficients in u of p(lo + (u + 1)(hi - lo)/2), for p given by monomial coefficients in x: the
   * quartic a ciphertext holding x mapped from [lo, hi] onto [-1, 1] evaluates.
   */
  public static double[] onUnitInterval(double[] monomialInX, double lo, double hi) {
    double m = (lo + hi) / 2, r = (hi - lo) / 2;
    double[] out = new double[monomialInX.length];
    // Horner in polynomials: acc = acc * (m + r u) + a_k.
    for (int k = monomialInX.length - 1; k >= 0; k--) {
      for (int j = out.length - 1; j >= 0; j--) out[j] = out[j] * m + (j > 0 ? out[j - 1] * r : 0);
      out[0] += monomialInX[k];
    }
    return out;
  }

  /** The factor the next linear map applies: p = gain q + shift. */
  public double gain() {
    return gain;
  }

  /** The constant the next linear map adds (times its weights' column sums). */
  public double shift() {
    return shift;
  }

  /** q(u) in doubles (the reference of what {@link #evaluate} computes). */
  public double q(double u) {
    double v = u * u + b * u + c;
    return v * v + d * u;
  }

  /** p(u) = gain q(u) + shift in doubles. */
  public double value(double u) {
    return gain * q(u) + shift;
  }

  /** Levels {@link #evaluate} consumes. */
  public static int depth() {
    return 2;
  }

  /**
   * q(u) two levels below u, at the scale the two products leave (about u's scale when the primes are about the
   * scale); the caller's next linear map encodes its weights for whatever scale this is.
   */
  public Ciphertext evaluate(CkksContext ctx, Ciphertext u) {
    Objects.requireNonNull(ctx, "context");
    Objects.requireNonNull(u, "u");
    if (u.level() < depth()) throw new IllegalArgumentException("the quartic needs " + depth() + " levels, u has "
        + u.level());
    Evaluator ev = ctx.evaluator();
    Ciphertext v = ev.multiplyRelinRescale(u, u);
    Ciphertext out = null;
    try {
      if (b != 0) {
        try (Ciphertext bu = ScaleLanding.multiplyConstant(ctx, u, b, v.level(), v.scale())) {
          ev.addInPlace(v, bu);
        }
      }
      if (c != 0) ev.addScalarInPlace(v, c);
      out = ev.multiplyRelinRescale(v, v);
      if (d != 0) {
        try (Ciphertext du = ScaleLanding.multiplyConstant(ctx, u, d, out.level(), out.scale())) {
          ev.addInPlace(out, du);
        }
      }
      Ciphertext r = out;
      out = null;
      return r;
    } finally {
      v.close();
      if (out != null) out.close();
    }
  }
}
