package dev.hnn.cli;

import dev.hnn.head.HeadFile;
import dev.hnn.inference.EncryptedClassifier;
import dev.hnn.inference.HeadCircuit;
import dev.hnn.model.distilbert.DistilBertClassifier;
import dev.hnn.model.distilbert.DistilBertLoader;
import dev.hnn.model.SentenceEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hnn classify TEXT}: sentiment of one text under encryption (client and server in one process, the
 * server holding only public keys), or in plaintext with {@code --plain}.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify the sentiment of a text under CKKS encryption (label, P(positive), plaintext P, "
                + "timings, bytes each way); --plain runs it without encryption.")
public final class ClassifyCommand implements Callable<Integer> {

    @Option(names = "--plain", description = "Run the whole model in plaintext (no encryption).")
    boolean plain;

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
            description = "Run N times and also report the fastest (warm) times (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--distilbert", paramLabel = "DIR", description = "Use a Hugging Face DistilBERT sequence-classification "
            + "checkpoint directory (see `hnn download`) instead of MiniLM + the sentiment head (plaintext only).")
    java.nio.file.Path distilbert;

    @Option(names = "--backend", defaultValue = "hnn", paramLabel = "hnn|seal",
            description = "CKKS backend of the encrypted head: hnn (HNN's engine, default) or seal (Microsoft SEAL; "
                    + "needs the SEAL binding jar, see README; keys are generated for the run, not kept).")
    String backend;

    @Mixin
    EncryptedHeadOption head;

    @Mixin
    KeysOption keys;

    @Mixin
    EncryptedEncoderOption encoder;

    @Mixin
    ServerOption server;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Text to classify (several words are joined).")
    String[] words;

    @Override
    public Integer call() throws Exception {
        String text = String.join(" ", words);
        if (distilbert != null) {
            if (!plain) {
                System.err.println("DistilBERT runs in plaintext only from the CLI: add --plain");
                return 2;
            }
            return classifyDistilBert(text);
        }
        if (server.enabled()) {
            if (plain || distilbert != null) {
                System.err.println("--server classifies under encryption: leave out --plain and --distilbert");
                return 2;
            }
            try (dev.hnn.service.HnnClient client = server.connect()) {
                return encoder.enabled ? RemoteClassify.encoder(client, keys.directory(), text)
                        : RemoteClassify.head(client, keys.directory(), text);
            }
        }
        if (encoder.enabled) {
            if (plain) {
                System.err.println("give at most one of --plain and --encrypted-encoder");
                return 2;
            }
            return classifyEncryptedEncoder(text);
        }
        return plain ? classifyPlain(text) : classifyEncrypted(text);
    }

    private int classifyPlain(String text) throws Exception {
        long t0 = System.nanoTime();
        HeadFile.Loaded loaded = head.loaded();
        try (SentenceEncoder enc = head.model().openEncoder()) {
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

    private int classifyEncrypted(String text) throws Exception {
        long t0 = System.nanoTime();
        HeadFile.Loaded loaded = head.loaded();
        HeadCircuit circuit = head.circuit();
        dev.hnn.ckks.Backend be;
        try {
            be = dev.hnn.ckks.Backend.valueOf(backend.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("unknown backend '" + backend + "': use hnn or seal");
            return 2;
        }
        if (be == dev.hnn.ckks.Backend.SEAL && !be.isAvailable()) {
            System.err.println("hnn: " + dev.hnn.ckks.sealjni.SealAvailability.HOW_TO_ENABLE);
            return 2;
        }
        try (EncryptedClassifier ec = be == dev.hnn.ckks.Backend.HNN
                ? EncryptedClassifier.open(circuit, keys.directory(),
                        msg -> System.err.println("hnn: " + msg + " (once; kept in " + keys.directory().path() + ")"))
                : sealClassifier(circuit);
             SentenceEncoder enc = head.model().openEncoder()) {
            long t1 = System.nanoTime();
            long tok0 = System.nanoTime();
            int tokens = enc.tokenizer().encode(text).length;
            long tok1 = System.nanoTime();
            float[] feature = enc.embed(text);
            long f1 = System.nanoTime();
            EncryptedClassifier.Result r = ec.classify(feature);
            EncryptedClassifier.Result best = r;
            for (int i = 1; i < repeat; i++) {
                EncryptedClassifier.Result again = ec.classify(feature);
                long total = again.encryptNanos() + again.evaluateNanos() + again.decryptNanos();
                if (total < best.encryptNanos() + best.evaluateNanos() + best.decryptNanos()) {
                    best = again;
                }
            }
            double plainP = loaded.head().probabilityPositive(feature);
            double p = r.probability();
            System.out.printf(Locale.ROOT, "label: %s%n", p >= 0.5 ? "positive" : "negative");
            System.out.printf(Locale.ROOT, "P(positive): %.4f (encrypted)%n", p);
            System.out.printf(Locale.ROOT, "P(positive): %.4f (plaintext, for comparison; |diff| %.1e)%n", plainP,
                    Math.abs(p - plainP));
            System.out.printf(Locale.ROOT, "timings: tokenize %.1f ms, features %.1f ms (%d tokens), encode+encrypt %.1f ms, "
                            + "evaluate %.1f ms, decrypt %.1f ms (setup: keys and model %.0f ms)%n",
                    (tok1 - tok0) / 1e6, (f1 - tok1) / 1e6, tokens, r.encryptNanos() / 1e6, r.evaluateNanos() / 1e6,
                    r.decryptNanos() / 1e6, (t1 - t0) / 1e6);
            if (repeat > 1) {
                System.out.printf(Locale.ROOT, "fastest of %d: encode+encrypt %.1f ms, evaluate %.1f ms, decrypt %.1f ms%n",
                        repeat, best.encryptNanos() / 1e6, best.evaluateNanos() / 1e6, best.decryptNanos() / 1e6);
            }
            System.out.printf(Locale.ROOT, "bytes: client -> server %,d (request), server -> client %,d (response)%n",
                    r.requestBytes(), r.responseBytes());
            System.out.printf(Locale.ROOT, "circuit: %s%n", circuit);
            if (be != dev.hnn.ckks.Backend.HNN) {
                System.out.printf(Locale.ROOT, "backend: %s (%s)%n", be, ec.spec().parameters());
            }
        }
        return 0;
    }

    /** The whole encoder and the head on ciphertexts: label, P beside the plaintext P, time per layer, traffic. */
    private int classifyEncryptedEncoder(String text) throws Exception {
        try (dev.hnn.encoder.EncoderSession s = encoder.open(head.heModel())) {
            dev.hnn.encoder.EncoderSession.Classification c = null;
            for (int i = 0; i < repeat; i++) {
                c = s.classify(text, layerProgress(s.layers()));
            }
            dev.hnn.encoder.EncoderStats st = c.encrypted().stats();
            double p = c.probability();
            System.out.printf(Locale.ROOT, "label: %s%n", p >= 0.5 ? "positive" : "negative");
            System.out.printf(Locale.ROOT, "P(positive): %.4f (encrypted encoder and head)%n", p);
            System.out.printf(Locale.ROOT, "P(positive): %.4f (plaintext, same model; |diff| %.1e)%n",
                    c.plainProbability(), Math.abs(p - c.plainProbability()));
            System.out.printf(Locale.ROOT, "tokens: %d in bucket %d%s; depth per layer %s%n", c.tokens(),
                    c.encrypted().bucket(), c.truncated() ? " (truncated)" : "", s.depthPerLayer(c.encrypted().bucket()));
            for (int l = 0; l < s.layers(); l++) {
                long steps = st.nanos("L" + l + " "), refresh = st.nanos("refresh before L" + l + " ");
                System.out.printf(Locale.ROOT, "  layer %d: %6.2f s (steps %.2f s, refreshes %.2f s)%n", l,
                        (steps + refresh) / 1e9, steps / 1e9, refresh / 1e9);
            }
            long headNanos = st.totalNanos() - java.util.stream.IntStream.range(0, s.layers())
                    .mapToLong(l -> st.nanos("L" + l + " ") + st.nanos("refresh before L" + l + " ")).sum();
            System.out.printf(Locale.ROOT, "  pooling, head, client encryption/decryption: %.2f s%n", headNanos / 1e9);
            dev.hnn.refresh.RefreshStats rs = st.refresh();
            String refreshes = rs.bootstraps() > 0
                    ? String.format(Locale.ROOT, "%d ciphertexts refreshed by %d bootstraps", rs.ciphertexts(), rs.bootstraps())
                    : String.format(Locale.ROOT, "%d refreshes of %d ciphertexts", rs.roundTrips(), rs.ciphertexts());
            System.out.printf(Locale.ROOT, "total: %.1f s; round trips %d (%s); bytes: client -> server %,d, server ->"
                    + " client %,d%n", st.totalNanos() / 1e9, st.roundTrips(), refreshes, st.bytesToServer(),
                    st.bytesToClient());
        }
        return 0;
    }

    /** A progress bar over the encoder's layers and the head, moved by the circuit's step names. */
    private static java.util.function.Consumer<String> layerProgress(int layers) {
        ProgressBar bar = new ProgressBar("encrypted encoder (layers + head)", layers + 1);
        bar.update(0);
        java.util.regex.Pattern released = java.util.regex.Pattern.compile("^release L(\\d+)$");
        return step -> {
            java.util.regex.Matcher m = released.matcher(step);
            if (m.matches()) {
                bar.update(Integer.parseInt(m.group(1)) + 1);
            } else if (step.equals("head output")) {
                bar.update(layers + 1);
            }
        };
    }

    /** The encrypted head on Microsoft SEAL: fresh keys for this run (one special prime, see ServiceSpec). */
    private static EncryptedClassifier sealClassifier(HeadCircuit circuit) {
        dev.hnn.inference.ServiceSpec spec =
                dev.hnn.inference.ServiceSpec.of(circuit, dev.hnn.inference.ServiceSpec.SingleLayout.AUTO,
                        dev.hnn.ckks.Backend.SEAL);
        System.err.println("hnn: generating SEAL keys for this run ...");
        dev.hnn.ckks.CkksContext keys = dev.hnn.ckks.CkksContext.builder(spec.parameters())
                .backend(dev.hnn.ckks.Backend.SEAL).rotations(spec.rotationSteps()).build();
        return EncryptedClassifier.inMemory(circuit, spec, keys);
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
