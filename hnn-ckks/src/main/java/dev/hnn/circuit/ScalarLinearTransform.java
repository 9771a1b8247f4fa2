package dev.hnn.circuit;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.Evaluator;

import java.util.Objects;

/**
 * y_j = sum_i W[j][i] x_i + b_j where x_i and y_j are whole ciphertexts: the feature-major layout in which
 * slot s of ciphertext i holds feature i of sample s, so one evaluation serves as many samples as there are
 * slots and needs no rotation at all. Each output costs n scalar products (no encoding, no key switching) and
 * one rescale; one level.
 */
public final class ScalarLinearTransform {
  private final CkksContext ctx;
  private final Evaluator ev;
  private final DenseLayer layer;

  public ScalarLinearTransform(CkksContext ctx, double[][] w, double[] bias) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.ev = ctx.evaluator();
    this.layer = new DenseLayer(w, bias);
  }

  public int outputs() {
    return layer.m;
  }

  public int inputs() {
    return layer.n;
  }

  /** Output j at level (input level - 1) and exactly {@code targetScale}; all inputs at one level and scale. */
  public Ciphertext apply(Ciphertext[] x, int j, double targetScale) {
    Objects.requireNonNull(x, "inputs");
    if (x.length != inputs()) throw new IllegalArgumentException("need " + inputs() + " ciphertexts, got " + x.length);
    int level = x[0].level();
    if (level < 1) throw new DepthExhaustedException("a linear layer needs one level, the ciphertexts have none");
    double ptScale = targetScale * ctx.prime(level) / x[0].scale();
    Ciphertext acc = null;
    try {
      for (int i = 0; i < x.length; i++) {
        double c = layer.w[j][i];
        if (c == 0 && acc != null) continue;
        Ciphertext term = ev.multiplyScalar(x[i], c, ptScale);
        if (acc == null) acc = term;
        else {
          ev.addInPlace(acc, term);
          term.close();
        }
      }
      ev.rescaleInPlace(acc);
      if (layer.bias != null && layer.bias[j] != 0) ev.addScalarInPlace(acc, layer.bias[j]);
      Ciphertext r = acc;
      acc = null;
      return r;
    } finally {
      if (acc != null) acc.close();
    }
  }
}
