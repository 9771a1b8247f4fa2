package dev.hnn.head;

import dev.hnn.nn.SoftArgmax;

/**
 * The small CKKS-friendly classifier on frozen sentence features:
 * {@code standardize -> Linear(d -> h) -> activation -> Linear(h -> 2) -> soft-argmax(T)}.
 * P(positive) is the soft-argmax output, {@code sigmoid((z1 - z0) / T)}.
 *
 * <p>Weights are stored {@code out x in} (row per output unit). Mutable only by {@link HeadTrainer}.
 */
public final class SentimentHead {
    final int in;
    final int hidden;
    final float[] mean;
    final float[] std;
    final double[][] w1;
    final double[] b1;
    final ActivationKind activation;
    final double[] coefficients;
    final double[][] w2;
    final double[] b2;
    final SoftArgmax softArgmax;

    SentimentHead(float[] mean, float[] std, double[][] w1, double[] b1, ActivationKind activation,
                  double[] coefficients, double[][] w2, double[] b2, double temperature) {
        this.in = mean.length;
        this.hidden = w1.length;
        this.mean = mean;
        this.std = std;
        this.w1 = w1;
        this.b1 = b1;
        this.activation = activation;
        this.coefficients = coefficients;
        this.w2 = w2;
        this.b2 = b2;
        this.softArgmax = new SoftArgmax(temperature);
        if (w2.length != 2 || w2[0].length != hidden || b1.length != hidden || std.length != in) {
            throw new IllegalArgumentException("inconsistent head shapes");
        }
    }

    public int inputDim() {
        return in;
    }

    public int hiddenDim() {
        return hidden;
    }

    public ActivationKind activation() {
        return activation;
    }

    public double temperature() {
        return softArgmax.temperature();
    }

    /** Per-feature standardisation mean and standard deviation (copies). */
    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    /** Hidden layer weights (hidden x in) and bias (copies). */
    public double[][] hiddenWeights() {
        return deepCopy(w1);
    }

    public double[] hiddenBias() {
        return b1.clone();
    }

    /** Output layer weights (2 x hidden) and bias (copies). */
    public double[][] outputWeights() {
        return deepCopy(w2);
    }

    public double[] outputBias() {
        return b2.clone();
    }

    /** The activation's trained coefficients (POLY2 only; empty otherwise). */
    public double[] activationCoefficients() {
        return coefficients.clone();
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].clone();
        }
        return r;
    }

    /** Standardised input {@code (x - mean) / std}: done by the client in plaintext. */
    public double[] standardize(float[] feature) {
        if (feature.length != in) {
            throw new IllegalArgumentException("feature dim " + feature.length + " != head input " + in);
        }
        double[] x = new double[in];
        for (int i = 0; i < in; i++) {
            x[i] = (feature[i] - mean[i]) / std[i];
        }
        return x;
    }

    /** Hidden pre-activations {@code W1 x + b1} of a standardised input. */
    public double[] preActivation(double[] x) {
        double[] a = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double s = b1[j];
            double[] row = w1[j];
            for (int i = 0; i < in; i++) {
                s += row[i] * x[i];
            }
            a[j] = s;
        }
        return a;
    }

    /** Logits {@code (z0, z1)} from pre-activations. */
    public double[] logitsFromPreActivation(double[] a) {
        double[] z = new double[2];
        for (int k = 0; k < 2; k++) {
            double s = b2[k];
            for (int j = 0; j < hidden; j++) {
                s += w2[k][j] * activation.apply(a[j], coefficients);
            }
            z[k] = s;
        }
        return z;
    }

    /** Logits of a raw (unstandardised) feature vector. */
    public double[] logits(float[] feature) {
        return logitsFromPreActivation(preActivation(standardize(feature)));
    }

    /** P(positive) = soft-argmax of the logits with the fitted temperature. */
    public double probabilityPositive(float[] feature) {
        return softArgmax.forward(logits(feature));
    }
}
