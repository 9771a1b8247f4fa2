package dev.hnn.inference;

/**
 * How a head's non-linearities become polynomials: degrees and the margin by which the input range recorded
 * in training is widened on each side (as a fraction of its width), because held-out inputs stray a little
 * beyond the training extremes and a polynomial diverges quickly outside its interval.
 *
 * <p>Defaults (measured on 11,832 SST-2 sentences with the shipped MiniLM head, plaintext simulation): GELU
 * degree 15 on the range widened by 5% and sigmoid degree 27 widened by 10% change no prediction and move P by
 * at most 8.8e-4 (degree 31 would give 8.0e-4 for one more level; 23 flips one prediction; GELU 11 flips 18).
 * Degrees 15 and 27 are the largest that {@link dev.hnn.circuit.PolynomialEvaluator} fits in 5 levels each.
 */
public record Approximation(int activationDegree, double activationMargin, int sigmoidDegree, double sigmoidMargin) {
  public static final Approximation DEFAULT = new Approximation(15, 0.05, 27, 0.10);

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
