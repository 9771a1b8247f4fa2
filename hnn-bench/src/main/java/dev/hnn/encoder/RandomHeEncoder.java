package dev.hnn.encoder;

import dev.hnn.model.EncoderConfig;
import dev.hnn.model.EncoderLayer;
import dev.hnn.model.Embeddings;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.FeedForward;
import dev.hnn.nn.LayerNorm;
import dev.hnn.nn.Linear;
import dev.hnn.nn.Matrix;
import dev.hnn.nn.MultiHeadSelfAttention;
import dev.hnn.nn.PolynomialActivation;
import dev.hnn.nn.PolynomialAttention;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random HE-form encoder of a given shape, for timing the encrypted encoder at shapes we hold no trained
 * checkpoint of (DistilBERT: 6 layers, hidden 768, 12 heads, FFN 3072). Weights ~ N(0, 1/fan-in), so activations
 * stay in the ranges of a trained model; cost depends on the shape only, not on the values.
 */
final class RandomHeEncoder {
  static final int VOCAB = 1000;

  private RandomHeEncoder() {}

  static TransformerEncoder of(String name, int layers, int hidden, int heads, int ffn, int positions, long seed) {
    Random rnd = new Random(seed);
    float[] offsets = new float[heads];
    for (int h = 0; h < heads; h++) offsets[h] = 1.5f + 0.1f * h;
    List<EncoderLayer> ls = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      MultiHeadSelfAttention att = new MultiHeadSelfAttention(linear(rnd, hidden, hidden), linear(rnd, hidden, hidden),
          linear(rnd, hidden, hidden), linear(rnd, hidden, hidden), heads, new PolynomialAttention(offsets, 0.3f));
      FeedForward f = new FeedForward(linear(rnd, hidden, ffn), linear(rnd, ffn, hidden), PolynomialActivation.geluFit());
      ls.add(new EncoderLayer(att, layerNorm(hidden), f, layerNorm(hidden)));
    }
    Embeddings emb = new Embeddings(matrix(rnd, VOCAB, hidden, 1), matrix(rnd, positions, hidden, 0.3),
        matrix(rnd, 1, hidden, 0.1), layerNorm(hidden));
    return new TransformerEncoder(new EncoderConfig(name, layers, hidden, heads, ffn, positions, 1e-12f), emb, ls);
  }

  /** A random 16-unit head with a GELU activation and temperature 1. */
  static HeadSpec head(int hidden, long seed) {
    Random rnd = new Random(seed);
    int units = 16;
    double[] mean = new double[hidden], std = new double[hidden];
    java.util.Arrays.fill(std, 1);
    double[][] w1 = new double[units][hidden];
    for (double[] row : w1) for (int i = 0; i < hidden; i++) row[i] = rnd.nextGaussian() / Math.sqrt(hidden);
    double[] b1 = new double[units], w = new double[units];
    for (int j = 0; j < units; j++) w[j] = rnd.nextGaussian() / Math.sqrt(units);
    return new HeadSpec(mean, std, w1, b1, dev.hnn.nn.Gelu::apply, "gelu", w, 0, 1);
  }

  static int[] tokens(int n, long seed) {
    Random rnd = new Random(seed);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(VOCAB);
    return ids;
  }

  private static Linear linear(Random rnd, int in, int out) {
    return new Linear(matrix(rnd, in, out, 1 / Math.sqrt(in)), new float[out]);
  }

  private static LayerNorm layerNorm(int d) {
    float[] g = new float[d], b = new float[d];
    java.util.Arrays.fill(g, 1);
    return new LayerNorm(g, b, 1e-12f);
  }

  private static Matrix matrix(Random rnd, int rows, int cols, double sd) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) v[i] = (float) (sd * rnd.nextGaussian());
    return new Matrix(rows, cols, v);
  }
}
