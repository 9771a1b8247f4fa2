package dev.hnn.inference;

import dev.hnn.model.distilbert.DistilBertClassifier;
import dev.hnn.nn.Linear;

import java.util.List;
import java.util.Objects;

/**
 * The encrypted-head form of a DistilBERT sequence classifier: the client computes the [CLS] hidden state
 * ({@link DistilBertClassifier#clsFeature}), the server evaluates pre_classifier -> ReLU -> classifier ->
 * softmax on it. The ranges the polynomials need (ReLU input, logit difference, largest feature) are
 * recorded on calibration features, as the MiniLM head records them in training.
 */
public final class DistilBertHead {
  private DistilBertHead() {}

  public static HeadCircuit circuit(DistilBertClassifier model, List<float[]> calibration, Approximation approx) {
    Objects.requireNonNull(model, "model");
    Linear pre = model.preClassifier();
    Linear cls = model.classifier();
    if (pre == null || cls == null) throw new IllegalArgumentException("the checkpoint has no classification head");
    if (cls.outFeatures() != 2) throw new IllegalArgumentException("the encrypted head serves two-class models");
    if (calibration.isEmpty()) throw new IllegalArgumentException("need calibration features to record ranges");
    double[][] preW = outIn(pre);
    double[] preB = bias(pre);
    double[][] clsW = outIn(cls);
    double[] clsB = bias(cls);
    double reluLo = Double.POSITIVE_INFINITY, reluHi = Double.NEGATIVE_INFINITY;
    double diffLo = Double.POSITIVE_INFINITY, diffHi = Double.NEGATIVE_INFINITY;
    double bound = 0;
    for (float[] x : calibration) {
      double[] h = new double[preW.length];
      for (int j = 0; j < h.length; j++) {
        double s = preB[j];
        for (int i = 0; i < x.length; i++) s += preW[j][i] * x[i];
        h[j] = s;
        reluLo = Math.min(reluLo, s);
        reluHi = Math.max(reluHi, s);
      }
      double d = clsB[1] - clsB[0];
      for (int j = 0; j < h.length; j++) d += (clsW[1][j] - clsW[0][j]) * Math.max(0, h[j]);
      diffLo = Math.min(diffLo, d);
      diffHi = Math.max(diffHi, d);
      for (float v : x) bound = Math.max(bound, Math.abs(v));
    }
    // features of unseen texts may exceed the calibration maximum: leave a factor of two
    return HeadCircuit.distilBert(preW, preB, clsW, clsB, reluLo, reluHi, diffLo, diffHi, 2 * bound, approx);
  }

  private static double[][] outIn(Linear l) {
    double[][] w = new double[l.outFeatures()][l.inFeatures()];
    for (int i = 0; i < l.inFeatures(); i++)
      for (int o = 0; o < l.outFeatures(); o++) w[o][i] = l.weight().get(i, o);
    return w;
  }

  private static double[] bias(Linear l) {
    double[] b = new double[l.outFeatures()];
    float[] f = l.bias();
    if (f != null) for (int o = 0; o < b.length; o++) b[o] = f[o];
    return b;
  }
}
