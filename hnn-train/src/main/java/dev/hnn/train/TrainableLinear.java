package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hnn.model.EncoderDelta;
import dev.hnn.nn.Linear;

import java.util.Map;
import java.util.Random;

/**
 * An affine layer {@code y = x W + b + (x A) B} whose pre-trained weight {@code W} stays frozen and
 * whose low-rank adapter {@code A B} (LoRA) and bias train. Only the adapter and the bias go into the shipped
 * delta file: with rank 16 they are 3% of a MiniLM layer's weights. {@code B} starts at zero, so training starts
 * from the pre-trained function exactly.
 */
final class TrainableLinear {
    final String name;
    final NDArray weight; // in x out, frozen
    final NDArray bias;   // out
    final NDArray loraA;  // in x r
    final NDArray loraB;  // r x out

    private TrainableLinear(String name, NDArray weight, NDArray bias, NDArray loraA, NDArray loraB) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
        this.loraA = loraA;
        this.loraB = loraB;
    }

    /** From a pre-trained layer, with a fresh adapter of rank {@code rank} ({@code A} seeded, {@code B = 0}). */
    static TrainableLinear of(String name, Linear base, int rank, NDManager m, Random rng) {
        int in = base.inFeatures();
        int out = base.outFeatures();
        NDArray w = m.create(base.weight().data(), new Shape(in, out));
        NDArray b = m.create(base.bias().clone(), new Shape(out));
        return new TrainableLinear(name, w, b, adapterColumns(in, rank, m, rng), m.zeros(new Shape(rank, out)));
    }

    /** A trained layer restored from a delta file's tensors over the pre-trained layer. */
    static TrainableLinear restore(String name, Linear base, EncoderDelta delta, NDManager m) {
        NDArray w = m.create(base.weight().data(), new Shape(base.inFeatures(), base.outFeatures()));
        return new TrainableLinear(name, w, array(delta.tensor(name + ".bias"), m),
                array(delta.tensor(name + ".lora_a"), m), array(delta.tensor(name + ".lora_b"), m));
    }

    static NDArray array(EncoderDelta.Tensor t, NDManager m) {
        long[] shape = new long[t.shape().length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.shape()[i];
        }
        return m.create(t.values().clone(), new Shape(shape));
    }

    /**
     * The start of a distilled student: the same function, with {@code extraRank} more adapter columns
     * ({@code A} seeded, {@code B} rows zero) so that the student can move further from the pre-trained weights.
     */
    TrainableLinear widened(int extraRank, NDManager m, Random rng) {
        int in = (int) weight.getShape().get(0);
        int out = (int) weight.getShape().get(1);
        NDArray wideA = loraA.concat(adapterColumns(in, extraRank, m, rng), 1);
        NDArray wideB = loraB.concat(m.zeros(new Shape(extraRank, out)), 0);
        return new TrainableLinear(name, weight, bias.duplicate(), wideA, wideB);
    }

    /** Seeded Gaussian columns of {@code A} with variance {@code 1 / in}: {@code x A} starts at unit scale. */
    private static NDArray adapterColumns(int in, int columns, NDManager m, Random rng) {
        float[] a = new float[in * columns];
        double sd = 1.0 / Math.sqrt(in);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextGaussian() * sd);
        }
        return m.create(a, new Shape(in, columns));
    }

    NDArray forward(NDArray x) {
        NDArray y = x.matMul(weight).add(bias);
        return y.add(x.matMul(loraA).matMul(loraB));
    }

    void collectTrainable(Map<String, NDArray> out) {
        out.put(name + ".bias", bias);
        out.put(name + ".lora_a", loraA);
        out.put(name + ".lora_b", loraB);
    }
}
