package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.hnn.model.EncoderDelta;

import java.util.Map;
import java.util.Random;

/**
 * The sentiment head of {@link dev.hnn.head.SentimentHead} as tensors: {@code standardize -> Linear(d, h) -> GELU ->
 * Linear(h, 2)}. The standardisation is fixed (the pooled features' statistics before fine-tuning), so the
 * encrypted head circuit folds it into the first layer exactly as for the frozen-feature head.
 */
final class SentimentHeadParams {
    final NDArray mean;
    final NDArray std;
    final NDArray w1; // d x h
    final NDArray b1;
    final NDArray w2; // h x 2
    final NDArray b2;

    private SentimentHeadParams(NDArray mean, NDArray std, NDArray w1, NDArray b1, NDArray w2, NDArray b2) {
        this.mean = mean;
        this.std = std;
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
    }

    /** Xavier-initialised layers (seeded) over features with the given statistics. */
    static SentimentHeadParams init(float[] mean, float[] std, int hiddenUnits, NDManager m, Random rng) {
        int d = mean.length;
        return new SentimentHeadParams(m.create(mean.clone(), new Shape(d)), m.create(std.clone(), new Shape(d)),
                xavier(d, hiddenUnits, m, rng), m.zeros(new Shape(hiddenUnits)), xavier(hiddenUnits, 2, m, rng),
                m.zeros(new Shape(2)));
    }

    private static NDArray xavier(int in, int out, NDManager m, Random rng) {
        float[] w = new float[in * out];
        double bound = Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        return m.create(w, new Shape(in, out));
    }

    /** The head stored in a delta file. */
    static SentimentHeadParams restore(EncoderDelta delta, NDManager m) {
        return new SentimentHeadParams(TrainableLinear.array(delta.tensor("head.mean"), m),
                TrainableLinear.array(delta.tensor("head.std"), m), TrainableLinear.array(delta.tensor("head.w1"), m),
                TrainableLinear.array(delta.tensor("head.b1"), m), TrainableLinear.array(delta.tensor("head.w2"), m),
                TrainableLinear.array(delta.tensor("head.b2"), m));
    }

    SentimentHeadParams copy() {
        return new SentimentHeadParams(mean, std, w1.duplicate(), b1.duplicate(), w2.duplicate(), b2.duplicate());
    }

    /** Logits {@code [B, 2]} and the hidden pre-activations {@code [B, h]} of pooled features {@code [B, d]}. */
    NDArray[] forward(NDArray pooled) {
        NDArray a = pooled.sub(mean).div(std).matMul(w1).add(b1);
        NDArray z = Activation.gelu(a).matMul(w2).add(b2);
        return new NDArray[] {z, a};
    }

    void collectTrainable(Map<String, NDArray> out) {
        out.put("head.w1", w1);
        out.put("head.b1", b1);
        out.put("head.w2", w2);
        out.put("head.b2", b2);
    }
}
