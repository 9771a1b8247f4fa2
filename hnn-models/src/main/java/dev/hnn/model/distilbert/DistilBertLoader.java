package dev.hnn.model.distilbert;

import dev.hnn.model.EncoderConfig;
import dev.hnn.model.EncoderLayer;
import dev.hnn.model.Embeddings;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.FeedForward;
import dev.hnn.nn.LayerNorm;
import dev.hnn.nn.Linear;
import dev.hnn.nn.Matrix;
import dev.hnn.nn.MultiHeadSelfAttention;
import dev.hnn.text.TextTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a Hugging Face DistilBERT checkpoint directory ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json} or {@code vocab.txt}) into the common encoder representation, plus the
 * sequence-classification head ({@code pre_classifier}, {@code classifier}) when present.
 *
 * <p>Tensor names are those of {@code DistilBertForSequenceClassification}
 * ({@code distilbert.embeddings.word_embeddings.weight}, {@code distilbert.transformer.layer.N.attention.q_lin.weight},
 * ...); a bare {@code DistilBertModel} checkpoint without the {@code distilbert.} prefix also loads.
 */
public final class DistilBertLoader {
    /** DistilBERT's LayerNorm epsilon (fixed in the Hugging Face implementation). */
    public static final float LAYER_NORM_EPS = 1e-12f;

    private DistilBertLoader() {
    }

    public static DistilBertClassifier load(Path dir) throws IOException {
        DistilBertConfig cfg = DistilBertConfig.read(dir.resolve("config.json"));
        Safetensors st = Safetensors.read(dir.resolve("model.safetensors"));
        TransformerEncoder encoder = encoder(cfg, st);
        Linear pre = null;
        Linear cls = null;
        if (st.contains("pre_classifier.weight")) {
            pre = linear(st, "pre_classifier");
            cls = linear(st, "classifier");
        }
        return new DistilBertClassifier(cfg, tokenizer(dir), encoder, pre, cls);
    }

    /** The tokenizer: {@code tokenizer.json} if present, else one built from {@code vocab.txt}. */
    static TextTokenizer tokenizer(Path dir) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        if (Files.exists(json)) {
            return TextTokenizer.fromFile(json, 512);
        }
        Path vocab = dir.resolve("vocab.txt");
        if (Files.exists(vocab)) {
            String built = WordPieceTokenizerJson.fromVocab(Files.readAllLines(vocab), true);
            return TextTokenizer.fromStream(new java.io.ByteArrayInputStream(
                    built.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 512);
        }
        throw new IOException(dir + " has neither tokenizer.json nor vocab.txt");
    }

    static TransformerEncoder encoder(DistilBertConfig cfg, Safetensors st) {
        String p = st.contains("distilbert.embeddings.word_embeddings.weight") ? "distilbert." : "";
        if (cfg.sinusoidal()) {
            // HF stores the (fixed) sinusoidal table in position_embeddings.weight too, so loading works alike
            assert st.contains(p + "embeddings.position_embeddings.weight");
        }
        Embeddings emb = new Embeddings(matrix(st, p + "embeddings.word_embeddings.weight"),
                matrix(st, p + "embeddings.position_embeddings.weight"), null,
                layerNorm(st, p + "embeddings.LayerNorm"));
        List<EncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            String l = p + "transformer.layer." + i + ".";
            MultiHeadSelfAttention attn = new MultiHeadSelfAttention(linear(st, l + "attention.q_lin"),
                    linear(st, l + "attention.k_lin"), linear(st, l + "attention.v_lin"),
                    linear(st, l + "attention.out_lin"), cfg.heads());
            FeedForward ffn = new FeedForward(linear(st, l + "ffn.lin1"), linear(st, l + "ffn.lin2"));
            layers.add(new EncoderLayer(attn, layerNorm(st, l + "sa_layer_norm"), ffn, layerNorm(st, l + "output_layer_norm")));
        }
        EncoderConfig ec = new EncoderConfig(cfg.name(), cfg.layers(), cfg.dim(), cfg.heads(), cfg.hiddenDim(),
                cfg.maxPositions(), LAYER_NORM_EPS);
        return new TransformerEncoder(ec, emb, layers);
    }

    private static Matrix matrix(Safetensors st, String name) {
        Safetensors.Tensor t = st.get(name);
        return new Matrix(t.dim(0), t.dim(1), t.data());
    }

    /** PyTorch {@code nn.Linear}: weight {@code out x in}. */
    private static Linear linear(Safetensors st, String prefix) {
        Safetensors.Tensor w = st.get(prefix + ".weight");
        return Linear.fromOutIn(w.dim(0), w.dim(1), w.data(), st.get(prefix + ".bias").data());
    }

    private static LayerNorm layerNorm(Safetensors st, String prefix) {
        return new LayerNorm(st.get(prefix + ".weight").data(), st.get(prefix + ".bias").data(), LAYER_NORM_EPS);
    }
}
