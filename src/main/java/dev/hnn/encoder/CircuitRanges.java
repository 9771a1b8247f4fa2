package dev.hnn.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The value ranges the encrypted circuit's fits depend on, per layer: the LayerNorm variances (the inverse square
 * root's initial guess is fitted there), the activation input and the attention scores (conditioning of the exact
 * polynomials only), and the head's pre-activations (its GELU fit). Measured on calibration inputs with
 * {@link #measure}, or given by the caller (e.g. from a model's recorded ranges), then widened.
 */
public record CircuitRanges(List<Layer> layers, Interval headPreActivation) {
  public record Interval(double lo, double hi) {
    public Interval {
      if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi))
        throw new IllegalArgumentException("not an interval: [" + lo + ", " + hi + "]");
    }

    Interval include(double v) {
      return new Interval(Math.min(lo, v), Math.max(hi, v));
    }

    /** Widened by {@code factor} of its width on each side (and never narrower than {@code minHalfWidth}). */
    public Interval widen(double factor, double minHalfWidth) {
      double mid = (lo + hi) / 2;
      double half = Math.max((hi - lo) / 2 * (1 + 2 * factor), minHalfWidth);
      return new Interval(mid - half, mid + half);
    }

    /** A variance range widened multiplicatively (a variance's spread is relative): [lo / f, hi * f]. */
    public Interval widenRatio(double f) {
      return new Interval(lo / f, hi * f);
    }
  }

  public record Layer(Interval variance1, Interval variance2, Interval activation, Interval scores) {}

  public CircuitRanges {
    layers = List.copyOf(layers);
    Objects.requireNonNull(headPreActivation, "head range");
  }

  /**
   * Ranges over the plaintext HE-form forward of {@code inputs} (each n x hidden, the embedding LayerNorm's output),
   * the head's pre-activation through {@code head} (null: a unit interval).
   */
  static CircuitRanges measure(List<HeForm> forms, List<double[][]> inputs, HeadSpec head) {
    if (inputs.isEmpty()) throw new IllegalArgumentException("need at least one calibration input");
    List<Interval[]> acc = new ArrayList<>();
    for (int l = 0; l < forms.size(); l++) acc.add(new Interval[4]);
    Interval pre = null;
    for (double[][] x : inputs) {
      PlainTrace tr = PlainTrace.run(forms, x);
      for (int l = 0; l < forms.size(); l++) {
        PlainTrace.Layer t = tr.layers().get(l);
        Interval[] a = acc.get(l);
        for (double v : t.variance1()) a[0] = inc(a[0], v);
        for (double v : t.variance2()) a[1] = inc(a[1], v);
        for (double[] row : t.tokens().get("ffn up")) for (double v : row) a[2] = inc(a[2], v);
        for (double[][] h : t.scores()) for (double[] row : h) for (double v : row) a[3] = inc(a[3], v);
      }
      if (head != null) for (double v : head.preActivation(tr.pooled())) pre = inc(pre, v);
    }
    List<Layer> layers = new ArrayList<>();
    for (Interval[] a : acc) layers.add(new Layer(a[0], a[1], a[2], a[3]));
    return new CircuitRanges(layers, pre == null ? new Interval(-1, 1) : pre);
  }

  private static Interval inc(Interval i, double v) {
    return i == null ? new Interval(v, v) : i.include(v);
  }
}
