package dev.hnn.nn;

/**
 * Turns one row of scaled attention scores {@code q.k / sqrt(d_head)} over the {@code n} real tokens into attention
 * weights, in place. The stock encoders use softmax; HE-friendly encoders use {@link PolynomialAttention}, which a
 * CKKS circuit evaluates exactly.
 */
public interface ScoreNormalizer {
    void normalize(float[] scores, int n, int head);

    ScoreNormalizer SOFTMAX = (scores, n, head) -> Kernels.softmaxInPlace(scores, 0, n);
}
