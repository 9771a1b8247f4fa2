package dev.hnn.nn;

/**
 * Differentiable Soft-Argmax: {@code y = sum_i i * softmax(x / T)_i} for {@code i = 0 .. n-1}, with a
 * learnable temperature {@code T} (initialised to {@link #INITIAL_TEMPERATURE}).
 *
 * <p>For {@code n = 2}, {@code y = softmax(x/T)_1 = sigmoid((x_1 - x_0) / T)}, which is read as
 * P(positive) for a binary classifier; the encrypted path evaluates exactly this sigmoid on the logit
 * difference.
 */
public final class SoftArgmax {
    public static final double INITIAL_TEMPERATURE = 2.0;

    private double temperature;

    public SoftArgmax() {
        this(INITIAL_TEMPERATURE);
    }

    public SoftArgmax(double temperature) {
        setTemperature(temperature);
    }

    public double temperature() {
        return temperature;
    }

    public void setTemperature(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("temperature must be positive and finite: " + t);
        }
        this.temperature = t;
    }

    /** The probabilities {@code softmax(x / T)}. */
    public double[] probabilities(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v / temperature);
        }
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** {@code y = sum_i i * softmax(x/T)_i}. */
    public double forward(double[] x) {
        double[] p = probabilities(x);
        double y = 0;
        for (int i = 0; i < p.length; i++) {
            y += i * p[i];
        }
        return y;
    }

    /** Analytic {@code dy/dx_j = p_j (j - y) / T}. */
    public double[] gradInput(double[] x) {
        double[] p = probabilities(x);
        double y = expectation(p);
        double[] g = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            g[j] = p[j] * (j - y) / temperature;
        }
        return g;
    }

    /** Analytic {@code dy/dT = -(1/T^2) sum_j p_j (j - y) x_j}. */
    public double gradTemperature(double[] x) {
        double[] p = probabilities(x);
        double y = expectation(p);
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += p[j] * (j - y) * x[j];
        }
        return -s / (temperature * temperature);
    }

    private static double expectation(double[] p) {
        double y = 0;
        for (int i = 0; i < p.length; i++) {
            y += i * p[i];
        }
        return y;
    }

    /** The logistic function, used for the n = 2 identity. */
    public static double sigmoid(double z) {
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }
}
