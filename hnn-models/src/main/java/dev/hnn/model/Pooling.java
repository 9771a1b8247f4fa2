package dev.hnn.model;

import dev.hnn.nn.Matrix;

/** Reduces a {@code tokens x hidden} hidden state to one vector. */
public enum Pooling {
    /** Mean over all tokens (sentence-transformers' default for MiniLM). */
    MEAN {
        @Override
        public float[] pool(Matrix h) {
            float[] out = new float[h.cols()];
            float[] d = h.data();
            for (int r = 0; r < h.rows(); r++) {
                for (int c = 0; c < h.cols(); c++) {
                    out[c] += d[r * h.cols() + c];
                }
            }
            for (int c = 0; c < out.length; c++) {
                out[c] /= h.rows();
            }
            return out;
        }
    },
    /** The first ([CLS]) token (DistilBERT's classification head). */
    CLS {
        @Override
        public float[] pool(Matrix h) {
            return h.row(0);
        }
    };

    public abstract float[] pool(Matrix hiddenState);

    /** L2-normalises {@code v} in place and returns it. */
    public static float[] l2Normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        double n = Math.sqrt(s);
        if (n > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / n);
            }
        }
        return v;
    }
}
