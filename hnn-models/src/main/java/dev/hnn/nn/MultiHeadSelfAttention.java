package dev.hnn.nn;

/**
 * Multi-head scaled dot-product self-attention over one unpadded sequence
 * ({@code tokens x hidden}): {@code softmax(Q K^T / sqrt(d_head)) V}, then the output projection.
 */
public final class MultiHeadSelfAttention {
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;
    private final int heads;
    private final ScoreNormalizer normalizer;

    public MultiHeadSelfAttention(Linear query, Linear key, Linear value, Linear output, int heads) {
        this(query, key, value, output, heads, ScoreNormalizer.SOFTMAX);
    }

    public MultiHeadSelfAttention(Linear query, Linear key, Linear value, Linear output, int heads,
                                  ScoreNormalizer normalizer) {
        if (query.outFeatures() % heads != 0) {
            throw new IllegalArgumentException("hidden " + query.outFeatures() + " not divisible by heads " + heads);
        }
        this.query = query;
        this.key = key;
        this.value = value;
        this.output = output;
        this.heads = heads;
        this.normalizer = normalizer;
    }

    public ScoreNormalizer normalizer() {
        return normalizer;
    }

    public int heads() {
        return heads;
    }

    public Linear query() {
        return query;
    }

    public Linear key() {
        return key;
    }

    public Linear value() {
        return value;
    }

    public Linear output() {
        return output;
    }

    public Matrix forward(Matrix x) {
        int n = x.rows();
        Matrix q = query.forward(x);
        Matrix k = key.forward(x);
        Matrix v = value.forward(x);
        int hidden = q.cols();
        int dh = hidden / heads;
        float scale = (float) (1.0 / Math.sqrt(dh));
        float[] qd = q.data();
        float[] kd = k.data();
        float[] vd = v.data();
        float[] ctx = new float[n * hidden];
        float[] scores = new float[n];
        for (int h = 0; h < heads; h++) {
            int ho = h * dh;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    float s = 0;
                    for (int t = 0; t < dh; t++) {
                        s += qd[i * hidden + ho + t] * kd[j * hidden + ho + t];
                    }
                    scores[j] = s * scale;
                }
                normalizer.normalize(scores, n, h);
                int co = i * hidden + ho;
                for (int j = 0; j < n; j++) {
                    float p = scores[j];
                    int vo = j * hidden + ho;
                    for (int t = 0; t < dh; t++) {
                        ctx[co + t] += p * vd[vo + t];
                    }
                }
            }
        }
        return output.forward(new Matrix(n, hidden, ctx));
    }
}
