package dev.hnn.encoder;

import dev.hnn.head.SentimentHead;

import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * The classifier on the pooled feature: standardize, hidden = act(W1 x + b1), then the logit difference
 * d = w . hidden + b (class 1 minus class 0) and P(positive) = sigmoid(d / T) (the two-class soft-argmax with
 * temperature T). The server evaluates everything up to d; the client applies the sigmoid after decryption (a
 * monotone map of what it decrypts anyway).
 *
 * @param w1 hidden x in
 */
public record HeadSpec(double[] mean, double[] std, double[][] w1, double[] b1, DoubleUnaryOperator activation,
    String activationName, double[] w, double b, double temperature) {
  public HeadSpec {
    Objects.requireNonNull(activation, "activation");
    if (std.length != mean.length || w1.length != b1.length || w.length != w1.length || !(temperature > 0))
      throw new IllegalArgumentException("inconsistent head shapes or temperature");
    for (double[] row : w1)
      if (row.length != mean.length) throw new IllegalArgumentException("W1 rows must have " + mean.length + " columns");
    for (double s : std) if (!(s > 0)) throw new IllegalArgumentException("standard deviations must be positive");
  }

  public static HeadSpec of(SentimentHead h) {
    double[][] w2 = h.outputWeights();
    double[] b2 = h.outputBias();
    double[] w = new double[h.hiddenDim()];
    for (int j = 0; j < w.length; j++) w[j] = w2[1][j] - w2[0][j];
    double[] coeffs = h.activationCoefficients();
    return new HeadSpec(HeForm.toDouble(h.mean()), HeForm.toDouble(h.std()), h.hiddenWeights(), h.hiddenBias(),
        x -> h.activation().apply(x, coeffs), h.activation().id(), w, b2[1] - b2[0], h.temperature());
  }

  public int inputDim() {
    return mean.length;
  }

  double[] preActivation(double[] pooled) {
    double[] a = new double[b1.length];
    for (int j = 0; j < a.length; j++) {
      double s = b1[j];
      for (int i = 0; i < pooled.length; i++) s += w1[j][i] * (pooled[i] - mean[i]) / std[i];
      a[j] = s;
    }
    return a;
  }

  /** The logit difference d of a pooled feature (plaintext reference). */
  public double logit(double[] pooled) {
    double[] a = preActivation(pooled);
    double d = b;
    for (int j = 0; j < a.length; j++) d += w[j] * activation.applyAsDouble(a[j]);
    return d;
  }

  public double probability(double logit) {
    return 1 / (1 + Math.exp(-logit / temperature));
  }
}
