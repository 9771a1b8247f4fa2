package dev.hnn.transformer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/** Plain double references for the token algebra tests, and the error measure they assert on. */
final class PlainTokens {
  private PlainTokens() {}

  static double[][] random(Random rnd, int rows, int cols, double amplitude) {
    double[][] m = new double[rows][cols];
    for (double[] r : m) for (int j = 0; j < cols; j++) r[j] = amplitude * (2 * rnd.nextDouble() - 1);
    return m;
  }

  static double[] random(Random rnd, int n, double amplitude) {
    return random(rnd, 1, n, amplitude)[0];
  }

  /** x w + b (b may be null). */
  static double[][] linear(double[][] x, double[][] w, double[] b) {
    double[][] y = new double[x.length][w[0].length];
    for (int t = 0; t < x.length; t++)
      for (int j = 0; j < y[t].length; j++) {
        double s = b == null ? 0 : b[j];
        for (int i = 0; i < w.length; i++) s += x[t][i] * w[i][j];
        y[t][j] = s;
      }
    return y;
  }

  /** x with token t holding token (t + delta) mod L. */
  static double[][] rotateTokens(double[][] x, int delta) {
    int l = x.length;
    double[][] y = new double[l][];
    for (int t = 0; t < l; t++) y[t] = x[Math.floorMod(t + delta, l)].clone();
    return y;
  }

  /** S[delta][h][t] = sum_e q[t][h w + e] k[(t + delta) mod L][h w + e]. */
  static double[][][] scores(double[][] q, double[][] k, int heads, int width) {
    int l = q.length;
    double[][][] s = new double[l][heads][l];
    for (int d = 0; d < l; d++)
      for (int h = 0; h < heads; h++)
        for (int t = 0; t < l; t++) {
          double acc = 0;
          for (int e = 0; e < width; e++) acc += q[t][h * width + e] * k[(t + d) % l][h * width + e];
          s[d][h][t] = acc;
        }
    return s;
  }

  /** O[t][h w + e] = sum_delta a[delta][h][t] v[(t + delta) mod L][h w + e]. */
  static double[][] attend(double[][][] a, double[][] v, int heads, int width) {
    int l = v.length;
    double[][] o = new double[l][heads * width];
    for (int d = 0; d < l; d++)
      for (int h = 0; h < heads; h++)
        for (int t = 0; t < l; t++)
          for (int e = 0; e < width; e++) o[t][h * width + e] += a[d][h][t] * v[(t + d) % l][h * width + e];
    return o;
  }

  static double maxAbs(double[][] m) {
    double a = 0;
    for (double[] r : m) for (double v : r) a = Math.max(a, Math.abs(v));
    return a;
  }

  static double maxAbsDiff(double[][] a, double[][] b) {
    double e = 0;
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) e = Math.max(e, Math.abs(a[i][j] - b[i][j]));
    return e;
  }

  /** max |got - want| / max |want|, asserted at most {@code tol}; returns it (the tests print it). */
  static double assertRelative(String what, double[][] want, double[][] got, double tol) {
    double rel = maxAbsDiff(want, got) / maxAbs(want);
    System.out.printf("%s: max relative error %.3g%n", what, rel);
    assertTrue(rel <= tol, what + ": relative error " + rel + " exceeds " + tol);
    return rel;
  }
}
