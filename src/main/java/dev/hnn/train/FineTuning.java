package dev.hnn.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hnn.data.LabeledSentence;
import dev.hnn.data.SharedData;
import dev.hnn.data.Sst2Reader;
import dev.hnn.head.Evaluation;
import dev.hnn.head.FullSentenceSplit;
import dev.hnn.model.MiniLm;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.model.onnx.MiniLmLoader;
import dev.hnn.text.Offline;
import dev.hnn.text.TextTokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code hnn train}: fine-tunes the Maven-shipped MiniLM-L6 end to end on SST-2 (adapters on every linear layer,
 * biases, LayerNorms, and the sentiment head, with a range penalty that keeps the head's non-linearities in narrow
 * intervals for its encrypted form), fits the soft-argmax temperature on held-out full sentences, and evaluates on
 * other held-out full sentences. Everything is seeded.
 */
public final class FineTuning {
    /** Training settings; {@link #defaults()} reproduces the shipped model. */
    public record Options(int epochs, int batchSize, float learningRate, float weightDecay, int rank, int headUnits,
                          float rangePenalty, float activationBound, float logitBound, int trainLimit, long seed) {
        public static Options defaults() {
            return new Options(2, 32, 1e-3f, 0.01f, 16, 32, 1f, 1.25f, 5.5f, 0, 42);
        }
    }

    /** A trained model on its PyTorch tensors, with the data it was trained and evaluated on. */
    public static final class Session implements AutoCloseable {
        final NDManager manager;
        final TransformerEncoder base;
        final TorchEncoder model;
        final Data data;
        final double temperature;
        final Map<String, Object> metrics;

        Session(NDManager manager, TransformerEncoder base, TorchEncoder model, Data data, double temperature,
                Map<String, Object> metrics) {
            this.manager = manager;
            this.base = base;
            this.model = model;
            this.data = data;
            this.temperature = temperature;
            this.metrics = metrics;
        }

