package dev.hnn.encoder;

import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
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
import dev.hnn.nn.ScoreNormalizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small random HE-form encoder (hidden 64, 2 heads of 32, FFN 128) and the tests' insecure ring: N = 4096
 * (2048 slots, L = 16 gives 128 ring positions), 60 + 8 x 40 + 60 bits, through the parameters' test-only flag.
 * The level structure (0..8, refresh reserve at 2 for a 1024 value bound) is the production one's.
 */
public final class SmallModel {
  public static final int HIDDEN = 64, HEADS = 2, FFN = 128, VOCAB = 50, POSITIONS = 64;

  private SmallModel() {}

  public static TransformerEncoder random(long seed, int layers, boolean heFriendly) {
    Random rnd = new Random(seed);
    List<EncoderLayer> ls = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      ScoreNormalizer norm = heFriendly
          ? new PolynomialAttention(new float[] {1.5f + 0.3f * l, 2.0f}, 0.8f) : ScoreNormalizer.SOFTMAX;
      MultiHeadSelfAttention att = new MultiHeadSelfAttention(linear(rnd, HIDDEN, HIDDEN), linear(rnd, HIDDEN, HIDDEN),
          linear(rnd, HIDDEN, HIDDEN), linear(rnd, HIDDEN, HIDDEN), HEADS, norm);
      FeedForward ffn = heFriendly
          ? new FeedForward(linear(rnd, HIDDEN, FFN), linear(rnd, FFN, HIDDEN), PolynomialActivation.geluFit())
          : new FeedForward(linear(rnd, HIDDEN, FFN), linear(rnd, FFN, HIDDEN));
      ls.add(new EncoderLayer(att, layerNorm(rnd, HIDDEN), ffn, layerNorm(rnd, HIDDEN)));
    }
    Embeddings emb = new Embeddings(matrix(rnd, VOCAB, HIDDEN, 1), matrix(rnd, POSITIONS, HIDDEN, 0.3),
        matrix(rnd, 1, HIDDEN, 0.1), layerNorm(rnd, HIDDEN));
    return new TransformerEncoder(new EncoderConfig("small-he", layers, HIDDEN, HEADS, FFN, POSITIONS, 1e-12f), emb, ls);
  }

  /** A random head: 16 hidden units with the GELU fit of the encrypted head, temperature 1.3. */
  public static HeadSpec head(long seed) {
    Random rnd = new Random(seed);
    int hidden = 16;
    double[] mean = new double[HIDDEN], std = new double[HIDDEN];
    for (int i = 0; i < HIDDEN; i++) {
      mean[i] = 0.1 * rnd.nextGaussian();
      std[i] = 0.5 + rnd.nextDouble();
    }
    double[][] w1 = new double[hidden][HIDDEN];
    for (double[] row : w1) for (int i = 0; i < HIDDEN; i++) row[i] = rnd.nextGaussian() / Math.sqrt(HIDDEN);
    double[] b1 = new double[hidden], w = new double[hidden];
    for (int j = 0; j < hidden; j++) {
      b1[j] = 0.1 * rnd.nextGaussian();
      w[j] = rnd.nextGaussian() / Math.sqrt(hidden);
    }
    return new HeadSpec(mean, std, w1, b1, dev.hnn.nn.Gelu::apply, "gelu", w, 0.2, 1.3);
  }

  /** The ranges of the end-to-end tests: measured on 16 random sentences of 3 to 16 tokens. */
  public static CircuitRanges ranges(TransformerEncoder model, HeadSpec head) {
    return EncryptedEncoder.measureRanges(model, head, sentences(23, 16, 3, 16));
  }

  public static List<int[]> sentences(long seed, int count, int minLen, int maxLen) {
    Random rnd = new Random(seed);
    List<int[]> r = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      int[] ids = new int[minLen + rnd.nextInt(maxLen - minLen + 1)];
      for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(VOCAB);
      r.add(ids);
    }
    return r;
  }

  public static CkksContext context(TransformerEncoder model, HeadSpec head, int... buckets) {
    return CkksContext.builder(parameters()).rotations(EncryptedEncoder.rotationSteps(model, head, 2048, buckets))
        .build();
  }

  /** The tests' insecure ring (N = 4096), through the parameters' test-only flag. */
  public static CkksParameters parameters() {
    return CkksParameters.builder().polyDegree(4096)
        .coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 40, 40, 60).specialPrimes(1).scaleBits(40)
        .insecureForTesting().build();
  }

  private static Linear linear(Random rnd, int in, int out) {
    float[] b = new float[out];
    for (int i = 0; i < out; i++) b[i] = (float) (0.05 * rnd.nextGaussian());
    return new Linear(matrix(rnd, in, out, 1 / Math.sqrt(in)), b);
  }

  private static LayerNorm layerNorm(Random rnd, int d) {
    float[] g = new float[d], b = new float[d];
    for (int i = 0; i < d; i++) {
      g[i] = (float) (1 + 0.1 * rnd.nextGaussian());
      b[i] = (float) (0.1 * rnd.nextGaussian());
    }
    return new LayerNorm(g, b, 1e-12f);
  }

  private static Matrix matrix(Random rnd, int rows, int cols, double sd) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) v[i] = (float) (sd * rnd.nextGaussian());
    return new Matrix(rows, cols, v);
  }
}
