package dev.hnn.head;

import dev.hnn.data.LabeledSentence;
import dev.hnn.data.SharedData;
import dev.hnn.data.Sst2Reader;
import dev.hnn.model.EncoderDelta;
import dev.hnn.model.FineTunedEncoder;
import dev.hnn.model.MiniLm;
import dev.hnn.model.Pooling;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.model.onnx.MiniLmLoader;
import dev.hnn.text.TextTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sentiment classifier by name: a sentence encoder plus the head that reads its features. The shipped models:
 *
 * <ul>
 *   <li>{@code minilm-sst2} (default): MiniLM-L6 fine-tuned end to end on SST-2 ({@code hnn train}), mean pooling;</li>
 *   <li>{@code minilm-sst2-he}: its HE-friendly distillation (polynomial attention and activation);</li>
 *   <li>{@code minilm-frozen}: the frozen MiniLM-L6 sentence embedding with the head trained on it
 *       ({@code hnn train-head}).</li>
 * </ul>
 *
 * The fine-tuned models ship as {@link EncoderDelta} files over the MiniLM weights of the Maven artifact.
 */
public final class SentimentModel {
    public static final String DEFAULT = "minilm-sst2";
    public static final String HE_FRIENDLY = "minilm-sst2-he";
    public static final String FROZEN = "minilm-frozen";
    public static final List<String> NAMES = List.of(DEFAULT, HE_FRIENDLY, FROZEN);
    /** Where the shipped deltas are, in the jar and in the source tree. */
    public static final String RESOURCE_DIR = "/dev/hnn/model/";

    private final String name;
    private final HeadFile.Loaded head;
    private final EncoderDelta delta; // null for the frozen-feature model

    private SentimentModel(String name, HeadFile.Loaded head, EncoderDelta delta) {
        this.name = name;
        this.head = head;
        this.delta = delta;
    }

    /** One of {@link #NAMES}. */
    public static SentimentModel load(String name) throws IOException {
        return switch (name) {
            case FROZEN -> new SentimentModel(name, HeadFile.readDefault(), null);
            case DEFAULT -> fromDelta(name, readResource("sst2-minilm-finetuned.delta"));
            case HE_FRIENDLY -> fromDelta(name, readResource("sst2-minilm-he.delta"));
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; known: " + NAMES);
        };
    }

    /** A frozen-feature head file (from {@code hnn train-head --out FILE}). */
    public static SentimentModel frozenWithHead(Path headFile) throws IOException {
        return new SentimentModel(FROZEN, HeadFile.read(headFile), null);
    }

