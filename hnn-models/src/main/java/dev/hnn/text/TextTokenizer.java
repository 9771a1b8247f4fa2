package dev.hnn.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face tokenizer (Rust {@code tokenizers} via DJL's JNI binding, whose Linux CPU native
 * library ships inside the DJL jar) loaded from a local {@code tokenizer.json}. Produces unpadded,
 * truncated token ids with the model's special tokens. DJL runs in offline mode.
 */
public final class TextTokenizer implements AutoCloseable {
    static {
        Offline.enable();
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    private static Map<String, String> options(int maxLength) {
        return Map.of("padding", "false", "truncation", "true", "maxLength", Integer.toString(maxLength),
                "addSpecialTokens", "true");
    }

    /** Loads a {@code tokenizer.json} file. */
    public static TextTokenizer fromFile(Path tokenizerJson, int maxLength) throws IOException {
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return fromStream(in, maxLength);
        }
    }

    /** Loads a {@code tokenizer.json} from a stream (e.g. a classpath resource). */
    public static TextTokenizer fromStream(InputStream tokenizerJson, int maxLength) throws IOException {
        return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options(maxLength)), maxLength);
    }

    /** Loads a {@code tokenizer.json} from the classpath. */
    public static TextTokenizer fromResource(String resource, int maxLength) throws IOException {
        try (InputStream in = TextTokenizer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("tokenizer resource not found on the classpath: " + resource);
            }
            return fromStream(in, maxLength);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    /** Token ids including [CLS]/[SEP], truncated to {@link #maxLength()}, not padded. */
    public int[] encode(String text) {
        Encoding e = tokenizer.encode(text);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** The token strings (for inspection and tests). */
    public String[] tokens(String text) {
        return tokenizer.encode(text).getTokens();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
