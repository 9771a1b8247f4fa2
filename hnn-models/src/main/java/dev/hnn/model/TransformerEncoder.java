package dev.hnn.model;

import dev.hnn.nn.Matrix;

import java.util.List;

/**
 * The common encoder representation shared by MiniLM (from ONNX) and DistilBERT (from safetensors):
 * embeddings, then N post-LN transformer blocks. Thread-safe: weights are read-only.
 */
public final class TransformerEncoder {
    private final EncoderConfig config;
    private final Embeddings embeddings;
    private final List<EncoderLayer> layers;

    public TransformerEncoder(EncoderConfig config, Embeddings embeddings, List<EncoderLayer> layers) {
        if (layers.size() != config.layers()) {
            throw new IllegalArgumentException("config says " + config.layers() + " layers, got " + layers.size());
        }
        this.config = config;
        this.embeddings = embeddings;
        this.layers = List.copyOf(layers);
    }

    public EncoderConfig config() {
        return config;
    }

    public Embeddings embeddings() {
        return embeddings;
    }

    public List<EncoderLayer> layers() {
        return layers;
    }

    /** Last hidden state ({@code tokens x hidden}) of one unpadded token sequence. */
    public Matrix forward(int[] ids) {
        Matrix x = embeddings.forward(ids);
        for (EncoderLayer layer : layers) {
            x = layer.forward(x);
        }
        return x;
    }
}
