package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.hnn.model.EncoderDelta;
import dev.hnn.model.EncoderLayer;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.LayerNorm;
import dev.hnn.nn.PolynomialActivation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A BERT-family encoder and sentiment head as PyTorch tensors (through DJL), for fine-tuning and distillation with
 * autograd. Pre-trained matrices stay frozen; low-rank adapters, biases, LayerNorms and the head train.
 *
 * <p>Two forms share the code: the stock one (softmax attention, GELU) and the HE-friendly one
 * ({@link dev.hnn.nn.PolynomialAttention}, {@link PolynomialActivation}). The forward pass takes a padded batch
 * ({@code [B, L, H]} embeddings after the embedding LayerNorm, and a {@code [B, L]} 0/1 mask) and mirrors the Java
 * inference code ({@link dev.hnn.model.TransformerEncoder}) operation for operation, so that the Java forward of a
 * trained model agrees with this one.
 */
final class TorchEncoder {
    static final class Layer {
        TrainableLinear q;
        TrainableLinear k;
        TrainableLinear v;
        TrainableLinear o;
        TrainableLinear up;
        TrainableLinear down;
        NDArray ln1Gamma;
        NDArray ln1Beta;
        NDArray ln2Gamma;
        NDArray ln2Beta;
        NDArray attentionOffsets; // [heads], HE-friendly only
        float attentionScale;     // HE-friendly only: the fixed normaliser
    }

    /** What a forward pass returns: the logits and the inputs of every non-linearity, for penalties and ranges. */
    record Output(NDArray logits, NDArray hiddenPre, NDArray pooled, List<NDArray> layerOutputs,
                  List<NDArray> activationInputs,
                  List<NDArray> attentionVariances, List<NDArray> outputVariances, List<NDArray> scores) {
    }

    final int heads;
    final int hidden;
    final float eps;
    final boolean heFriendly;
    final List<Layer> layers;
    final SentimentHeadParams head;
    final double[] activationCoefficients; // HE-friendly only

    private TorchEncoder(int heads, int hidden, float eps, boolean heFriendly, List<Layer> layers,
                         SentimentHeadParams head, double[] activationCoefficients) {
        this.heads = heads;
        this.hidden = hidden;
        this.eps = eps;
        this.heFriendly = heFriendly;
        this.layers = layers;
        this.head = head;
        this.activationCoefficients = activationCoefficients;
    }

    /** The stock encoder with fresh adapters of rank {@code rank} and a fresh head. */
    static TorchEncoder of(TransformerEncoder base, int rank, SentimentHeadParams head, NDManager m, Random rng) {
        List<Layer> layers = new ArrayList<>();
        int i = 0;
        for (EncoderLayer l : base.layers()) {
            String p = "layer" + i++ + ".";
            Layer t = new Layer();
            t.q = TrainableLinear.of(p + "q", l.attention().query(), rank, m, rng);
            t.k = TrainableLinear.of(p + "k", l.attention().key(), rank, m, rng);
            t.v = TrainableLinear.of(p + "v", l.attention().value(), rank, m, rng);
            t.o = TrainableLinear.of(p + "o", l.attention().output(), rank, m, rng);
            t.up = TrainableLinear.of(p + "up", l.feedForward().up(), rank, m, rng);
            t.down = TrainableLinear.of(p + "down", l.feedForward().down(), rank, m, rng);
            t.ln1Gamma = vector(m, l.attentionNorm().gamma());
            t.ln1Beta = vector(m, l.attentionNorm().beta());
            t.ln2Gamma = vector(m, l.outputNorm().gamma());
            t.ln2Beta = vector(m, l.outputNorm().beta());
            layers.add(t);
        }
        LayerNorm any = base.layers().get(0).attentionNorm();
        return new TorchEncoder(base.config().heads(), base.config().hidden(), any.eps(), false, layers, head, null);
    }

