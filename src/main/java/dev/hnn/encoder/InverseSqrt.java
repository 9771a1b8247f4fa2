package dev.hnn.encoder;

import dev.hnn.circuit.ChebyshevSeries;
import dev.hnn.circuit.PolynomialEvaluator;
import dev.hnn.ckks.Ciphertext;

/**
 * LayerNorm's 1/sqrt(v) on ciphertexts, as y = 1/sqrt(2h) with h = v / 2 (the halving is folded into the variance
 * sum, so a Newton step needs no constant product): a Chebyshev initial guess fitted on the (widened) range of h,
 * then Newton steps y <- y (3/2 - h y^2), each squaring the relative error (e' = -3e^2/2 - e^3/2) at two levels.
 * Newton converges from any guess with relative error in (-1, 0.73); {@link #design} picks the degree and the
 * number of steps with the least depth that reach the tolerance over the whole range, simulated in doubles.
 */
final class InverseSqrt {
  private final ChebyshevSeries initial;
  private final int newtonSteps;
  private final double worstRelativeError;

  private InverseSqrt(ChebyshevSeries initial, int newtonSteps, double worst) {
    this.initial = initial;
    this.newtonSteps = newtonSteps;
    this.worstRelativeError = worst;
  }

  /** For h in [lo, hi] (lo > 0): the fit and Newton count of least total depth with relative error below tol. */
  static InverseSqrt design(double lo, double hi, double tol) {
    if (!(lo > 0) || !(hi > lo)) throw new IllegalArgumentException("need 0 < lo < hi, got [" + lo + ", " + hi + "]");
    InverseSqrt best = null;
    int bestDepth = Integer.MAX_VALUE;
    for (int degree = 1; degree <= 31; degree++) {
      ChebyshevSeries s = ChebyshevSeries.fit(h -> 1 / Math.sqrt(2 * h), lo, hi, degree);
      for (int steps = 0; steps <= 6; steps++) {
        int depth = PolynomialEvaluator.depth(s) + 2 * steps;
        if (depth >= bestDepth) break;
        double worst = simulate(s, steps, lo, hi);
        if (worst <= tol) {
          best = new InverseSqrt(s, steps, worst);
          bestDepth = depth;
          break;
        }
      }
    }
    if (best == null)
      throw new IllegalArgumentException("no initial guess of degree <= 31 converges on [" + lo + ", " + hi + "]");
    return best;
  }

  /** Worst |y sqrt(2h) - 1| over a log-spaced grid of the range after the Newton steps. */
  static double simulate(ChebyshevSeries s, int steps, double lo, double hi) {
    double worst = 0;
    int points = 4001;
    for (int i = 0; i < points; i++) {
      double h = lo * Math.pow(hi / lo, i / (double) (points - 1));
      double y = s.value(h);
      for (int k = 0; k < steps; k++) y = y * (1.5 - h * y * y);
      double e = Math.abs(y * Math.sqrt(2 * h) - 1);
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
    return newtonSteps;
  }

  int initialDepth() {
    return PolynomialEvaluator.depth(initial);
  }

  double worstRelativeError() {
    return worstRelativeError;
  }

  /** One Newton step: 3/2 y - (h y) y^2, two levels below min(level(y), level(h) + 0) at y^2's scale landing. */
  static Ciphertext newton(HeOps ops, Ciphertext h, Ciphertext y) {
    try (Ciphertext y2 = ops.multiply(y, y); Ciphertext hy = ops.multiply(h, y)) {
      Ciphertext w = ops.multiply(hy, y2);
      try (Ciphertext y15 = ops.constant(y, 1.5, w.level(), w.scale())) {
        ops.evaluator().negateInPlace(w);
        ops.evaluator().addInPlace(w, y15);
        return w;
      } catch (RuntimeException e) {
        w.close();
        throw e;
      }
    }
  }
}
