package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hnn.head.Range;
import dev.hnn.model.Embeddings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The input range of every non-linearity on training texts, per layer and per token position: what the encrypted
 * encoder fits its polynomials (and Newton starting points) on. Recorded per position because position 0 ([CLS])
 * is an outlier in every BERT-family encoder (its LayerNorm variance after the feed-forward block is tens of times
 * the others'). Positions past {@link #POSITIONS} share the last row. {@code position_counts} says how many tokens
 * each row saw; a row that saw none holds zeros, which mean "no data", not a range.
 */
final class RangeRecorder {
    static final int POSITIONS = 64;

    /** Min and max per layer and position of one quantity. */
    static final class Table {
        final double[][] min;
        final double[][] max;

        Table(int layers) {
            min = new double[layers][POSITIONS];
            max = new double[layers][POSITIONS];
            for (int l = 0; l < layers; l++) {
                java.util.Arrays.fill(min[l], Double.POSITIVE_INFINITY);
                java.util.Arrays.fill(max[l], Double.NEGATIVE_INFINITY);
            }
        }

        void add(int layer, int position, double v) {
            int p = Math.min(position, POSITIONS - 1);
            min[layer][p] = Math.min(min[layer][p], v);
            max[layer][p] = Math.max(max[layer][p], v);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("min", round(min));
            m.put("max", round(max));
            return m;
        }

        private static double[][] round(double[][] a) {
            double[][] r = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                r[i] = new double[a[i].length];
                for (int j = 0; j < a[i].length; j++) {
                    r[i][j] = Double.isFinite(a[i][j]) ? Math.round(a[i][j] * 1e4) / 1e4 : 0;
                }
            }
            return r;
        }
    }

    private RangeRecorder() {
    }

    /**
     * Runs {@code sampleSize} training texts and the given full sentences (the calibration split) through the model
     * and returns the ranges as metadata: per layer and
     * query position the attention scores (scaled, over real keys), the LayerNorm variances and the feed-forward
     * activation inputs; for the head, its pre-activations and the logit difference (with quantiles).
     */
    static Map<String, Object> record(TorchEncoder model, List<Example> train, List<Example> sentences,
                                      Embeddings embeddings, int sampleSize, NDManager root, long seed) {
        List<Example> sample = new ArrayList<>(train);
        java.util.Collections.shuffle(sample, new Random(seed));
        sample = new ArrayList<>(sample.subList(0, Math.min(sampleSize, sample.size())));
        // Full sentences beside the (mostly short) training phrases: long inputs reach variances that phrases do
        // not (the held-out validation sentences left phrase-only ranges by up to 3x).
        sample.addAll(sentences);
        int layers = model.layers.size();
        Table scores = new Table(layers);
        Table attentionVariance = new Table(layers);
        Table activation = new Table(layers);
        Table outputVariance = new Table(layers);
        List<Double> headPre = new ArrayList<>();
        List<Double> logitDiff = new ArrayList<>();
        long[] positionCounts = new long[POSITIONS];
        for (Example e : sample) {
            for (int p = 0; p < e.ids().length; p++) {
                positionCounts[Math.min(p, POSITIONS - 1)]++;
            }
        }
        for (List<Example> part : TrainingLoop.batches(sample, 64, new Random(seed))) {
            try (NDManager bm = root.newSubManager()) {
                Batch b = Batch.of(part, embeddings, model.hidden, bm);
                TorchEncoder.Output out = model.forward(b.embeddings(), b.mask(), b.tokens());
                int bs = part.size();
                int len = (int) b.mask().getShape().get(1);
                float[] mask = b.mask().toFloatArray();
                for (int l = 0; l < layers; l++) {
                    perToken(out.attentionVariances().get(l), bs, len, mask, attentionVariance, l);
                    perToken(out.outputVariances().get(l), bs, len, mask, outputVariance, l);
                    perToken(out.activationInputs().get(l), bs, len, mask, activation, l);
                    float[] s = out.scores().get(l).toFloatArray(); // [B, heads, L, L]
                    int heads = model.heads;
                    for (int i = 0; i < bs; i++) {
                        for (int h = 0; h < heads; h++) {
                            for (int q = 0; q < len; q++) {
                                if (mask[i * len + q] == 0) {
                                    continue;
                                }
                                for (int k = 0; k < len; k++) {
                                    if (mask[i * len + k] != 0) {
                                        scores.add(l, q, s[((i * heads + h) * len + q) * len + k]);
                                    }
                                }
                            }
                        }
                    }
                }
                for (float v : out.hiddenPre().toFloatArray()) {
                    headPre.add((double) v);
                }
                float[] z = out.logits().toFloatArray();
                for (int i = 0; i < bs; i++) {
                    logitDiff.add((double) (z[2 * i + 1] - z[2 * i]));
                }
            }
        }
        Map<String, Object> ranges = new LinkedHashMap<>();
        ranges.put("texts", sample.size());
        ranges.put("positions", POSITIONS);
        ranges.put("position_counts", positionCounts);
        ranges.put("attention_scores", scores.toJson());
        ranges.put("attention_layernorm_variance", attentionVariance.toJson());
        ranges.put("activation_input", activation.toJson());
        ranges.put("output_layernorm_variance", outputVariance.toJson());
        ranges.put("head_activation_input", Range.of(headPre.stream().mapToDouble(Double::doubleValue).toArray()));
        ranges.put("soft_argmax_input", Range.of(logitDiff.stream().mapToDouble(Double::doubleValue).toArray()));
        return ranges;
    }

    /** Adds every value of a {@code [B, L, D]} (or {@code [B, L, 1]}) array at a real token to the table. */
    private static void perToken(NDArray a, int bs, int len, float[] mask, Table t, int layer) {
        float[] v = a.toFloatArray();
        int d = v.length / (bs * len);
        for (int i = 0; i < bs; i++) {
            for (int p = 0; p < len; p++) {
                if (mask[i * len + p] == 0) {
                    continue;
                }
                int o = (i * len + p) * d;
                for (int j = 0; j < d; j++) {
                    t.add(layer, p, v[o + j]);
                }
            }
        }
    }
}
