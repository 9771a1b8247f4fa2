package dev.hnn.encoder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HE-form encoder in double precision over the n real tokens, keeping every intermediate the encrypted circuit
 * produces (same names as its steps): the reference of the per-step error table, and the source of the value
 * ranges (LayerNorm variances, activation inputs, scores) that size the polynomial fits when the model ships none.
 */
public final class PlainTrace {
  /** Intermediates of one layer: n x width matrices by name, scores and weights as [head][query][key]. */
  public record Layer(Map<String, double[][]> tokens, double[][][] scores, double[][][] weights,
      double[] variance1, double[] variance2) {}

  private final List<Layer> layers;
  private final double[] pooled;

  private PlainTrace(List<Layer> layers, double[] pooled) {
    this.layers = layers;
    this.pooled = pooled;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Mean over the real tokens of the last layer's output. */
  public double[] pooled() {
    return pooled.clone();
  }

  /** Runs the layers on x (n x hidden, the embedding LayerNorm's output of the real tokens). */
  static PlainTrace run(List<HeForm> forms, double[][] x) {
    List<Layer> out = new java.util.ArrayList<>();
    for (HeForm f : forms) {
      Layer l = layer(f, x);
      out.add(l);
      x = l.tokens().get("ln2");
    }
    double[] pooled = new double[x[0].length];
    for (double[] row : x) for (int i = 0; i < row.length; i++) pooled[i] += row[i] / x.length;
    return new PlainTrace(List.copyOf(out), pooled);
  }

  static Layer layer(HeForm f, double[][] x) {
    int n = x.length;
    Map<String, double[][]> t = new LinkedHashMap<>();
    double[][] q = linear(x, f.wq(), f.bq());
    double[][] k = linear(x, f.wk(), f.bk());
    double[][] v = linear(x, f.wv(), f.bv());
    t.put("q", q);
    t.put("k", k);
    t.put("v", v);
    int w = f.headWidth();
    double[][][] s = new double[f.heads()][n][n];
    double[][][] a = new double[f.heads()][n][n];
    double[][] ctx = new double[n][f.hidden()];
    double norm = 1 / Math.sqrt(w);
    for (int h = 0; h < f.heads(); h++)
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          double dot = 0;
          for (int e = 0; e < w; e++) dot += q[i][h * w + e] * k[j][h * w + e];
          s[h][i][j] = dot * norm;
          double u = s[h][i][j] + f.offsets()[h];
          a[h][i][j] = u * u * f.attentionScale() / n;
          for (int e = 0; e < w; e++) ctx[i][h * w + e] += a[h][i][j] * v[j][h * w + e];
        }
    t.put("attend", ctx);
    double[][] r1 = add(x, linear(ctx, f.wo(), f.bo()));
    t.put("attention+residual", r1);
    double[] var1 = new double[n];
    double[][] h1 = layerNorm(r1, f.gamma1(), f.beta1(), f.eps1(), var1);
    t.put("ln1", h1);
    double[][] up = linear(h1, f.wUp(), f.bUp());
    t.put("ffn up", up);
    double[][] act = new double[n][up[0].length];
    for (int i = 0; i < n; i++) for (int j = 0; j < act[i].length; j++) act[i][j] = f.activation(up[i][j]);
    t.put("activation", act);
    double[][] r2 = add(h1, linear(act, f.wDown(), f.bDown()));
    t.put("ffn down+residual", r2);
    double[] var2 = new double[n];
    t.put("ln2", layerNorm(r2, f.gamma2(), f.beta2(), f.eps2(), var2));
    return new Layer(t, s, a, var1, var2);
  }

  static double[][] linear(double[][] x, double[][] w, double[] b) {
    double[][] y = new double[x.length][w[0].length];
    for (int t = 0; t < x.length; t++)
      for (int o = 0; o < y[t].length; o++) {
        double s = b == null ? 0 : b[o];
        for (int i = 0; i < w.length; i++) s += x[t][i] * w[i][o];
        y[t][o] = s;
      }
    return y;
  }

  static double[][] add(double[][] a, double[][] b) {
    double[][] r = new double[a.length][a[0].length];
    for (int t = 0; t < a.length; t++) for (int i = 0; i < a[t].length; i++) r[t][i] = a[t][i] + b[t][i];
    return r;
  }

  /** LayerNorm; the per-token variance (without eps) goes to {@code variance}. */
  static double[][] layerNorm(double[][] x, double[] g, double[] b, double eps, double[] variance) {
    double[][] y = new double[x.length][x[0].length];
    int d = x[0].length;
    for (int t = 0; t < x.length; t++) {
      double mean = 0;
      for (double v : x[t]) mean += v / d;
      double var = 0;
      for (double v : x[t]) var += (v - mean) * (v - mean) / d;
      variance[t] = var;
      double inv = 1 / Math.sqrt(var + eps);
      for (int i = 0; i < d; i++) y[t][i] = (x[t][i] - mean) * inv * g[i] + b[i];
    }
    return y;
  }
}
