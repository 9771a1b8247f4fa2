package dev.hnn.model.distilbert;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.hnn.data.SharedData;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny DistilBERT sequence-classification checkpoint written by the tests: the real config.json's keys (from
 * ../shared/data/distilbert-sst2) with small sizes, the real tensor names of DistilBertForSequenceClassification,
 * seeded random weights, and only a vocab.txt (the loader builds the tokenizer from it).
 */
public final class TinyDistilBertCheckpoint {
    public static final int DIM = 16;
    public static final int HEADS = 2;
    public static final int FFN = 24;
    public static final int LAYERS = 2;
    public static final int MAX_POS = 32;
    public static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "movie", "was",
            "great", "terrible", "not", "good", "bad", "fun", "##s", "a");

    private final Path dir;
    private final Map<String, double[]> weights = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Random rnd;

    public TinyDistilBertCheckpoint(Path dir, long seed) {
        this.dir = dir;
        this.rnd = new Random(seed);
    }

    /** Writes config.json, vocab.txt and model.safetensors; returns the weights written (as doubles). */
    public Map<String, double[]> write() throws IOException {
        writeConfig();
        Files.write(dir.resolve("vocab.txt"), VOCAB);
        tensor("distilbert.embeddings.word_embeddings.weight", 1.0, VOCAB.size(), DIM);
        tensor("distilbert.embeddings.position_embeddings.weight", 0.5, MAX_POS, DIM);
        layerNorm("distilbert.embeddings.LayerNorm");
        for (int l = 0; l < LAYERS; l++) {
            String p = "distilbert.transformer.layer." + l + ".";
            for (String lin : List.of("q_lin", "k_lin", "v_lin", "out_lin")) {
                linear(p + "attention." + lin, DIM, DIM);
            }
            layerNorm(p + "sa_layer_norm");
            linear(p + "ffn.lin1", FFN, DIM);
            linear(p + "ffn.lin2", DIM, FFN);
            layerNorm(p + "output_layer_norm");
        }
        linear("pre_classifier", DIM, DIM);
        linear("classifier", 2, DIM);
        writeSafetensors(dir.resolve("model.safetensors"));
        return weights;
    }

    private void writeConfig() throws IOException {
        JsonObject c = JsonParser.parseString(Files.readString(SharedData.dir().resolve("distilbert-sst2/config.json")))
                .getAsJsonObject();
        c.addProperty("dim", DIM);
        c.addProperty("n_heads", HEADS);
        c.addProperty("hidden_dim", FFN);
        c.addProperty("n_layers", LAYERS);
        c.addProperty("max_position_embeddings", MAX_POS);
        c.addProperty("vocab_size", VOCAB.size());
        Files.writeString(dir.resolve("config.json"), c.toString());
    }

    private void tensor(String name, double scale, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * rnd.nextGaussian());
        }
        weights.put(name, v);
        shapes.put(name, shape);
    }

    private void linear(String name, int out, int in) {
        tensor(name + ".weight", 1.0 / Math.sqrt(in), out, in);
        tensor(name + ".bias", 0.1, out);
    }

    private void layerNorm(String name) {
        double[] g = new double[DIM];
        for (int i = 0; i < DIM; i++) {
            g[i] = (float) (1 + 0.2 * rnd.nextGaussian());
        }
        weights.put(name + ".weight", g);
        shapes.put(name + ".weight", new long[] {DIM});
        tensor(name + ".bias", 0.1, DIM);
    }

    private void writeSafetensors(Path file) throws IOException {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long off = 0;
        for (var e : weights.entrySet()) {
            long len = 4L * e.getValue().length;
            StringBuilder shape = new StringBuilder();
            for (long s : shapes.get(e.getKey())) {
                shape.append(shape.length() == 0 ? "" : ",").append(s);
            }
            h.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[").append(shape)
                    .append("],\"data_offsets\":[").append(off).append(',').append(off + len).append("]}");
            off += len;
        }
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate((int) (8 + header.length + off)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (double[] v : weights.values()) {
            for (double x : v) {
                b.putFloat((float) x);
            }
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(b.array());
        }
    }
}
