package dev.hnn.encoder;

import dev.hnn.model.EncoderLayer;
import dev.hnn.nn.LayerNorm;
import dev.hnn.nn.Linear;
import dev.hnn.nn.PolynomialActivation;
import dev.hnn.nn.PolynomialAttention;

/**
 * The weights of one post-LN encoder layer in the HE-friendly form, as doubles: polynomial attention
 * ((s + c_h)^2 scale / n) and a polynomial activation. Built from an {@link EncoderLayer}; anything else (softmax,
 * GELU) is refused with a message naming the layer, since the encrypted circuit evaluates only these forms exactly.
 */
record HeForm(
    int hidden,
    int heads,
    int headWidth,
    int intermediate,
    double[][] wq, double[] bq, double[][] wk, double[] bk, double[][] wv, double[] bv,
    double[][] wo, double[] bo,
    double[] offsets, double attentionScale,
    double[] gamma1, double[] beta1, double eps1,
    double[][] wUp, double[] bUp, double[] activation, double[][] wDown, double[] bDown,
    double[] gamma2, double[] beta2, double eps2) {

  static HeForm of(EncoderLayer layer, int index) {
    var att = layer.attention();
    if (!(att.normalizer() instanceof PolynomialAttention pa))
      throw new IllegalArgumentException(
          "layer " + index + ": attention is not in polynomial form (softmax cannot be evaluated exactly on"
              + " ciphertexts); use the HE-friendly model variant");
    if (!(layer.feedForward().activation() instanceof PolynomialActivation act))
      throw new IllegalArgumentException(
          "layer " + index + ": the activation is not a polynomial (GELU); use the HE-friendly model variant");
    int hidden = att.query().inFeatures();
    int heads = att.heads();
    if (hidden % heads != 0) throw new IllegalArgumentException("layer " + index + ": hidden not divisible by heads");
    if (pa.offsets().length != heads)
      throw new IllegalArgumentException("layer " + index + ": " + pa.offsets().length + " attention offsets for "
          + heads + " heads");
    LayerNorm n1 = layer.attentionNorm();
    LayerNorm n2 = layer.outputNorm();
    Linear up = layer.feedForward().up();
    Linear down = layer.feedForward().down();
    return new HeForm(hidden, heads, hidden / heads, up.outFeatures(),
        w(att.query()), b(att.query()), w(att.key()), b(att.key()), w(att.value()), b(att.value()),
        w(att.output()), b(att.output()),
        toDouble(pa.offsets()), pa.scale(),
        toDouble(n1.gamma()), toDouble(n1.beta()), n1.eps(),
        w(up), b(up), act.coefficients(), w(down), b(down),
        toDouble(n2.gamma()), toDouble(n2.beta()), n2.eps());
  }

  static double[][] w(Linear l) {
    double[][] r = new double[l.inFeatures()][l.outFeatures()];
    for (int i = 0; i < r.length; i++)
      for (int o = 0; o < r[i].length; o++) r[i][o] = l.weight().get(i, o);
    return r;
  }

  static double[] b(Linear l) {
    return l.bias() == null ? new double[l.outFeatures()] : toDouble(l.bias());
  }

  static double[] toDouble(float[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) r[i] = v[i];
    return r;
  }

  double activation(double x) {
    double y = 0;
    for (int k = activation.length - 1; k >= 0; k--) y = y * x + activation[k];
    return y;
  }
}
