package dev.hnn.inference;

import dev.hnn.circuit.ChebyshevSeries;

import java.util.function.IntFunction;

/**
 * How a head's two non-linearities become polynomials: for each, a {@link Fit} saying which degree and over which
 * interval (the input range recorded in training, widened by a margin on each side because held-out inputs stray a
 * little beyond the training extremes and a polynomial diverges quickly outside its interval).
 *
 * <p>Defaults: the lowest degree whose fit errs by at most 1e-3 (activation) and 2e-3 (sigmoid), at most 12 and
 * 27. The degrees set the depth, and the depth the parameters. The shipped head, trained with range penalties
 * ({@code hnn train-head}), gets GELU of degree 6 on [-1.77, 1.77] (error bound 4.7e-4; 3 levels and 3 ciphertext
 * products as c_1 x + e(T_2(x)), HeadCircuit#fitActivation) and a sigmoid of degree 14 on [-6.8, 8.2] (1.6e-3;
 * 4 levels, 7 products): depth 8. Its predecessor, trained without them, got the activation's cap, GELU 12 on
 * [-4.84, 4.84] (3.9e-3), and a sigmoid of degree 20 on [-8.4, 13.5]: depth 10 (docs/encrypted-inference.md).
 */
public record Approximation(Fit activation, Fit sigmoid) {
  /** The defaults' tolerances and degree caps (constants, so that the CLI's help text can quote them). */
  public static final double ACTIVATION_TOLERANCE = 1e-3, SIGMOID_TOLERANCE = 2e-3;
  public static final int ACTIVATION_MAX_DEGREE = 12, SIGMOID_MAX_DEGREE = 27;
  public static final Approximation DEFAULT = new Approximation(
      new Fit(ACTIVATION_MAX_DEGREE, ACTIVATION_TOLERANCE, 0.05), new Fit(SIGMOID_MAX_DEGREE, SIGMOID_TOLERANCE, 0.10));

  /**
   * The lowest degree up to {@code maxDegree} whose fit's error bound ({@link ChebyshevSeries#errorBound}) is at
   * most {@code tolerance}, or {@code maxDegree} if none is (a tolerance of 0 fixes the degree); the interval is
   * the recorded range widened by {@code margin} of its width on each side.
   */
  public record Fit(int maxDegree, double tolerance, double margin) {
    public Fit {
      if (maxDegree < 1 || maxDegree > 63) throw new IllegalArgumentException("degree must be in 1..63, got " + maxDegree);
      if (!(tolerance >= 0) || !(margin >= 0)) throw new IllegalArgumentException("tolerance and margin must be >= 0");
    }

    /** The same fit at exactly this degree. */
    public Fit withDegree(int degree) {
      return new Fit(degree, 0, margin);
    }

    /** [lo, hi] widened by the margin on each side (a degenerate range gets width 1). */
    double[] widen(double lo, double hi) {
      double w = hi - lo;
      if (!(w > 0)) w = 1.0;
      return new double[] {lo - margin * w, hi + margin * w};
    }

    /** The series this fit chooses among {@code fitAt(d)} for d = 1 .. maxDegree. */
    ChebyshevSeries choose(IntFunction<ChebyshevSeries> fitAt) {
      if (tolerance > 0) {
        for (int d = 1; d < maxDegree; d++) {
          ChebyshevSeries s = fitAt.apply(d);
          if (s.errorBound() <= tolerance) return s;
        }
      }
      return fitAt.apply(maxDegree);
    }
  }

  public Approximation {
    if (activation == null || sigmoid == null) throw new IllegalArgumentException("both fits are required");
  }

  /** Fixed degrees with the default margins. */
  public static Approximation ofDegrees(int activationDegree, int sigmoidDegree) {
    return new Approximation(DEFAULT.activation.withDegree(activationDegree), DEFAULT.sigmoid.withDegree(sigmoidDegree));
  }
}
