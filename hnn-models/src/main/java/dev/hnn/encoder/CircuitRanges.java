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

  /**
   * One layer's ranges. The LayerNorm input variances are recorded per token position (index = position) and read
   * by class ({@link #variance}): MiniLM's [CLS] token reaches variances around 1e5 where the others stay within
   * 0.1 .. 20, so one range for all tokens would need a far deeper inverse square root.
   */
  public record Layer(List<Interval> variance1, List<Interval> variance2, Interval activation, Interval scores) {
    public Layer {
      variance1 = fill(variance1);
      variance2 = fill(variance2);
    }

    private static List<Interval> fill(List<Interval> v) {
      Interval rest = null;
      for (int i = 1; i < v.size(); i++) if (v.get(i) != null) rest = rest == null ? v.get(i) : union(rest, v.get(i));
      if (rest == null) rest = v.get(0);
      if (rest == null) throw new IllegalArgumentException("no variance range for any position");
      List<Interval> r = new ArrayList<>();
      for (Interval i : v) r.add(i == null ? rest : i);
      r.add(rest); // the last entry serves every position beyond the measured ones
      return java.util.Collections.unmodifiableList(r);
    }

    /**
     * The variance range of token position t (layer norm 1 or 2), by class: position 0 ([CLS]) has its own, every
     * other position the union of positions 1 and up. Why not per position: measured on 998 held-out full sentences,
     * per-position ranges recorded on 5,000 training texts (mostly short phrases) were left by up to 17x (layer 4,
     * where one position's outlier tokens had never been seen at that position); the union of positions >= 1 was
     * left by at most 1.6x.
     */
    public Interval variance(int norm, int t) {
      List<Interval> v = norm == 1 ? variance1 : variance2;
      return t == 0 ? v.get(0) : v.get(v.size() - 1);
    }
  }

  static Interval union(Interval a, Interval b) {
    return new Interval(Math.min(a.lo(), b.lo()), Math.max(a.hi(), b.hi()));
  }

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
    int positions = inputs.stream().mapToInt(x -> x.length).max().orElse(0);
    List<Interval[][]> var = new ArrayList<>();
    List<Interval[]> acc = new ArrayList<>();
    for (int l = 0; l < forms.size(); l++) {
      acc.add(new Interval[2]);
      var.add(new Interval[2][positions]);
    }
    Interval pre = null;
    for (double[][] x : inputs) {
      PlainTrace tr = PlainTrace.run(forms, x);
      for (int l = 0; l < forms.size(); l++) {
        PlainTrace.Layer t = tr.layers().get(l);
        Interval[] a = acc.get(l);
        Interval[][] v = var.get(l);
        for (int p = 0; p < x.length; p++) {
          v[0][p] = inc(v[0][p], t.variance1()[p]);
          v[1][p] = inc(v[1][p], t.variance2()[p]);
        }
        for (double[] row : t.tokens().get("ffn up")) for (double u : row) a[0] = inc(a[0], u);
        for (double[][] h : t.scores()) for (double[] row : h) for (double u : row) a[1] = inc(a[1], u);
      }
      if (head != null) for (double u : head.preActivation(tr.pooled())) pre = inc(pre, u);
    }
    List<Layer> layers = new ArrayList<>();
    for (int l = 0; l < forms.size(); l++)
      layers.add(new Layer(java.util.Arrays.asList(var.get(l)[0]), java.util.Arrays.asList(var.get(l)[1]),
          acc.get(l)[0], acc.get(l)[1]));
    return new CircuitRanges(layers, pre == null ? new Interval(-1, 1) : pre);
  }

  /**
   * The ranges a model file recorded at training time ({@code ranges} in a delta's metadata, written by
   * {@code hnn train}: per layer and token position, min and max of the attention scores, both LayerNorm variances and
   * the activation input over thousands of training texts, and the head's pre-activation). Positions no text reached
   * ({@code position_counts} zero) take the union of the others from position 1 on.
   *
   * @throws IllegalArgumentException when an entry is missing, malformed, or the layer count differs
   */
  public static CircuitRanges recorded(java.util.Map<String, ?> ranges, int layers) {
    Objects.requireNonNull(ranges, "ranges");
    long[] counts = longs(ranges.get("position_counts"), "position_counts");
    List<Layer> out = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      List<Interval> v1 = perPosition(ranges, "attention_layernorm_variance", l, counts);
      List<Interval> v2 = perPosition(ranges, "output_layernorm_variance", l, counts);
      Interval act = unionOf(perPosition(ranges, "activation_input", l, counts));
      Interval scores = unionOf(perPosition(ranges, "attention_scores", l, counts));
      out.add(new Layer(v1, v2, act, scores));
    }
    if (!(ranges.get("head_activation_input") instanceof java.util.Map<?, ?> head))
      throw new IllegalArgumentException("recorded ranges: head_activation_input missing");
    return new CircuitRanges(out, new Interval(number(head.get("min"), "head min"), number(head.get("max"), "head max")));
  }

  private static List<Interval> perPosition(java.util.Map<String, ?> ranges, String key, int layer, long[] counts) {
    if (!(ranges.get(key) instanceof java.util.Map<?, ?> table))
      throw new IllegalArgumentException("recorded ranges: " + key + " missing");
    double[] lo = row(table.get("min"), key, layer), hi = row(table.get("max"), key, layer);
    if (lo.length != counts.length || hi.length != counts.length)
      throw new IllegalArgumentException("recorded ranges: " + key + " has " + lo.length + " positions, counts "
          + counts.length);
    List<Interval> r = new ArrayList<>();
    for (int p = 0; p < counts.length; p++) r.add(counts[p] > 0 ? new Interval(lo[p], hi[p]) : null);
    return r;
  }

  private static Interval unionOf(List<Interval> list) {
    Interval u = null;
    for (Interval i : list) if (i != null) u = u == null ? i : union(u, i);
    if (u == null) throw new IllegalArgumentException("recorded ranges: no position has data");
    return u;
  }

  private static double[] row(Object table, String key, int layer) {
    if (!(table instanceof List<?> rows) || layer >= rows.size() || !(rows.get(layer) instanceof List<?> row))
      throw new IllegalArgumentException("recorded ranges: " + key + " has no row for layer " + layer);
    double[] v = new double[row.size()];
    for (int i = 0; i < v.length; i++) v[i] = number(row.get(i), key);
    return v;
  }

  private static long[] longs(Object o, String key) {
    if (!(o instanceof List<?> list) || list.isEmpty())
      throw new IllegalArgumentException("recorded ranges: " + key + " missing");
    long[] v = new long[list.size()];
    for (int i = 0; i < v.length; i++) v[i] = (long) number(list.get(i), key);
    return v;
  }

  private static double number(Object o, String key) {
    if (!(o instanceof Number n) || !Double.isFinite(n.doubleValue()))
      throw new IllegalArgumentException("recorded ranges: " + key + " holds a non-number");
    return n.doubleValue();
  }

  private static Interval inc(Interval i, double v) {
    return i == null ? new Interval(v, v) : i.include(v);
  }
}
