package dev.hnn.model;

import dev.hnn.model.onnx.MiniLmLoader;
import dev.hnn.text.TextTokenizer;

import java.io.IOException;

/**
 * The default sentence encoder: all-MiniLM-L6-v2 (weights and tokenizer from the langchain4j
 * artifact on the classpath) with mean pooling and L2 normalisation, as in sentence-transformers.
 */
public final class MiniLm {
    /** Max tokens per input, as configured in the shipped tokenizer.json. */
    public static final int MAX_TOKENS = 128;

    private MiniLm() {
    }

    /** Loads the encoder and tokenizer into a {@link SentenceEncoder}. */
    public static SentenceEncoder load() throws IOException {
        TransformerEncoder encoder = MiniLmLoader.loadDefault();
        TextTokenizer tokenizer = TextTokenizer.fromResource(MiniLmLoader.TOKENIZER_RESOURCE, MAX_TOKENS);
        return new SentenceEncoder(tokenizer, encoder, Pooling.MEAN, true);
    }
}
