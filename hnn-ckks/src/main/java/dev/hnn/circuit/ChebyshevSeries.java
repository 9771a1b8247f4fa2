package dev.hnn.circuit;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * A polynomial p(x) = sum_k c_k T_k(u), u = (2x - lo - hi) / (hi - lo), on an interval [lo, hi]: the form in
 * which non-linear functions are evaluated under CKKS. Fitted by Chebyshev projection on a fine node set,
 * which is within a small factor of the minimax polynomial of the same degree and, unlike a monomial fit,
 * numerically stable at high degree (|T_k| <= 1 on the interval, so no term cancels another).
 *
 * <p>The stated error bound is the larger of the largest deviation on a dense grid and the absolute sum of
 * the dropped Chebyshev coefficients up to four times the degree: for a function analytic on the interval
 * (GELU, sigmoid, tanh) the latter bounds the truncation error up to the far tail. Outside [lo, hi] the
 * polynomial grows like (2|u|)^degree and no bound holds: callers widen the recorded input range by a
 * margin.
 */
public final class ChebyshevSeries {
  private static final int GRID = 20_001;

  private final double lo;
  private final double hi;
  private final double[] coeffs;
  private final double errorBound;

  private ChebyshevSeries(double lo, double hi, double[] coeffs, double errorBound) {
    this.lo = lo;
    this.hi = hi;
    this.coeffs = coeffs;
    this.errorBound = errorBound;
  }

