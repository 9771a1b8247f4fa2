package dev.hnn.inference;

/**
 * How a head's non-linearities become polynomials: degrees and the margin by which the input range recorded
 * in training is widened on each side (as a fraction of its width), because held-out inputs stray a little
 * beyond the training extremes and a polynomial diverges quickly outside its interval.
 *
 * <p>Defaults: activation degree 12, sigmoid degree 27. GELU's odd part is linear, so it is fitted on the symmetric
 * hull of its widened range with T_1 and even terms (HeadCircuit#fitActivation) and evaluated as
 * c_1 x + e(T_2(x)): degree 12 costs 4 levels and 5 ciphertext products, degree 14 the same 4 levels and 7
 * products, degree 15 5 levels and 7. The sigmoid's degree 27 is the largest that
 * {@link dev.hnn.circuit.PolynomialEvaluator} fits in 5 levels. Measured with the shipped MiniLM head on the
 * 2,000 sentences of its validation split, encrypted (`hnn eval --encrypted --validation`): degree 12 (GELU
 * error <= 3.9e-3) agrees with the plaintext head on 1,997 and moves P by at most 4.3e-3; degree 14
 * (1.2e-3) on 1,998, 2.1e-3. Earlier, in plaintext simulation on 11,832 sentences: sigmoid degree 23 flips one
 * prediction, GELU degree 11 (on the asymmetric range) flips 18.
 */
public record Approximation(int activationDegree, double activationMargin, int sigmoidDegree, double sigmoidMargin) {
  public static final Approximation DEFAULT = new Approximation(12, 0.05, 27, 0.10);

  public Approximation {
    if (activationDegree < 1 || sigmoidDegree < 1) throw new IllegalArgumentException("degrees must be positive");
    if (!(activationMargin >= 0 && sigmoidMargin >= 0)) throw new IllegalArgumentException("margins must be >= 0");
  }

  /** [lo, hi] widened by the margin on each side (a degenerate range gets width 1). */
  static double[] widen(double lo, double hi, double margin) {
    double w = hi - lo;
    if (!(w > 0)) w = 1.0;
    return new double[] {lo - margin * w, hi + margin * w};
  }
}
