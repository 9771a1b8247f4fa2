package dev.hnn.cli;

import dev.hnn.head.HeadFile;
import dev.hnn.model.distilbert.DistilBertClassifier;
import dev.hnn.model.distilbert.DistilBertLoader;
import dev.hnn.model.MiniLm;
import dev.hnn.model.SentenceEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code hnn classify --plain TEXT}: sentiment of one text with timings. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify the sentiment of a text (label, P(positive), timings).")
public final class ClassifyCommand implements Callable<Integer> {

    @Option(names = "--plain", description = "Run the whole model in plaintext (no encryption).")
    boolean plain;

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
            description = "Run the encoder N times and also report the fastest (warm JIT) time (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--distilbert", paramLabel = "DIR", description = "Use a Hugging Face DistilBERT sequence-classification "
            + "checkpoint directory (see `hnn download`) instead of MiniLM + the sentiment head.")
    java.nio.file.Path distilbert;

    @Mixin
    HeadOption headOption;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Text to classify (several words are joined).")
    String[] words;

    @Override
    public Integer call() throws Exception {
        if (!plain) {
            System.err.println("encrypted classification is not available in this build yet; use --plain");
            return 2;
        }
        String text = String.join(" ", words);
        if (distilbert != null) {
            return classifyDistilBert(text);
        }
        long t0 = System.nanoTime();
        HeadFile.Loaded loaded = headOption.load();
        try (SentenceEncoder enc = MiniLm.load()) {
            long t1 = System.nanoTime();
            int tokens = enc.tokenizer().encode(text).length;
            float[] feature = enc.embed(text);
            long t2 = System.nanoTime();
            long best = t2 - t1;
            for (int r = 1; r < repeat; r++) {
                long s = System.nanoTime();
                enc.embed(text);
                best = Math.min(best, System.nanoTime() - s);
            }
            long h0 = System.nanoTime();
            double p = loaded.head().probabilityPositive(feature);
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "label: %s%n", p >= 0.5 ? "positive" : "negative");
            System.out.printf(Locale.ROOT, "P(positive): %.4f%n", p);
            System.out.printf(Locale.ROOT, "timings: load %.0f ms, encoder %.1f ms (%d tokens), head %.3f ms, total %.0f ms%n",
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, tokens, (t3 - h0) / 1e6, (t2 - t0 + t3 - h0) / 1e6);
            if (repeat > 1) {
                System.out.printf(Locale.ROOT, "encoder, fastest of %d runs: %.1f ms%n", repeat, best / 1e6);
            }
        }
        return 0;
    }

    private int classifyDistilBert(String text) throws java.io.IOException {
        long t0 = System.nanoTime();
        try (DistilBertClassifier model = DistilBertLoader.load(distilbert)) {
            long t1 = System.nanoTime();
            float[] z = model.logits(text);
            long t2 = System.nanoTime();
            double[] zd = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                zd[i] = z[i];
            }
            double[] p = new dev.hnn.nn.SoftArgmax(1.0).probabilities(zd);
            int best = 0;
            for (int i = 1; i < p.length; i++) {
                best = p[i] > p[best] ? i : best;
            }
            String label = best < model.labels().size() ? model.labels().get(best) : Integer.toString(best);
            System.out.printf(Locale.ROOT, "label: %s%n", label.toLowerCase(Locale.ROOT));
            if (p.length == 2) {
                System.out.printf(Locale.ROOT, "P(positive): %.4f%n", p[1]);
            }
            System.out.printf(Locale.ROOT, "timings: load %.0f ms, model %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        return 0;
    }
}