  /** Fits f on [lo, hi] with a polynomial of the given degree (1..255). */
  public static ChebyshevSeries fit(DoubleUnaryOperator f, double lo, double hi, int degree) {
    Objects.requireNonNull(f, "f");
    if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi))
      throw new IllegalArgumentException("need a finite interval lo < hi, got [" + lo + ", " + hi + "]");
    if (degree < 1 || degree > 255) throw new IllegalArgumentException("degree must be in 1..255, got " + degree);
    double[] full = project(f, lo, hi, 4 * degree + 64);
    double[] c = Arrays.copyOf(full, degree + 1);
    double tail = 0;
    for (int k = degree + 1; k < full.length; k++) tail += Math.abs(full[k]);
    ChebyshevSeries s = new ChebyshevSeries(lo, hi, c, 0);
    double grid = s.maxDeviation(f);
    return new ChebyshevSeries(lo, hi, c, Math.max(grid, tail));
  }

  /**
   * Fits f on [-r, r] with T_1 and even terms only, for an f whose odd part is linear ({@link #oddPartIsLinear}:
   * GELU, ReLU, SiLU, any quadratic). Such a series is c_1 T_1(u) + e(T_2(u)) with e of half the degree, which
   * {@link PolynomialEvaluator} evaluates with fewer products than a full series of the same degree. The odd
   * coefficients above the first, zero up to rounding for such f, are dropped and counted in the error bound.
   */
  public static ChebyshevSeries fitLinearPlusEven(DoubleUnaryOperator f, double r, int degree) {
    Objects.requireNonNull(f, "f");
    if (!(Double.isFinite(r) && r > 0)) throw new IllegalArgumentException("need a finite radius r > 0, got " + r);
    if (degree < 2 || degree > 254 || degree % 2 != 0)
      throw new IllegalArgumentException("degree must be even in 2..254, got " + degree);
    double[] full = project(f, -r, r, 4 * degree + 64);
    double[] c = Arrays.copyOf(full, degree + 1);
    double dropped = 0;
    for (int k = 3; k <= degree; k += 2) {
      dropped += Math.abs(c[k]);
      c[k] = 0;
    }
    for (int k = degree + 1; k < full.length; k++) dropped += Math.abs(full[k]);
    ChebyshevSeries s = new ChebyshevSeries(-r, r, c, 0);
    return new ChebyshevSeries(-r, r, c, Math.max(s.maxDeviation(f), dropped));
  }

  /**
   * Whether f(x) - f(-x) = 2 a x on [-r, r] (r = max(|lo|, |hi|)) up to rounding, a = (f(r) - f(-r)) / 2r: f is
   * linear plus even, and {@link #fitLinearPlusEven} applies on the symmetric interval.
   */
  public static boolean oddPartIsLinear(DoubleUnaryOperator f, double lo, double hi) {
    double r = Math.max(Math.abs(lo), Math.abs(hi));
    if (!(Double.isFinite(r) && r > 0)) return false;
    double a = (f.applyAsDouble(r) - f.applyAsDouble(-r)) / (2 * r);
    double size = 0;
    for (int i = 0; i <= 1000; i++) size = Math.max(size, Math.abs(f.applyAsDouble(r * i / 1000.0)));
    for (int i = 1; i <= 1000; i++) {
      double x = r * i / 1000.0;
      double odd = f.applyAsDouble(x) - f.applyAsDouble(-x) - 2 * a * x;
      if (!(Math.abs(odd) <= 1e-12 * (1 + size))) return false;
    }
    return true;
  }

  /** Whether every odd coefficient above the first is zero: c_1 T_1 plus an even series (degree 4 or more). */
  public boolean isLinearPlusEven() {
    if (degree() < 4) return false;
    for (int k = 3; k < coeffs.length; k += 2) if (coeffs[k] != 0) return false;
    return true;
  }

  /** A series from explicit coefficients (e.g. loaded from a file); its error bound is unknown (NaN). */
  public static ChebyshevSeries of(double lo, double hi, double... coeffs) {
    if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi))
      throw new IllegalArgumentException("need a finite interval lo < hi");
    if (coeffs.length == 0) throw new IllegalArgumentException("need at least one coefficient");
    for (double c : coeffs) if (!Double.isFinite(c)) throw new IllegalArgumentException("coefficient not finite");
    return new ChebyshevSeries(lo, hi, coeffs.clone(), Double.NaN);
  }

  /** Chebyshev coefficients of f from its values at m Chebyshev nodes (discrete cosine transform). */
  private static double[] project(DoubleUnaryOperator f, double lo, double hi, int m) {
    double[] fx = new double[m];
    for (int j = 0; j < m; j++) {
      double t = Math.cos(Math.PI * (j + 0.5) / m);
      fx[j] = f.applyAsDouble(0.5 * (hi - lo) * t + 0.5 * (hi + lo));
      if (!Double.isFinite(fx[j])) throw new IllegalArgumentException("f is not finite at a node of the interval");
    }
    double[] c = new double[m];
    for (int k = 0; k < m; k++) {
      double s = 0;
      for (int j = 0; j < m; j++) s += fx[j] * Math.cos(Math.PI * k * (j + 0.5) / m);
      c[k] = (k == 0 ? 1.0 : 2.0) * s / m;
    }
    return c;
  }

  /** The largest |p(x) - f(x)| on a grid of 20,001 points over the interval. */
  public double maxDeviation(DoubleUnaryOperator f) {
    double worst = 0;
    for (int i = 0; i < GRID; i++) {
      double x = lo + (hi - lo) * i / (GRID - 1);
      worst = Math.max(worst, Math.abs(value(x) - f.applyAsDouble(x)));
    }
    return worst;
  }

  /** p(x), by Clenshaw's recurrence (valid outside the interval too, where it is no approximation). */
  public double value(double x) {
    double u = toUnit(x);
    double b1 = 0, b2 = 0;
    for (int k = coeffs.length - 1; k >= 1; k--) {
      double b0 = 2 * u * b1 - b2 + coeffs[k];
      b2 = b1;
      b1 = b0;
    }
    return u * b1 - b2 + coeffs[0];
  }

  /** The affine map of the interval onto [-1, 1]. */
  public double toUnit(double x) {
    return (2 * x - lo - hi) / (hi - lo);
  }

  public double lo() {
    return lo;
  }

  public double hi() {
    return hi;
  }

  public int degree() {
    return coeffs.length - 1;
  }

  /** c_0 ... c_degree (a copy). */
  public double[] coefficients() {
    return coeffs.clone();
  }

  /** The error bound stated by {@link #fit} (NaN for series given by coefficients). */
  public double errorBound() {
    return errorBound;
  }

  public boolean contains(double x) {
    return x >= lo && x <= hi;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "Chebyshev degree %d on [%.4g, %.4g], error <= %.3g",
        degree(), lo, hi, errorBound);
  }
}
