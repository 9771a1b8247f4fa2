package dev.hnn.cli;

import dev.hnn.data.LabeledSentence;
import dev.hnn.data.SharedData;
import dev.hnn.head.SentimentModel;
import dev.hnn.data.Sst2Reader;
import dev.hnn.head.Evaluation;
import dev.hnn.head.HeadFile;
import dev.hnn.head.ReliabilityDiagram;
import dev.hnn.model.SentenceEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hnn eval [--plain|--encrypted] --data FILE}: accuracy, confusion matrix, ECE and a reliability diagram;
 * encrypted, also the agreement with the plaintext head and the largest |P_enc - P_plain|.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate on an SST-2 format TSV (sentence<TAB>label, header line first) or the head's validation split.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--plain", description = "Run the whole model in plaintext (no encryption).")
    boolean plain;

    @Option(names = "--encrypted", description = "Run the head under encryption (batched, one sentence per slot; "
            + "the default) and compare with the plaintext head.")
    boolean encrypted;

    @Option(names = "--data", paramLabel = "FILE", description = "SST-2 format TSV file.")
    Path data;

    @Option(names = "--validation", description = "Instead of --data: the model's held-out validation split, "
            + "re-derived from ../shared/data/sst2/train.tsv and checked against the fingerprint recorded in the model.")
    boolean validation;

    @Option(names = "--full-sentences", description = "Instead of --data: the 1,000 full-sentence validation "
            + "sentences of the fine-tuned models' split (any model, e.g. --model minilm-frozen, can be measured on them).")
    boolean fullSentences;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N rows (default: all).")
    int limit;

    @Option(names = "--skip", paramLabel = "N", description = "Leave out the first N rows (to resume a long run; "
            + "rows are numbered as in the whole file).")
    int skip;

    @Option(names = "--png", paramLabel = "FILE", defaultValue = "reliability.png",
            description = "Reliability diagram output (default: ${DEFAULT-VALUE}).")
    Path png;

    @Option(names = "--threads", defaultValue = "2", description = "Encoder threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    EncryptedHeadOption head;

    @Mixin
    KeysOption keys;

    @Mixin
    EncryptedEncoderOption encoder;

    @Override
    public Integer call() throws Exception {
        if (plain && encrypted) {
            System.err.println("give at most one of --plain and --encrypted");
            return 2;
        }
        if (encoder.enabled && (plain || encrypted)) {
            System.err.println("--encrypted-encoder runs alone: drop --plain/--encrypted");
            return 2;
        }
        HeadFile.Loaded loaded = encoder.enabled ? head.heModel().head() : head.loaded();
        if ((data != null ? 1 : 0) + (validation ? 1 : 0) + (fullSentences ? 1 : 0) != 1) {
            System.err.println("give exactly one of --data FILE, --validation or --full-sentences");
            return 2;
        }
        List<LabeledSentence> rows = validation ? head.model().validationSentences()
                : fullSentences ? SentimentModel.fullSentenceValidation() : Sst2Reader.read(data);
        String name = validation ? "validation split" : fullSentences ? "full-sentence validation"
                : data.getFileName().toString();
        if (limit > 0 && rows.size() > limit) {
            rows = rows.subList(0, limit);
        }
        if (skip < 0) throw new IllegalArgumentException("--skip must not be negative");
        rows = rows.subList(Math.min(skip, rows.size()), rows.size());
        System.out.printf(Locale.ROOT, "evaluating %d rows of %s%n", rows.size(), name);
        if (encoder.enabled) {
            return encryptedEncoder(rows, name, loaded);
        }
        long t0 = System.nanoTime();
        float[][] features;
        int total = rows.size();
        int step = Math.max(1, total / 20);
        try (SentenceEncoder enc = head.model().openEncoder()) {
            features = enc.embedAll(rows.stream().map(LabeledSentence::text).toList(), threads, n -> {
                if (n % step == 0 || n == total) {
                    System.out.printf(Locale.ROOT, "  %d/%d (%.1f sentences/s)%n", n, total, n / ((System.nanoTime() - t0) / 1e9));
                }
            });
        }
        double[] p = new double[rows.size()];
        int[] y = new int[rows.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = loaded.head().probabilityPositive(features[i]);
            y[i] = rows.get(i).label();
        }
        if (!plain) {
            p = encrypted(p, features);
        }
        Evaluation e = Evaluation.of(p, y);
        System.out.println(e.report());
        ReliabilityDiagram.write(e, "Reliability: " + name + " (T = "
                + String.format(Locale.ROOT, "%.3f", loaded.head().temperature()) + ")", png);
        System.out.printf(Locale.ROOT, "reliability diagram: %s%ntime: %.1fs%n", png, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * Every sentence through the whole encoder on ciphertexts, one at a time with progress: accuracy, agreement
     * with the plaintext HE-form model, max |P_enc - P_plain|, time per sentence by bucket, traffic.
     */
    private int encryptedEncoder(List<LabeledSentence> rows, String name, HeadFile.Loaded loaded) throws Exception {
        try (dev.hnn.encoder.EncoderSession s = encoder.open(head.heModel())) {
            int n = rows.size();
            double[] p = new double[n];
            int[] y = new int[n];
            int agree = 0;
            double worst = 0;
            java.util.Map<Integer, double[]> byBucket = new java.util.TreeMap<>(); // bucket -> {count, seconds}
            long trips = 0, up = 0, down = 0;
            ProgressBar bar = new ProgressBar("encrypted encoder", n);
            bar.update(0);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                dev.hnn.encoder.EncoderSession.Classification c = s.classify(rows.get(i).text());
                p[i] = c.probability();
                y[i] = rows.get(i).label();
                agree += (p[i] >= 0.5) == (c.plainProbability() >= 0.5) ? 1 : 0;
                worst = Math.max(worst, Math.abs(p[i] - c.plainProbability()));
                dev.hnn.encoder.EncoderStats st = c.encrypted().stats();
                double[] b = byBucket.computeIfAbsent(c.encrypted().bucket(), k -> new double[2]);
                b[0]++;
                b[1] += st.totalNanos() / 1e9;
                trips += st.roundTrips();
                up += st.bytesToServer();
                down += st.bytesToClient();
                // One line per sentence: a long run can be read (or stopped) at any point.
                System.out.printf(Locale.ROOT, "%d/%d bucket %d: P_enc %.6f P_plain %.6f |diff| %.1e label %d %s; "
                                + "%.1f s; agreement so far %d/%d, max |diff| %.1e%n", skip + i + 1, skip + n, c.encrypted().bucket(),
                        p[i], c.plainProbability(), Math.abs(p[i] - c.plainProbability()), y[i],
                        (p[i] >= 0.5) == (y[i] == 1) ? "right" : "wrong", st.totalNanos() / 1e9, agree, i + 1, worst);
                bar.update(i + 1);
            }
            Evaluation e = Evaluation.of(p, y);
            System.out.println(e.report());
            System.out.printf(Locale.ROOT, "agreement with the plaintext model: %d/%d (%.2f%%), max |P_enc - P_plain| = %.2e%n",
                    agree, n, 100.0 * agree / n, worst);
            byBucket.forEach((k, v) -> System.out.printf(Locale.ROOT, "bucket %d: %d sentences, %.1f s each%n", k,
                    (int) v[0], v[1] / v[0]));
            System.out.printf(Locale.ROOT, "per sentence: %.1f round trips, %,d bytes to the server, %,d to the client%n",
                    trips / (double) n, up / n, down / n);
            ReliabilityDiagram.write(e, "Reliability (encrypted encoder): " + name + " (T = "
                    + String.format(Locale.ROOT, "%.3f", loaded.head().temperature()) + ")", png);
            System.out.printf(Locale.ROOT, "reliability diagram: %s%ntime: %.1fs%n", png, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }

    /** The encrypted probabilities, after reporting how they compare with the plaintext ones. */
    private double[] encrypted(double[] plainP, float[][] features) throws java.io.IOException {
        dev.hnn.inference.HeadCircuit circuit = head.circuit();
        try (dev.hnn.inference.EncryptedClassifier ec = dev.hnn.inference.EncryptedClassifier.open(circuit,
                keys.directory(), msg -> System.err.println("hnn: " + msg))) {
            System.out.println("encrypted circuit: " + circuit);
            ProgressBar bar = new ProgressBar("encrypted", features.length);
            bar.update(0);
            long t0 = System.nanoTime();
            double[] enc = ec.classifyBatch(java.util.Arrays.asList(features), bar::update);
            double secs = (System.nanoTime() - t0) / 1e9;
            int agree = 0;
            double worst = 0;
            for (int i = 0; i < enc.length; i++) {
                agree += (enc[i] >= 0.5) == (plainP[i] >= 0.5) ? 1 : 0;
                worst = Math.max(worst, Math.abs(enc[i] - plainP[i]));
            }
            System.out.printf(Locale.ROOT, "agreement with the plaintext head: %d/%d (%.2f%%), max |P_enc - P_plain| = %.2e%n",
                    agree, enc.length, 100.0 * agree / enc.length, worst);
            System.out.printf(Locale.ROOT, "encrypted head: %.1f s for %d sentences (%.1f sentences/s, batches of up to %d)%n",
                    secs, enc.length, enc.length / secs, ec.spec().batchCapacity());
            return enc;
        }
    }
}
