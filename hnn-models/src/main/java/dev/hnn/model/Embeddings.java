package dev.hnn.model;

import dev.hnn.nn.LayerNorm;
import dev.hnn.nn.Matrix;

/**
 * Token + learned position (+ optional token-type) embeddings followed by LayerNorm.
 * DistilBERT has no token-type table ({@code tokenType == null}).
 */
public final class Embeddings {
    private final Matrix word;
    private final Matrix position;
    private final Matrix tokenType;
    private final LayerNorm norm;

    public Embeddings(Matrix word, Matrix position, Matrix tokenType, LayerNorm norm) {
        this.word = word;
        this.position = position;
        this.tokenType = tokenType;
        this.norm = norm;
    }

    /** Embeds {@code ids} (token type 0 everywhere, positions 0..n-1). */
    public Matrix forward(int[] ids) {
        int n = ids.length;
        int d = word.cols();
        if (n > position.rows()) {
            throw new IllegalArgumentException("sequence of " + n + " tokens exceeds " + position.rows() + " positions");
        }
        float[] out = new float[n * d];
        float[] w = word.data();
        float[] p = position.data();
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= word.rows()) {
                throw new IllegalArgumentException("token id out of vocabulary: " + ids[i]);
            }
            int wo = ids[i] * d;
            int po = i * d;
            for (int j = 0; j < d; j++) {
                float v = w[wo + j];
                if (tokenType != null) {
                    v += tokenType.data()[j];
                }
                out[i * d + j] = v + p[po + j];
            }
        }
        return norm.forward(new Matrix(n, d, out));
    }
}
