package dev.hnn.head;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The versioned JSON file of a trained sentiment head ({@value #FORMAT}, version {@value #VERSION}).
 * Documented field by field in docs/models.md. The shipped head is the classpath resource
 * {@value #DEFAULT_RESOURCE}.
 */
public final class HeadFile {
    public static final String FORMAT = "hnn-sentiment-head";
    public static final int VERSION = 1;
    public static final String DEFAULT_RESOURCE = "/dev/hnn/head/sst2-minilm-head.json";
    /** Source path of the shipped head, relative to the repository root. */
    public static final String SOURCE_PATH = "hnn-models/src/main/resources/dev/hnn/head/sst2-minilm-head.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    /** JSON layout (field names are the file format). */
    static final class Json {
        String format;
        int version;
        Encoder encoder;
        Normalization input_normalization;
        Dense hidden_layer;
        Activation activation;
        Dense output_layer;
        SoftArgmaxJson soft_argmax;
        List<String> labels;
        Map<String, Object> training;
        Map<String, Object> metrics;
        Map<String, Object> provenance;
    }

    static final class Encoder {
        String model;
        String pipeline;
        String pooling;
        boolean l2_normalize;
        int max_tokens;
        int dim;
    }

    static final class Normalization {
        String kind;
        float[] mean;
        float[] std;
    }

    static final class Dense {
        int in;
        int out;
        String layout;
        double[][] weight;
        double[] bias;
    }

    static final class Activation {
        String kind;
        double[] coefficients;
        Range input_range;
    }

    static final class SoftArgmaxJson {
        double temperature;
        double initial_temperature;
        String input;
        Range input_range;
    }

    /** A head plus everything recorded about it. */
    public record Loaded(SentimentHead head, Map<String, Object> metrics, Map<String, Object> training,
                         Map<String, Object> provenance, Range activationRange, Range softArgmaxRange,
                         String encoderPipeline) {
    }

    private HeadFile() {
    }

    /** Serialises a head with its ranges, metrics and provenance. */
    public static String toJson(SentimentHead h, String encoderModel, String encoderPipeline, int maxTokens,
                                Range activationRange, Range softArgmaxRange, Map<String, Object> training,
                                Map<String, Object> metrics, Map<String, Object> provenance) {
        Json j = new Json();
        j.format = FORMAT;
        j.version = VERSION;
        j.encoder = new Encoder();
        j.encoder.model = encoderModel;
        j.encoder.pipeline = encoderPipeline;
        j.encoder.pooling = "mean";
        j.encoder.l2_normalize = true;
        j.encoder.max_tokens = maxTokens;
        j.encoder.dim = h.in;
        j.input_normalization = new Normalization();
        j.input_normalization.kind = "standardize";
        j.input_normalization.mean = h.mean;
        j.input_normalization.std = h.std;
        j.hidden_layer = dense(h.w1, h.b1);
        j.activation = new Activation();
        j.activation.kind = h.activation.id();
        j.activation.coefficients = h.coefficients;
        j.activation.input_range = activationRange;
        j.output_layer = dense(h.w2, h.b2);
        j.soft_argmax = new SoftArgmaxJson();
        j.soft_argmax.temperature = h.temperature();
        j.soft_argmax.initial_temperature = dev.hnn.nn.SoftArgmax.INITIAL_TEMPERATURE;
        j.soft_argmax.input = "logit difference z1 - z0 (P(positive) = sigmoid((z1 - z0) / temperature))";
        j.soft_argmax.input_range = softArgmaxRange;
        j.labels = List.of("negative", "positive");
        j.training = new LinkedHashMap<>(training);
        j.metrics = new LinkedHashMap<>(metrics);
        j.provenance = new LinkedHashMap<>(provenance);
        return GSON.toJson(j) + "\n";
    }

    private static Dense dense(double[][] w, double[] b) {
        Dense d = new Dense();
        d.out = w.length;
        d.in = w[0].length;
        d.layout = "weight[out][in]; y = weight x + bias";
        d.weight = w;
        d.bias = b;
        return d;
    }

    public static void write(Path file, String json) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json, StandardCharsets.UTF_8);
    }

    public static Loaded read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        }
    }

    /** Loads the head shipped in the jar. */
    public static Loaded readDefault() throws IOException {
        try (InputStream in = HeadFile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IOException("shipped head " + DEFAULT_RESOURCE + " not found on the classpath; run `hnn train-head`");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8), DEFAULT_RESOURCE);
        }
    }

    static Loaded parse(Reader r, String where) throws IOException {
        Json j = GSON.fromJson(r, Json.class);
        if (j == null || !FORMAT.equals(j.format)) {
            throw new IOException(where + ": not an " + FORMAT + " file");
        }
        if (j.version != VERSION) {
            throw new IOException(where + ": unsupported head format version " + j.version + " (this build reads " + VERSION + ")");
        }
        SentimentHead h = new SentimentHead(j.input_normalization.mean, j.input_normalization.std,
                j.hidden_layer.weight, j.hidden_layer.bias, ActivationKind.fromId(j.activation.kind),
                j.activation.coefficients == null ? new double[0] : j.activation.coefficients,
                j.output_layer.weight, j.output_layer.bias, j.soft_argmax.temperature);
        return new Loaded(h, j.metrics, j.training, j.provenance, j.activation.input_range,
                j.soft_argmax.input_range, j.encoder.pipeline);
    }
}
