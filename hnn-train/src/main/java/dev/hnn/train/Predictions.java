package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hnn.head.Evaluation;
import dev.hnn.model.Embeddings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Forward passes without gradients over a list of examples: logit differences, accuracy, a fitted temperature. */
final class Predictions {
    private Predictions() {
    }

    /** {@code z1 - z0} per example, in the examples' order (batched by length internally). */
    static double[] logitDifferences(TorchEncoder model, List<Example> examples, Embeddings embeddings, NDManager root) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> examples.get(i).ids().length));
        double[] out = new double[examples.size()];
        int batch = 64;
        for (int p = 0; p < order.size(); p += batch) {
            List<Integer> idx = order.subList(p, Math.min(order.size(), p + batch));
            List<Example> part = new ArrayList<>();
            for (int i : idx) {
                part.add(examples.get(i));
            }
            try (NDManager bm = root.newSubManager()) {
                Batch b = Batch.of(part, embeddings, model.hidden, bm);
                NDArray z = model.forward(b.embeddings(), b.mask(), b.tokens()).logits();
                float[] zs = z.toFloatArray();
                for (int j = 0; j < idx.size(); j++) {
                    out[idx.get(j)] = zs[2 * j + 1] - zs[2 * j];
                }
            }
        }
        return out;
    }

    static int[] labels(List<Example> examples) {
        return examples.stream().mapToInt(Example::label).toArray();
    }

    static Evaluation evaluate(double[] logitDifferences, int[] labels, double temperature) {
        double[] p = new double[logitDifferences.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = 1 / (1 + Math.exp(-logitDifferences[i] / temperature));
        }
        return Evaluation.of(p, labels);
    }

    /** Binary cross-entropy of {@code sigmoid(d / T)} against the labels. */
    static double crossEntropy(double[] d, int[] labels, double temperature) {
        double s = 0;
        for (int i = 0; i < d.length; i++) {
            double u = d[i] / temperature;
            // log(1 + e^-u) for label 1, log(1 + e^u) for label 0, computed stably
            double v = labels[i] == 1 ? -u : u;
            s += Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
        }
        return s / d.length;
    }

    /**
     * The soft-argmax temperature that minimises the calibration cross-entropy (golden-section search on log T; the
     * loss is unimodal in T for fixed logits).
     */
    static double fitTemperature(double[] d, int[] labels) {
        double lo = Math.log(0.05);
        double hi = Math.log(50);
        double g = (Math.sqrt(5) - 1) / 2;
        for (int it = 0; it < 100; it++) {
            double a = hi - g * (hi - lo);
            double b = lo + g * (hi - lo);
            if (crossEntropy(d, labels, Math.exp(a)) < crossEntropy(d, labels, Math.exp(b))) {
                hi = b;
            } else {
                lo = a;
            }
        }
        return Math.exp((lo + hi) / 2);
    }
}
