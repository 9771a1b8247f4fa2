package dev.hnn.encoder;

import dev.hnn.circuit.ChebyshevSeries;
import dev.hnn.circuit.PolynomialEvaluator;
import dev.hnn.ckks.Ciphertext;

/**
 * LayerNorm's 1/sqrt(v) on ciphertexts, as y = 1/sqrt(2h) with h = v / 2: a Chebyshev initial guess fitted on the
 * (widened) range of h, then <em>scaled</em> Newton steps.
 *
 * <p>In terms of r = y sqrt(2h) (1 at the answer), a Newton step is r' = r (3 - r^2) / 2. A scaled step
 * r' = a r - b r^3 with a, b chosen for the band [l, u] that r is known to lie in maps it onto the narrowest band
 * around 1 (equioscillation: r' equal at l and u, the peak at p with 3p^2 = l^2 + lu + u^2, and the extremes
 * symmetric about 1). From a wide band that takes one or two steps fewer than plain Newton (ratio 1000: 3 steps
 * became 2), and the initial guess may be rougher.
 *
 * <p>On ciphertexts the factor a is not applied: with y = A ỹ (A the product of the a's so far), the step is
 * ỹ' = ỹ - beta h ỹ^3 with beta = 2 b A^2 / a; the products beta h are formed once, levels above ỹ, and the final
 * A lands in the LayerNorm's gain ({@link #outputFactor}). The last step is fused with the product by the centered
 * input ({@link #stepTimes}). {@link #design} picks the degree and the number of steps with the least depth that
 * reach the tolerance over the whole range, simulated in doubles.
 */
final class InverseSqrt {
  private final ChebyshevSeries initial;
  private final double[] beta;
  private final double outputFactor;
  private final double worstRelativeError;

  private InverseSqrt(ChebyshevSeries initial, double[] beta, double outputFactor, double worst) {
    this.initial = initial;
    this.beta = beta;
    this.outputFactor = outputFactor;
    this.worstRelativeError = worst;
  }

  /** For h in [lo, hi] (lo > 0): the fit and step count of least total depth with relative error below tol. */
  static InverseSqrt design(double lo, double hi, double tol) {
    if (!(lo > 0) || !(hi > lo)) throw new IllegalArgumentException("need 0 < lo < hi, got [" + lo + ", " + hi + "]");
    InverseSqrt best = null;
    int bestDepth = Integer.MAX_VALUE;
    for (int degree = 1; degree <= 31; degree++) {
      ChebyshevSeries s = ChebyshevSeries.fit(h -> 1 / Math.sqrt(2 * h), lo, hi, degree);
      double[] band = band(s, lo, hi);
      if (!(band[0] > 0)) continue; // a guess that is not positive everywhere cannot converge
      for (int steps = 0; steps <= 6; steps++) {
        int depth = depthOf(PolynomialEvaluator.depth(s), steps);
        if (depth >= bestDepth) break;
        InverseSqrt candidate = withSteps(s, band, steps);
        double worst = candidate.simulate(lo, hi);
        if (worst <= tol) {
          best = new InverseSqrt(s, candidate.beta, candidate.outputFactor, worst);
          bestDepth = depth;
          break;
        }
      }
    }
    if (best == null)
      throw new IllegalArgumentException("no initial guess of degree <= 31 converges on [" + lo + ", " + hi + "]");
    return best;
  }

