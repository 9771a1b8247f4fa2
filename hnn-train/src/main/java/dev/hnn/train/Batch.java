package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hnn.model.Embeddings;
import dev.hnn.nn.Matrix;

import java.util.List;

/**
 * A padded batch: embeddings {@code [B, L, H]} (token + position embeddings and their LayerNorm, computed by the
 * Java {@link Embeddings}, which the client keeps and which do not train), a 0/1 mask {@code [B, L]}, the count of
 * real tokens {@code [B]} and one-hot labels {@code [B, 2]}. Arrays belong to the given (per-batch) manager.
 */
record Batch(NDArray embeddings, NDArray mask, NDArray tokens, NDArray oneHot, int[] labels) {

    static Batch of(List<Example> examples, Embeddings embeddings, int hidden, NDManager m) {
        int b = examples.size();
        int len = 0;
        for (Example e : examples) {
            len = Math.max(len, e.ids().length);
        }
        float[] x = new float[b * len * hidden];
        float[] mask = new float[b * len];
        float[] tokens = new float[b];
        float[] oneHot = new float[b * 2];
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            Example e = examples.get(i);
            Matrix emb = embeddings.forward(e.ids());
            System.arraycopy(emb.data(), 0, x, i * len * hidden, emb.data().length);
            for (int t = 0; t < e.ids().length; t++) {
                mask[i * len + t] = 1f;
            }
            tokens[i] = e.ids().length;
            oneHot[i * 2 + e.label()] = 1f;
            labels[i] = e.label();
        }
        return new Batch(m.create(x, new Shape(b, len, hidden)), m.create(mask, new Shape(b, len)),
                m.create(tokens, new Shape(b)), m.create(oneHot, new Shape(b, 2)), labels);
    }
}
