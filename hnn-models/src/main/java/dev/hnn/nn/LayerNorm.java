package dev.hnn.nn;

/** Layer normalization over the last dimension: {@code (x - mean) / sqrt(var + eps) * gamma + beta}. */
public final class LayerNorm {
    private final float[] gamma;
    private final float[] beta;
    private final float eps;

    public LayerNorm(float[] gamma, float[] beta, float eps) {
        if (gamma.length != beta.length) {
            throw new IllegalArgumentException("gamma/beta length mismatch");
        }
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    public float eps() {
        return eps;
    }

    /** Scale (shared, not copied). */
    public float[] gamma() {
        return gamma;
    }

    /** Shift (shared, not copied). */
    public float[] beta() {
        return beta;
    }

    public Matrix forward(Matrix x) {
        int n = x.rows();
        int d = x.cols();
        if (d != gamma.length) {
            throw new IllegalArgumentException("LayerNorm width " + gamma.length + " != input " + d);
        }
        float[] in = x.data();
        float[] out = new float[in.length];
        for (int r = 0; r < n; r++) {
            int off = r * d;
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += in[off + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double c = in[off + j] - mean;
                var += c * c;
            }
            var /= d;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            float m = (float) mean;
            for (int j = 0; j < d; j++) {
                out[off + j] = (in[off + j] - m) * inv * gamma[j] + beta[j];
            }
        }
        return new Matrix(n, d, out);
    }
}
