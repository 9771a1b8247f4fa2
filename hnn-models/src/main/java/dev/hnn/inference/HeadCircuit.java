package dev.hnn.inference;

import dev.hnn.circuit.ChebyshevSeries;
import dev.hnn.circuit.PolynomialEvaluator;
import dev.hnn.head.ActivationKind;
import dev.hnn.head.HeadFile;
import dev.hnn.head.Range;
import dev.hnn.head.SentimentHead;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * A two-class head in the form the server evaluates under encryption, with no crypto in it: the hidden layer
 * h = W x + b on the client's raw features (any input standardisation folded into W and b), an activation
 * approximated by a Chebyshev series on its recorded range, and the Differentiable Soft-Argmax over two classes,
 * P(positive) = sigmoid(s) with s = (z1 - z0) / T = v . act(h) + c, approximated on the recorded range of s.
 *
 * <p>For the encrypted circuit the affine maps of both series onto [-1, 1] are folded into the neighbouring
 * linear maps ({@link #unitWeights()}, {@link #unitBias()}, {@link #outputFactor()}, {@link #outputConstant()}),
 * so they cost no level. Holds the server's weights: never sent to clients.
 */
public final class HeadCircuit {
  private final String name;
  private final double[][] w;
  private final double[] b;
  private final DoubleUnaryOperator activation;
  private final ChebyshevSeries act;
  private final double[] v;
  private final double c;
  private final ChebyshevSeries sigmoid;
  private final double inputBound;

  HeadCircuit(String name, double[][] w, double[] b, DoubleUnaryOperator activation, ChebyshevSeries act,
      double[] v, double c, ChebyshevSeries sigmoid, double inputBound) {
    this.name = name;
    this.w = w;
    this.b = b;
    this.activation = activation;
    this.act = act;
    this.v = v;
    this.c = c;
    this.sigmoid = sigmoid;
    this.inputBound = inputBound;
    if (!(inputBound > 0)) throw new IllegalArgumentException("input bound must be positive");
    if (b.length != w.length || v.length != w.length) throw new IllegalArgumentException("inconsistent head shapes");
  }

  /** The shipped-style head: standardize -> Linear -> activation -> Linear(2) -> soft-argmax(T). */
  public static HeadCircuit of(HeadFile.Loaded loaded, Approximation approx) {
    Objects.requireNonNull(loaded, "head");
    Objects.requireNonNull(approx, "approximation");
    SentimentHead head = loaded.head();
    float[] mean = head.mean();
    float[] std = head.std();
    double[][] w1 = head.hiddenWeights();
    double[] b1 = head.hiddenBias();
    // W ((x - mean) / std) + b = (W / std) x + (b - W (mean / std))
    for (int j = 0; j < w1.length; j++) {
      for (int i = 0; i < mean.length; i++) {
        w1[j][i] /= std[i];
        b1[j] -= w1[j][i] * mean[i];
      }
    }
    ActivationKind kind = head.activation();
    double[] coeffs = head.activationCoefficients();
    DoubleUnaryOperator f = x -> kind.apply(x, coeffs);
    double t = head.temperature();
    double[][] w2 = head.outputWeights();
    double[] b2 = head.outputBias();
    double[] v = new double[w1.length];
    for (int j = 0; j < v.length; j++) v[j] = (w2[1][j] - w2[0][j]) / t;
    double c = (b2[1] - b2[0]) / t;
    Range ar = require(loaded.activationRange(), "activation input range");
    Range sr = require(loaded.softArgmaxRange(), "soft-argmax input range");
    // l2-normalized sentence embeddings have no coordinate above 1 in magnitude
    return build("sst2-" + kind.id() + "-head", w1, b1, f, ar.min(), ar.max(), v, c, sr.min() / t, sr.max() / t,
        1.0, approx);
  }

  /**
   * A DistilBERT-style head: pre_classifier (d x d) -> ReLU -> classifier (2 x d) -> softmax, on the [CLS]
   * hidden state; P(positive) = sigmoid(z1 - z0) (temperature 1). The ranges of the ReLU input and of z1 - z0
   * are what a calibration run observed, as is {@code inputBound}, the largest |x_i| expected.
   */
  public static HeadCircuit distilBert(double[][] preW, double[] preB, double[][] clsW, double[] clsB,
      double reluLo, double reluHi, double diffLo, double diffHi, double inputBound, Approximation approx) {
    if (clsW.length != 2) throw new IllegalArgumentException("the classifier must have two outputs");
    double[] v = new double[preW.length];
    for (int j = 0; j < v.length; j++) v[j] = clsW[1][j] - clsW[0][j];
    return build("distilbert-head", deepCopy(preW), preB.clone(), x -> Math.max(0, x), reluLo, reluHi, v,
        clsB[1] - clsB[0], diffLo, diffHi, inputBound, approx);
  }

  private static HeadCircuit build(String name, double[][] w, double[] b, DoubleUnaryOperator f, double actLo,
      double actHi, double[] v, double c, double sLo, double sHi, double inputBound, Approximation approx) {
    double[] ai = approx.activation().widen(actLo, actHi);
    double[] si = approx.sigmoid().widen(sLo, sHi);
    ChebyshevSeries act = approx.activation().choose(d -> fitActivation(f, ai[0], ai[1], d));
    ChebyshevSeries sig = approx.sigmoid().choose(d -> ChebyshevSeries.fit(HeadCircuit::sigmoid, si[0], si[1], d));
    return new HeadCircuit(name, w, b, f, act, v, c, sig, inputBound);
  }

  /**
   * An activation whose odd part is linear (GELU, ReLU, a quadratic) is fitted on the symmetric hull of its
   * interval with T_1 and even terms only: on a symmetric interval its odd coefficients above the first vanish
   * anyway, so degree d and the even degree below it are the same fit, and the server evaluates it in u = T_2(x)
   * with about half the ciphertext products where that takes no extra level (degree 12: 5 products in 4 levels,
   * where the full series needs 7). Unless the hull is so much wider than the interval that the fit's error
   * bound more than doubles (for GELU on its recorded range it is lower: 3.9e-3 against 4.8e-3 at degree 12).
   */
  static ChebyshevSeries fitActivation(DoubleUnaryOperator f, double lo, double hi, int degree) {
    ChebyshevSeries full = ChebyshevSeries.fit(f, lo, hi, degree);
    if (degree >= 4 && ChebyshevSeries.oddPartIsLinear(f, lo, hi)) {
      ChebyshevSeries even = ChebyshevSeries.fitLinearPlusEven(f, Math.max(Math.abs(lo), Math.abs(hi)), degree & ~1);
      if (even.errorBound() <= 2 * full.errorBound()) return even;
    }
    return full;
  }

  private static Range require(Range r, String what) {
    if (r == null || r.count() == 0)
      throw new IllegalArgumentException("the head file records no " + what + ": retrain it with `hnn train-head`");
    return r;
  }

  static double sigmoid(double s) {
    return 1.0 / (1.0 + Math.exp(-s));
  }

  public String name() {
    return name;
  }

  public int inputDim() {
    return w[0].length;
  }

  public int hiddenDim() {
    return w.length;
  }

  public ChebyshevSeries activationSeries() {
    return act;
  }

  public ChebyshevSeries sigmoidSeries() {
    return sigmoid;
  }

  /**
   * The power of two by which the client multiplies its features before encrypting (and the server divides
   * the weights): it lifts inputs of magnitude ~0.05 to ~3, so that the absolute noise of encryption and key
   * switching (a few 1e-6 at scale 2^28), which the weights amplify, is small next to them. Chosen so that
   * |gain x_i| stays below 64.
   */
  public double inputGain() {
    return Math.scalb(1.0, Math.getExponent(64 / inputBound));
  }

  /** Levels the encrypted circuit uses: the hidden layer, the activation and the sigmoid. */
  public int depth() {
    return 1 + PolynomialEvaluator.depth(act) + PolynomialEvaluator.depth(sigmoid);
  }

  /** sum_j |v_j|: how much an activation error moves s = (z1 - z0) / T at most (P moves a quarter of that). */
  public double outputWeightNorm() {
    double n = 0;
    for (double x : v) n += Math.abs(x);
    return n;
  }

  /** Hidden pre-activations W x + b. */
  public double[] preActivation(double[] x) {
    if (x.length != inputDim())
      throw new IllegalArgumentException("expected " + inputDim() + " features, got " + x.length);
    double[] h = new double[w.length];
    for (int j = 0; j < h.length; j++) {
      double s = b[j];
      for (int i = 0; i < x.length; i++) s += w[j][i] * x[i];
      h[j] = s;
    }
    return h;
  }

  /** P(positive) with the exact activation and sigmoid: the plaintext reference. */
  public double exactProbability(double[] x) {
    double[] h = preActivation(x);
    double s = c;
    for (int j = 0; j < h.length; j++) s += v[j] * activation.applyAsDouble(h[j]);
    return sigmoid(s);
  }

  /** P(positive) with the polynomials the server evaluates, in plaintext: what decryption should give. */
  public double approximateProbability(double[] x) {
    double[] h = preActivation(x);
    double s = c;
    for (int j = 0; j < h.length; j++) s += v[j] * act.value(h[j]);
    return sigmoid.value(s);
  }

  /** Hidden weights with the activation interval's map onto [-1, 1] and the input gain folded in. */
  double[][] unitWeights() {
    double a = 2 / (act.hi() - act.lo()) / inputGain();
    double[][] r = new double[w.length][];
    for (int j = 0; j < w.length; j++) {
      r[j] = w[j].clone();
      for (int i = 0; i < r[j].length; i++) r[j][i] *= a;
    }
    return r;
  }

  double[] unitBias() {
    double[] r = new double[b.length];
    for (int j = 0; j < b.length; j++) r[j] = act.toUnit(b[j]);
    return r;
  }

  /** v with the sigmoid interval's scaling folded in: the per-unit factor of the activation polynomial. */
  double[] outputFactor() {
    double a = 2 / (sigmoid.hi() - sigmoid.lo());
    double[] r = v.clone();
    for (int j = 0; j < r.length; j++) r[j] *= a;
    return r;
  }

  /** The constant that completes sum_j factor_j act(h_j) to the sigmoid's unit-interval argument. */
  double outputConstant() {
    return sigmoid.toUnit(c);
  }

  /** SHA-256 of the weights and series (hex): identifies exactly what a server evaluates, for logs. */
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer bb = ByteBuffer.allocate(8);
      DoubleUnaryOperator put = d -> {
        bb.clear();
        bb.putDouble(d);
        md.update(bb.array());
        return d;
      };
      for (double[] row : w) for (double d : row) put.applyAsDouble(d);
      for (double d : b) put.applyAsDouble(d);
      for (double d : v) put.applyAsDouble(d);
      put.applyAsDouble(c);
      for (ChebyshevSeries s : new ChebyshevSeries[] {act, sigmoid}) {
        put.applyAsDouble(s.lo());
        put.applyAsDouble(s.hi());
        for (double d : s.coefficients()) put.applyAsDouble(d);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d -> %d, activation %s, sigmoid %s, depth %d", name, inputDim(),
        hiddenDim(), act, sigmoid, depth());
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] r = new double[a.length][];
    for (int i = 0; i < a.length; i++) r[i] = a[i].clone();
    return r;
  }
}
