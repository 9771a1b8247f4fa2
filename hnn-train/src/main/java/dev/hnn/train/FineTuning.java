package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hnn.head.Evaluation;
import dev.hnn.model.TransformerEncoder;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes a pre-trained encoder end to end on a workbench's texts: adapters on every linear layer, biases,
 * LayerNorms and the sentiment head, with the head's range penalty (its non-linearities stay in narrow intervals
 * for its encrypted form). Then fits the soft-argmax temperature on the calibration sentences and evaluates on the
 * validation sentences. Seeded.
 */
final class FineTuning {
    /** Training settings; {@link #defaults()} reproduces the shipped model. */
    record Options(int epochs, int batchSize, float learningRate, float weightDecay, int rank, int headUnits,
                   float rangePenalty, float activationBound, float logitBound, long seed) {
        static Options defaults() {
            return new Options(2, 32, 1e-3f, 0.01f, 16, 32, 1f, 1.25f, 5.5f, 42);
        }
    }

    private FineTuning() {
    }

    static TorchEncoder run(Workbench wb, Options o, PrintStream log) {
        Random rng = new Random(o.seed());
        int h = wb.base.config().hidden();
        float[] zero = new float[h];
        float[] one = new float[h];
        Arrays.fill(one, 1f);
        TorchEncoder probe = TorchEncoder.of(wb.base, o.rank(),
                SentimentHeadParams.init(zero, one, o.headUnits(), wb.root, rng), wb.root, rng);
        float[][] stats = pooledStatistics(probe, wb.train, wb.base, wb.root, new Random(o.seed()));
        TorchEncoder model = probe.withHead(SentimentHeadParams.init(stats[0], stats[1], o.headUnits(), wb.root, rng));
        log.printf("fine-tuning: %d epochs of %d texts, batch %d, AdamW lr %.1e, adapter rank %d%n", o.epochs(),
                wb.train.size(), o.batchSize(), o.learningRate(), o.rank());
        TrainingLoop.run(model, wb.train, wb.base.embeddings(),
                new TrainingLoop.Settings(o.epochs(), o.batchSize(), o.learningRate(), o.weightDecay(), 0.06f, o.seed()),
                (b, out) -> Objectives.crossEntropy(b, out).add(
                        Objectives.headRangePenalty(out, o.activationBound(), o.logitBound()).mul(o.rangePenalty())),
                wb.root, log);
        return model;
    }

    /**
     * Fits T on the calibration texts, records accuracy and calibration error on both held-out parts into
     * {@code metrics}, and returns T.
     */
    static double calibrateAndEvaluate(TorchEncoder model, Workbench wb, Map<String, Object> metrics,
                                       PrintStream log) {
        double[] cal = Predictions.logitDifferences(model, wb.calibration, wb.base.embeddings(), wb.root);
        int[] calLabels = Predictions.labels(wb.calibration);
        double t = Predictions.fitTemperature(cal, calLabels);
        double[] val = Predictions.logitDifferences(model, wb.validation, wb.base.embeddings(), wb.root);
        Evaluation ev = Predictions.evaluate(val, Predictions.labels(wb.validation), t);
        Evaluation evCal = Predictions.evaluate(cal, calLabels, t);
        metrics.put("temperature", t);
        metrics.put("validation_full_sentences", wb.validation.size());
        metrics.put("validation_accuracy", ev.accuracy());
        metrics.put("validation_ece", ev.ece());
        Map<String, Object> confusion = new LinkedHashMap<>(); // fixed key order: reruns give the same file
        confusion.put("tn", ev.trueNegative());
        confusion.put("fp", ev.falsePositive());
        confusion.put("fn", ev.falseNegative());
        confusion.put("tp", ev.truePositive());
        metrics.put("validation_confusion", confusion);
        metrics.put("calibration_accuracy", evCal.accuracy());
        metrics.put("calibration_bce", Predictions.crossEntropy(cal, calLabels, t));
        log.printf("temperature %.3f (calibration BCE %.4f); calibration accuracy %.2f%%%n", t,
                Predictions.crossEntropy(cal, calLabels, t), 100 * evCal.accuracy());
        log.printf("validation (%d full sentences): accuracy %.2f%%, ECE %.4f%n", wb.validation.size(),
                100 * ev.accuracy(), ev.ece());
        return t;
    }

    /**
     * Per-feature mean and one shared standard deviation of the mean-pooled features (up to 2,000 training texts).
     * One deviation for all features (their root-mean-square spread), not one each: a feature that barely varies at
     * the start would otherwise be divided by a tiny deviation, and the encoder's drift during fine-tuning would
     * reach the head amplified by its inverse.
     */
    static float[][] pooledStatistics(TorchEncoder model, List<Example> train, TransformerEncoder base, NDManager root,
                                      Random rng) {
        List<Example> sample = new ArrayList<>(train);
        java.util.Collections.shuffle(sample, rng);
        sample = sample.subList(0, Math.min(2000, sample.size()));
        int h = base.config().hidden();
        double[] sum = new double[h];
        double[] sq = new double[h];
        for (List<Example> part : TrainingLoop.batches(sample, 64, rng)) {
            try (NDManager bm = root.newSubManager()) {
                Batch b = Batch.of(part, base.embeddings(), h, bm);
                NDArray pooled = model.forward(b.embeddings(), b.mask(), b.tokens()).pooled();
                float[] v = pooled.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    sum[i % h] += v[i];
                    sq[i % h] += (double) v[i] * v[i];
                }
            }
        }
        float[] mean = new float[h];
        float[] std = new float[h];
        int n = sample.size();
        double var = 0;
        for (int j = 0; j < h; j++) {
            double m = sum[j] / n;
            mean[j] = (float) m;
            var += Math.max(sq[j] / n - m * m, 0) / h;
        }
        Arrays.fill(std, (float) Math.sqrt(Math.max(var, 1e-12)));
        return new float[][] {mean, std};
    }
}