  /** The guess's band of r = p(h) sqrt(2h) over a log-spaced grid of [lo, hi]. */
  private static double[] band(ChebyshevSeries s, double lo, double hi) {
    double l = Double.POSITIVE_INFINITY, u = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < GRID; i++) {
      double h = gridPoint(lo, hi, i);
      double r = s.value(h) * Math.sqrt(2 * h);
      if (Double.isNaN(r)) return new double[] {Double.NaN, Double.NaN};
      l = Math.min(l, r);
      u = Math.max(u, r);
    }
    return new double[] {l, u};
  }

  /** The scaled steps for a guess with r in [band[0], band[1]]. */
  private static InverseSqrt withSteps(ChebyshevSeries s, double[] band, int steps) {
    double l = band[0], u = band[1], factor = 1;
    double[] beta = new double[steps];
    for (int k = 0; k < steps; k++) {
      double p = Math.sqrt((u * u + u * l + l * l) / 3);
      double a = 2 / (2 * p / 3 + l - l * l * l / (3 * p * p));
      double b = a / (3 * p * p);
      beta[k] = 2 * b * factor * factor / a;
      factor *= a;
      double nl = a * l - b * l * l * l, nu = a * 2 * p / 3;
      l = nl;
      u = nu;
    }
    return new InverseSqrt(s, beta, factor, Double.NaN);
  }

  private static final int GRID = 4001;

  private static double gridPoint(double lo, double hi, int i) {
    return lo * Math.pow(hi / lo, i / (double) (GRID - 1));
  }

  /**
   * Levels of a guess of depth {@code guess} and {@code steps} Newton steps, up to and including the product with
   * the centered input: the last step is fused with that product ({@link #stepTimes}), so it adds nothing beyond
   * its two levels; without steps the product adds one.
   */
  static int depthOf(int guess, int steps) {
    return steps > 0 ? guess + 2 * steps : guess + 1;
  }

  /** Worst |A ỹ sqrt(2h) - 1| over a log-spaced grid of [lo, hi] after the steps, in doubles. */
  double simulate(double lo, double hi) {
    double worst = 0;
    for (int i = 0; i < GRID; i++) {
      double h = gridPoint(lo, hi, i);
      double y = initial.value(h);
      for (double b : beta) y = y - b * h * y * y * y;
      double e = Math.abs(outputFactor * y * Math.sqrt(2 * h) - 1);
      if (!(e <= worst)) worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
    }
    return worst;
  }

  /** The fit interval of h (the initial guess's input is h mapped onto [-1, 1]). */
  double lo() {
    return initial.lo();
  }

  double hi() {
    return initial.hi();
  }

  ChebyshevSeries initial() {
    return initial;
  }

  int newtonSteps() {
    return beta.length;
  }

  /** beta of step k (0-based): ỹ' = ỹ - beta h ỹ^3. */
  double beta(int k) {
    return beta[k];
  }

  /** A: the circuit's last ỹ times A is 1/sqrt(2h). */
  double outputFactor() {
    return outputFactor;
  }

  int initialDepth() {
    return PolynomialEvaluator.depth(initial);
  }

  double worstRelativeError() {
    return worstRelativeError;
  }

  /** One step ỹ - (bh ỹ) ỹ^2 with bh = beta h, two levels below y (bh at or above y's level). */
  static Ciphertext step(HeOps ops, Ciphertext bh, Ciphertext y) {
    try (Ciphertext y2 = ops.multiply(y, y); Ciphertext hy = ops.multiply(bh, y)) {
      return minus(ops, y, ops.multiply(hy, y2));
    }
  }

  /**
   * c times the last step: c ỹ - (c bh ỹ) ỹ^2, two levels below y, where the step and then the product would take
   * three. cbh = c beta h is formed earlier, at or above y's level; c must be at or above it too.
   */
  static Ciphertext stepTimes(HeOps ops, Ciphertext y, Ciphertext c, Ciphertext cbh) {
    if (cbh.level() < y.level() || c.level() < y.level())
      throw new IllegalStateException("the fused step needs c beta h and c at or above y's level " + y.level()
          + ", got " + cbh.level() + " and " + c.level());
    try (Ciphertext chy = ops.multiply(cbh, y); Ciphertext y2 = ops.multiply(y, y); Ciphertext cy = ops.multiply(c, y)) {
      return minus(ops, cy, ops.multiply(chy, y2));
    }
  }

  /** x - w, with x landed on w's (lower) level and scale; w is consumed. */
  private static Ciphertext minus(HeOps ops, Ciphertext x, Ciphertext w) {
    try (Ciphertext landed = ops.constant(x, 1.0, w.level(), w.scale())) {
      ops.evaluator().negateInPlace(w);
      ops.evaluator().addInPlace(w, landed);
      return w;
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }
}
