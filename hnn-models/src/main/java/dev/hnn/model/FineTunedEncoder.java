package dev.hnn.model;

import dev.hnn.nn.Activation;
import dev.hnn.nn.FeedForward;
import dev.hnn.nn.LayerNorm;
import dev.hnn.nn.Linear;
import dev.hnn.nn.Matrix;
import dev.hnn.nn.MultiHeadSelfAttention;
import dev.hnn.nn.PolynomialActivation;
import dev.hnn.nn.PolynomialAttention;
import dev.hnn.nn.ScoreNormalizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies an {@link EncoderDelta} to the pre-trained encoder it was trained over: every linear layer's weight
 * becomes {@code W + A B} and takes the delta's bias, LayerNorms take the delta's parameters, and the HE-friendly
 * form swaps softmax and GELU for {@link PolynomialAttention} and {@link PolynomialActivation}. The embeddings are
 * the base model's.
 */
public final class FineTunedEncoder {
    public static final String VARIANT_STOCK = "stock";
    public static final String VARIANT_HE = "he-friendly";

    private FineTunedEncoder() {
    }

    public static TransformerEncoder apply(TransformerEncoder base, EncoderDelta delta) {
        Object variant = delta.metadata().get("variant");
        boolean he = VARIANT_HE.equals(variant);
        if (!he && !VARIANT_STOCK.equals(variant)) {
            throw new IllegalArgumentException("unknown encoder delta variant " + variant);
        }
        int layerCount = ((Number) delta.metadata().get("layers")).intValue();
        if (layerCount != base.layers().size()) {
            throw new IllegalArgumentException("the delta is for " + layerCount + " layers, the base encoder has "
                    + base.layers().size());
        }
        double[] scales = he ? numbers(delta.metadata().get("attention_scales"), layerCount) : null;
        Activation activation = he
                ? new PolynomialActivation(numbers(delta.metadata().get("activation_coefficients"), -1))
                : Activation.GELU;
        List<EncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            EncoderLayer l = base.layers().get(i);
            String p = "layer" + i + ".";
            MultiHeadSelfAttention a = l.attention();
            ScoreNormalizer normalizer = he
                    ? new PolynomialAttention(delta.tensor(p + "attention.offsets").values(), (float) scales[i])
                    : ScoreNormalizer.SOFTMAX;
            MultiHeadSelfAttention attention = new MultiHeadSelfAttention(linear(a.query(), delta, p + "q"),
                    linear(a.key(), delta, p + "k"), linear(a.value(), delta, p + "v"),
                    linear(a.output(), delta, p + "o"), a.heads(), normalizer);
            FeedForward ffn = new FeedForward(linear(l.feedForward().up(), delta, p + "up"),
                    linear(l.feedForward().down(), delta, p + "down"), activation);
            float eps = l.attentionNorm().eps();
            layers.add(new EncoderLayer(attention, norm(delta, p + "ln1", eps), ffn, norm(delta, p + "ln2", eps)));
        }
        EncoderConfig c = base.config();
        String name = c.name() + " + " + delta.metadata().getOrDefault("name", "fine-tuned delta");
        return new TransformerEncoder(new EncoderConfig(name, c.layers(), c.hidden(), c.heads(), c.intermediate(),
                c.maxPositions(), c.layerNormEps()), base.embeddings(), layers);
    }

    /** {@code W + A B} with the delta's bias. */
    static Linear linear(Linear base, EncoderDelta delta, String name) {
        int in = base.inFeatures();
        int out = base.outFeatures();
        EncoderDelta.Tensor a = delta.tensor(name + ".lora_a");
        EncoderDelta.Tensor b = delta.tensor(name + ".lora_b");
        int r = a.shape()[1];
        if (a.shape()[0] != in || b.shape()[0] != r || b.shape()[1] != out) {
            throw new IllegalArgumentException("adapter shapes of " + name + " do not fit a " + in + " x " + out + " layer");
        }
        float[] w = base.weight().data().clone();
        float[] av = a.values();
        float[] bv = b.values();
        for (int i = 0; i < in; i++) {
            for (int k = 0; k < r; k++) {
                float aik = av[i * r + k];
                for (int j = 0; j < out; j++) {
                    w[i * out + j] += aik * bv[k * out + j];
                }
            }
        }
        float[] bias = delta.tensor(name + ".bias").values();
        if (bias.length != out) {
            throw new IllegalArgumentException("bias of " + name + " has " + bias.length + " values, not " + out);
        }
        return new Linear(new Matrix(in, out, w), bias.clone());
    }

    private static LayerNorm norm(EncoderDelta delta, String name, float eps) {
        return new LayerNorm(delta.tensor(name + ".gamma").values().clone(), delta.tensor(name + ".beta").values().clone(),
                eps);
    }

    private static double[] numbers(Object json, int expected) {
        if (!(json instanceof List<?> list) || (expected >= 0 && list.size() != expected)) {
            throw new IllegalArgumentException("the delta's metadata lacks a list of " + (expected >= 0 ? expected : "")
                    + " numbers");
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }
}