    /** A trained model restored from its delta file over the pre-trained encoder (both forms). */
    static TorchEncoder restore(TransformerEncoder base, EncoderDelta delta, NDManager m) {
        boolean he = "he-friendly".equals(delta.metadata().get("variant"));
        List<Layer> layers = new ArrayList<>();
        double[] scales = he ? doubles(delta.metadata().get("attention_scales")) : null;
        int i = 0;
        for (EncoderLayer l : base.layers()) {
            String p = "layer" + i + ".";
            Layer t = new Layer();
            t.q = TrainableLinear.restore(p + "q", l.attention().query(), delta, m);
            t.k = TrainableLinear.restore(p + "k", l.attention().key(), delta, m);
            t.v = TrainableLinear.restore(p + "v", l.attention().value(), delta, m);
            t.o = TrainableLinear.restore(p + "o", l.attention().output(), delta, m);
            t.up = TrainableLinear.restore(p + "up", l.feedForward().up(), delta, m);
            t.down = TrainableLinear.restore(p + "down", l.feedForward().down(), delta, m);
            t.ln1Gamma = TrainableLinear.array(delta.tensor(p + "ln1.gamma"), m);
            t.ln1Beta = TrainableLinear.array(delta.tensor(p + "ln1.beta"), m);
            t.ln2Gamma = TrainableLinear.array(delta.tensor(p + "ln2.gamma"), m);
            t.ln2Beta = TrainableLinear.array(delta.tensor(p + "ln2.beta"), m);
            if (he) {
                t.attentionOffsets = TrainableLinear.array(delta.tensor(p + "attention.offsets"), m);
                t.attentionScale = (float) scales[i];
            }
            layers.add(t);
            i++;
        }
        LayerNorm any = base.layers().get(0).attentionNorm();
        return new TorchEncoder(base.config().heads(), base.config().hidden(), any.eps(), he, layers,
                SentimentHeadParams.restore(delta, m),
                he ? doubles(delta.metadata().get("activation_coefficients")) : null);
    }

    private static double[] doubles(Object json) {
        List<?> list = (List<?>) json;
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }

    /** The same encoder (shared arrays) with another head. */
    TorchEncoder withHead(SentimentHeadParams other) {
        return new TorchEncoder(heads, hidden, eps, heFriendly, layers, other, activationCoefficients);
    }

