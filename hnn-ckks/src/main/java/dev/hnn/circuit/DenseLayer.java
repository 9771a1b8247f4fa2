package dev.hnn.circuit;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.Evaluator;

import java.util.Objects;

/**
 * A validated copy of a plaintext layer's weights (m x n, rows = outputs) and optional bias, shared by the
 * linear transforms so that each only decides how the weights meet the ciphertexts.
 */
final class DenseLayer {
  final double[][] w;
  final double[] bias;
  final int m;
  final int n;

  DenseLayer(double[][] w, double[] bias) {
    Objects.requireNonNull(w, "matrix");
    this.m = w.length;
    if (m == 0) throw new IllegalArgumentException("matrix has no rows");
    this.n = w[0].length;
    this.w = new double[m][];
    for (int j = 0; j < m; j++) {
      if (w[j].length != n) throw new IllegalArgumentException("matrix rows differ in length (row " + j + ")");
      for (double v : w[j]) if (!Double.isFinite(v)) throw new IllegalArgumentException("matrix row " + j + " is not finite");
      this.w[j] = w[j].clone();
    }
    if (bias != null && bias.length != m) throw new IllegalArgumentException("bias needs " + m + " values");
    this.bias = bias == null ? null : bias.clone();
  }

  /**
   * acc += the bias in an output layout of period {@code period}, its plaintext cached as {@code id}/bias at
   * acc's level and scale; nothing without a bias.
   */
  void addBiasInPlace(Evaluator ev, PlaintextCache cache, String id, Ciphertext acc, int period) {
    if (bias == null) return;
    ev.addPlainInPlace(acc, cache.get(id + "/bias", acc.level(), acc.scale(), () -> biasPeriod(period)));
  }

  /** The bias zero-padded to {@code period} values (an output layout of that period). */
  private double[] biasPeriod(int period) {
    double[] v = new double[period];
    System.arraycopy(bias, 0, v, 0, m);
    return v;
  }
}