    /** A delta file (from {@code hnn train --out-dir DIR}). */
    public static SentimentModel fromDeltaFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return fromDelta(file.getFileName().toString(), EncoderDelta.read(in));
        }
    }

    private static EncoderDelta readResource(String file) throws IOException {
        try (InputStream in = SentimentModel.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IOException("model file " + RESOURCE_DIR + file + " not found on the classpath; run `hnn train`");
            }
            return EncoderDelta.read(in);
        }
    }

    static SentimentModel fromDelta(String name, EncoderDelta delta) {
        if (!MiniLmLoader.MODEL_NAME.equals(delta.metadata().get("base_model"))) {
            throw new IllegalArgumentException(name + " was trained over " + delta.metadata().get("base_model")
                    + ", not the shipped " + MiniLmLoader.MODEL_NAME + "; this command runs MiniLM deltas only");
        }
        return new SentimentModel(name, DeltaHead.of(delta), delta);
    }

    public String name() {
        return name;
    }

    /** The head with its ranges and metadata (what the encrypted head circuit is built from). */
    public HeadFile.Loaded head() {
        return head;
    }

    /** The delta of a fine-tuned model, or null for the frozen-feature one. */
    public EncoderDelta delta() {
        return delta;
    }

    /** The encoder weights the head reads (the fine-tuned ones, or the frozen MiniLM). */
    public TransformerEncoder encoderWeights() throws IOException {
        TransformerEncoder base = MiniLmLoader.loadDefault();
        return delta == null ? base : FineTunedEncoder.apply(base, delta);
    }

    /** A text-to-feature encoder for this model's head (closes its tokenizer when closed). */
    public SentenceEncoder openEncoder() throws IOException {
        if (delta == null) {
            return MiniLm.load();
        }
        TextTokenizer tokenizer = TextTokenizer.fromResource(MiniLmLoader.TOKENIZER_RESOURCE, MiniLm.MAX_TOKENS);
        return new SentenceEncoder(tokenizer, encoderWeights(), Pooling.MEAN, false);
    }

    /**
     * The held-out validation sentences this model was measured on, re-derived from the shared SST-2 file and checked
     * against the fingerprint recorded at training time.
     */
    public List<LabeledSentence> validationSentences() throws IOException {
        if (delta == null) {
            return Sst2Split.recordedValidation(head.training());
        }
        List<LabeledSentence> v = fullSentenceValidation();
        Object recorded = head.training().get("validation_fingerprint");
        if (!Sst2Split.fingerprint(v).equals(recorded)) {
            throw new IllegalStateException("the re-derived full-sentence validation split does not match " + name
                    + "'s fingerprint");
        }
        return v;
    }

    /** The 1,000 full-sentence validation sentences of {@link FullSentenceSplit} (any model can be measured on them). */
    public static List<LabeledSentence> fullSentenceValidation() throws IOException {
        return FullSentenceSplit.make(Sst2Reader.read(SharedData.sst2Train()), FullSentenceSplit.DEFAULT_SEED,
                FullSentenceSplit.DEFAULT_VALIDATION, FullSentenceSplit.DEFAULT_CALIBRATION).validation();
    }

    @Override
    public String toString() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** The head stored in a delta file, with its ranges and metadata. */
    public static HeadFile.Loaded headOf(EncoderDelta delta) {
        return DeltaHead.of(delta);
    }

    /** The head of a delta file as a {@link HeadFile.Loaded}. */
    private static final class DeltaHead {
        private DeltaHead() {
        }

        @SuppressWarnings("unchecked")
        static HeadFile.Loaded of(EncoderDelta d) {
            float[] mean = d.tensor("head.mean").values();
            float[] std = d.tensor("head.std").values();
            EncoderDelta.Tensor w1 = d.tensor("head.w1"); // in x hidden
            EncoderDelta.Tensor w2 = d.tensor("head.w2"); // hidden x 2
            int in = w1.shape()[0];
            int hidden = w1.shape()[1];
            double temperature = ((Number) d.metadata().get("temperature")).doubleValue();
            SentimentHead h = new SentimentHead(mean.clone(), std.clone(), transpose(w1.values(), in, hidden),
                    doubles(d.tensor("head.b1").values()), ActivationKind.GELU, new double[0],
                    transpose(w2.values(), hidden, 2), doubles(d.tensor("head.b2").values()), temperature);
            if (!(d.metadata().get("ranges") instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("the encoder delta records no ranges (written by an older hnn train?)");
            }
            Map<String, Object> ranges = (Map<String, Object>) d.metadata().get("ranges");
            Map<String, Object> training = (Map<String, Object>) d.metadata().get("training");
            Map<String, Object> metrics = (Map<String, Object>) d.metadata().get("metrics");
            return new HeadFile.Loaded(h, metrics, training, Map.of("delta", String.valueOf(d.metadata().get("name"))),
                    range(ranges.get("head_activation_input")), range(ranges.get("soft_argmax_input")),
                    d.metadata().get("name") + " | pooling=mean");
        }

        private static double[][] transpose(float[] v, int rows, int cols) {
            double[][] t = new double[cols][rows];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c][r] = v[r * cols + c];
                }
            }
            return t;
        }

        private static double[] doubles(float[] v) {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return d;
        }

        private static Range range(Object json) {
            if (!(json instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("the encoder delta records no head range");
            }
            return new Range(num(m, "min"), num(m, "max"), num(m, "p001"), num(m, "p999"), (long) num(m, "count"));
        }

        private static double num(Map<?, ?> m, String key) {
            if (!(m.get(key) instanceof Number n)) {
                throw new IllegalArgumentException("the encoder delta's range lacks " + key);
            }
            return n.doubleValue();
        }
    }
}
