package dev.hnn.model.distilbert;

import dev.hnn.model.Pooling;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.Linear;
import dev.hnn.nn.Matrix;
import dev.hnn.text.TextTokenizer;

import java.util.List;

/**
 * DistilBERT for sequence classification: encoder, [CLS] pooling, {@code pre_classifier} + ReLU,
 * {@code classifier} (dropout is inactive at inference).
 */
public final class DistilBertClassifier implements AutoCloseable {
    private final DistilBertConfig config;
    private final TextTokenizer tokenizer;
    private final TransformerEncoder encoder;
    private final Linear preClassifier;
    private final Linear classifier;

    DistilBertClassifier(DistilBertConfig config, TextTokenizer tokenizer, TransformerEncoder encoder,
                         Linear preClassifier, Linear classifier) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.preClassifier = preClassifier;
        this.classifier = classifier;
    }

    public DistilBertConfig config() {
        return config;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    public List<String> labels() {
        return config.labels();
    }

    /** The [CLS] hidden state: the features a client computes and encrypts for the encrypted head. */
    public float[] clsFeature(String text) {
        return Pooling.CLS.pool(encoder.forward(tokenizer.encode(text)));
    }

    /** The {@code pre_classifier} layer (d -> d), or null for a checkpoint without a classification head. */
    public Linear preClassifier() {
        return preClassifier;
    }

    /** The {@code classifier} layer (d -> labels), or null for a checkpoint without a classification head. */
    public Linear classifier() {
        return classifier;
    }

    /** Class logits of token ids (requires the classification head). */
    public float[] logits(int[] ids) {
        if (classifier == null) {
            throw new IllegalStateException("checkpoint has no pre_classifier/classifier weights");
        }
        float[] cls = Pooling.CLS.pool(encoder.forward(ids));
        Matrix h = preClassifier.forward(new Matrix(1, cls.length, cls));
        float[] d = h.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(0f, d[i]);
        }
        return classifier.forward(h).data();
    }

    public float[] logits(String text) {
        return logits(tokenizer.encode(text));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
