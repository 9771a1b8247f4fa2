package dev.hnn.nn;

/**
 * Attention weights {@code a_j = (s_j + c_h)^2 * scale / n}: a square instead of an exponential, and a fixed
 * normaliser ({@code n} real tokens times a per-layer constant) instead of the row sum. Under CKKS that is one
 * addition, one square and one product with {@code scale / n}, which the client can encrypt together with the
 * padding mask, so neither a division nor a range reduction is needed and nothing is approximated.
 */
public final class PolynomialAttention implements ScoreNormalizer {
    private final float[] offsets;
    private final float scale;

    /** @param offsets {@code c_h} per head; @param scale the layer's constant normaliser */
    public PolynomialAttention(float[] offsets, float scale) {
        this.offsets = offsets.clone();
        this.scale = scale;
    }

    public float[] offsets() {
        return offsets.clone();
    }

    public float scale() {
        return scale;
    }

    @Override
    public void normalize(float[] scores, int n, int head) {
        float c = offsets[head];
        float k = scale / n;
        for (int j = 0; j < n; j++) {
            float u = scores[j] + c;
            scores[j] = u * u * k;
        }
    }
}