    /**
     * The HE-friendly student of this (stock) teacher: the same weights and adapters widened by {@code extraRank},
     * polynomial attention with the given per-layer normalisers (offsets start at {@code offset}), and the
     * polynomial activation.
     */
    TorchEncoder heFriendlyStudent(int extraRank, float offset, double[] normalisers, NDManager m, Random rng) {
        List<Layer> student = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer t = layers.get(i);
            Layer s = new Layer();
            s.q = t.q.widened(extraRank, m, rng);
            s.k = t.k.widened(extraRank, m, rng);
            s.v = t.v.widened(extraRank, m, rng);
            s.o = t.o.widened(extraRank, m, rng);
            s.up = t.up.widened(extraRank, m, rng);
            s.down = t.down.widened(extraRank, m, rng);
            s.ln1Gamma = t.ln1Gamma.duplicate();
            s.ln1Beta = t.ln1Beta.duplicate();
            s.ln2Gamma = t.ln2Gamma.duplicate();
            s.ln2Beta = t.ln2Beta.duplicate();
            float[] c = new float[heads];
            java.util.Arrays.fill(c, offset);
            s.attentionOffsets = m.create(c, new Shape(heads));
            s.attentionScale = (float) normalisers[i];
            student.add(s);
        }
        return new TorchEncoder(heads, hidden, eps, true, student, head.copy(),
                PolynomialActivation.geluFit().coefficients());
    }

    private static NDArray vector(NDManager m, float[] v) {
        return m.create(v.clone(), new Shape(v.length));
    }

    /** Every trainable array by name (the names of the delta file). */
    Map<String, NDArray> trainable() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            for (TrainableLinear t : List.of(l.q, l.k, l.v, l.o, l.up, l.down)) {
                t.collectTrainable(out);
            }
            String p = "layer" + i + ".";
            out.put(p + "ln1.gamma", l.ln1Gamma);
            out.put(p + "ln1.beta", l.ln1Beta);
            out.put(p + "ln2.gamma", l.ln2Gamma);
            out.put(p + "ln2.beta", l.ln2Beta);
            if (heFriendly) {
                out.put(p + "attention.offsets", l.attentionOffsets);
            }
        }
        head.collectTrainable(out);
        return out;
    }

    /** Forward pass over a padded batch; {@code tokens} is the count of real tokens per row ({@code [B]}). */
    Output forward(NDArray x, NDArray mask, NDArray tokens) {
        long b = x.getShape().get(0);
        long len = x.getShape().get(1);
        int dh = hidden / heads;
        NDArray keyMask = mask.reshape(b, 1, 1, len);
        NDArray softmaxBias = keyMask.sub(1f).mul(1e4f);
        NDArray perRow = tokens.reshape(b, 1, 1, 1);
        List<NDArray> outs = new ArrayList<>();
        List<NDArray> actIn = new ArrayList<>();
        List<NDArray> var1 = new ArrayList<>();
        List<NDArray> var2 = new ArrayList<>();
        List<NDArray> scoresOut = new ArrayList<>();
        for (Layer l : layers) {
            NDArray q = split(l.q.forward(x), b, len, dh);
            NDArray k = split(l.k.forward(x), b, len, dh);
            NDArray v = split(l.v.forward(x), b, len, dh);
            NDArray s = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(dh));
            scoresOut.add(s);
            NDArray a;
            if (heFriendly) {
                NDArray offsets = l.attentionOffsets.reshape(1, heads, 1, 1);
                offsets.attach(s.getManager()); // a per-batch view: freed with the batch, not kept by the model's manager
                NDArray u = s.add(offsets);
                a = u.mul(u).mul(keyMask).mul(l.attentionScale).div(perRow);
            } else {
                a = s.add(softmaxBias).softmax(-1);
            }
            NDArray ctx = a.matMul(v).transpose(0, 2, 1, 3).reshape(b, len, hidden);
            NDArray[] n1 = layerNorm(x.add(l.o.forward(ctx)), l.ln1Gamma, l.ln1Beta);
            x = n1[0];
            var1.add(n1[1]);
            NDArray pre = l.up.forward(x);
            actIn.add(pre);
            NDArray act = heFriendly ? polynomial(pre, activationCoefficients) : Activation.gelu(pre);
            NDArray[] n2 = layerNorm(x.add(l.down.forward(act)), l.ln2Gamma, l.ln2Beta);
            x = n2[0];
            var2.add(n2[1]);
            outs.add(x);
        }
        NDArray pooled = x.mul(mask.reshape(b, len, 1)).sum(new int[] {1}).div(tokens.reshape(b, 1));
        NDArray[] headOut = head.forward(pooled);
        return new Output(headOut[0], headOut[1], pooled, outs, actIn, var1, var2, scoresOut);
    }

    private NDArray split(NDArray y, long b, long len, int dh) {
        return y.reshape(b, len, heads, dh).transpose(0, 2, 1, 3);
    }

    /** LayerNorm over the last axis; returns the output and the variance (per token). */
    private NDArray[] layerNorm(NDArray x, NDArray gamma, NDArray beta) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray c = x.sub(mean);
        NDArray var = c.mul(c).mean(new int[] {-1}, true);
        NDArray y = c.div(var.add(eps).sqrt()).mul(gamma).add(beta);
        return new NDArray[] {y, var};
    }

    static NDArray polynomial(NDArray x, double[] c) {
        NDArray y = x.zerosLike().add((float) c[c.length - 1]);
        for (int k = c.length - 2; k >= 0; k--) {
            y = y.mul(x).add((float) c[k]);
        }
        return y;
    }
}