        public Map<String, Object> metrics() {
            return metrics;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** The tokenized split. */
    record Data(FullSentenceSplit split, List<Example> train, List<Example> calibration, List<Example> validation) {
        static Data load(TextTokenizer tokenizer, long seed, int trainLimit) throws IOException {
            List<LabeledSentence> all = Sst2Reader.read(SharedData.sst2Train());
            FullSentenceSplit split = FullSentenceSplit.make(all, FullSentenceSplit.DEFAULT_SEED,
                    FullSentenceSplit.DEFAULT_VALIDATION, FullSentenceSplit.DEFAULT_CALIBRATION);
            List<LabeledSentence> train = split.train();
            if (trainLimit > 0 && trainLimit < train.size()) {
                List<LabeledSentence> shuffled = new ArrayList<>(train);
                java.util.Collections.shuffle(shuffled, new Random(seed));
                train = shuffled.subList(0, trainLimit);
            }
            return new Data(split, examples(tokenizer, train), examples(tokenizer, split.calibration()),
                    examples(tokenizer, split.validation()));
        }

        private static List<Example> examples(TextTokenizer tokenizer, List<LabeledSentence> part) {
            List<Example> out = new ArrayList<>(part.size());
            for (LabeledSentence s : part) {
                out.add(new Example(tokenizer.encode(s.text()), s.label()));
            }
            return out;
        }
    }

    private FineTuning() {
    }

    public static Session run(Options o, PrintStream log) throws IOException {
        Offline.enable();
        long t0 = System.nanoTime();
        TransformerEncoder base = MiniLmLoader.loadDefault();
        Data data;
        try (TextTokenizer tokenizer = TextTokenizer.fromResource(MiniLmLoader.TOKENIZER_RESOURCE, MiniLm.MAX_TOKENS)) {
            data = Data.load(tokenizer, o.seed(), o.trainLimit());
        }
        FullSentenceSplit.Stats st = data.split().stats();
        log.printf("split: %d unique texts, %d full sentences; validation %d, calibration %d full sentences; "
                        + "train %d texts (%d sub-phrases of held-out sentences removed)%n", st.unique(), st.fullSentences(),
                data.validation().size(), data.calibration().size(), data.train().size(), st.subPhrasesRemoved());
        log.printf("PyTorch engine %s, %d threads%n", Engine.getEngine("PyTorch").getVersion(),
                Runtime.getRuntime().availableProcessors());
        NDManager root = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
        try {
            Random rng = new Random(o.seed());
            int h = base.config().hidden();
            float[] zero = new float[h];
            float[] one = new float[h];
            java.util.Arrays.fill(one, 1f);
            TorchEncoder probe = TorchEncoder.of(base, o.rank(), SentimentHeadParams.init(zero, one, o.headUnits(), root,
                    rng), root, rng);
            float[][] stats = pooledStatistics(probe, data.train(), base, root, new Random(o.seed()));
            TorchEncoder model = probe.withHead(SentimentHeadParams.init(stats[0], stats[1], o.headUnits(), root, rng));
            TrainingLoop.Settings settings = new TrainingLoop.Settings(o.epochs(), o.batchSize(), o.learningRate(),
                    o.weightDecay(), 0.06f, o.seed());
            log.printf("fine-tuning: %d epochs of %d texts, batch %d, AdamW lr %.1e, adapter rank %d%n", o.epochs(),
                    data.train().size(), o.batchSize(), o.learningRate(), o.rank());
            TrainingLoop.run(model, data.train(), base.embeddings(), settings,
                    (b, out) -> Objectives.crossEntropy(b, out).add(
                            Objectives.headRangePenalty(out, o.activationBound(), o.logitBound()).mul(o.rangePenalty())),
                    root, log);
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> metrics = new LinkedHashMap<>();
            double temperature = calibrateAndEvaluate(model, data, base, root, metrics, log);
            metrics.put("train_seconds", Math.round(trainSeconds));
            return new Session(root, base, model, data, temperature, metrics);
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /** Fits T on the calibration sentences and records accuracy and calibration error on both held-out parts. */
    static double calibrateAndEvaluate(TorchEncoder model, Data data, TransformerEncoder base, NDManager root,
                                       Map<String, Object> metrics, PrintStream log) {
        double[] cal = Predictions.logitDifferences(model, data.calibration(), base.embeddings(), root);
        int[] calLabels = Predictions.labels(data.calibration());
        double t = Predictions.fitTemperature(cal, calLabels);
        double[] val = Predictions.logitDifferences(model, data.validation(), base.embeddings(), root);
        Evaluation ev = Predictions.evaluate(val, Predictions.labels(data.validation()), t);
        Evaluation evCal = Predictions.evaluate(cal, calLabels, t);
        metrics.put("temperature", t);
        metrics.put("validation_full_sentences", data.validation().size());
        metrics.put("validation_accuracy", ev.accuracy());
        metrics.put("validation_ece", ev.ece());
        metrics.put("calibration_accuracy", evCal.accuracy());
        metrics.put("calibration_bce", Predictions.crossEntropy(cal, calLabels, t));
        log.printf("temperature %.3f (calibration BCE %.4f); calibration accuracy %.2f%%%n", t,
                Predictions.crossEntropy(cal, calLabels, t), 100 * evCal.accuracy());
        log.printf("validation (%d full sentences): accuracy %.2f%%, ECE %.4f%n", data.validation().size(),
                100 * ev.accuracy(), ev.ece());
        return t;
    }

    /** Per-feature mean and one shared standard deviation of the mean-pooled features (up to 2,000 training texts). */
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
        // One deviation for all features (their root-mean-square spread), not one each: a feature that barely varies
        // at the start would otherwise be divided by a tiny deviation, and the encoder's drift during fine-tuning
        // would reach the head amplified by its inverse.
        float[] mean = new float[h];
        float[] std = new float[h];
        int n = sample.size();
        double var = 0;
        for (int j = 0; j < h; j++) {
            double m = sum[j] / n;
            mean[j] = (float) m;
            var += Math.max(sq[j] / n - m * m, 0) / h;
        }
        java.util.Arrays.fill(std, (float) Math.sqrt(Math.max(var, 1e-12)));
        return new float[][] {mean, std};
    }
}
