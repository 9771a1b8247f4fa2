package dev.hnn.encoder;

import dev.hnn.ckks.BootstrapOptions;
import dev.hnn.ckks.Bootstrapper;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.head.SentimentModel;
import dev.hnn.model.EncoderConfig;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.refresh.BootstrappingRefresher;
import dev.hnn.refresh.RefreshStats;
import dev.hnn.refresh.Refresher;
import dev.hnn.transformer.EncryptedTokens;
import dev.hnn.transformer.TokenLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One encoder layer of the shipped MiniLM-L6 HE-form model on ciphertexts, non-interactively: the server (public keys
 * only) refreshes by bootstrapping (N = 2^16, full slots, the 128-bit chain of {@code hnn_bench --bootstrap}: 12
 * levels of 40 bits left), never asking the key holder. Runs the circuit of the first LAYERS layers (default 1) and
 * the head on one sentence
 * (what {@link EncoderEndpoint} builds, driven directly so that every bootstrap can be measured: what each one got
 * and gave back, decrypted with the key holder's key outside the timed work), decrypts the last layer's output after
 * its last step and compares them with the plaintext HE-form layer; prints the time of every step and bootstrap, the
 * key sizes and the peak memory. Needs about 21 GB.
 *
 * <pre>mvn -B -P benchmarks -DskipTests verify -Djmh.main=dev.hnn.encoder.BootstrappedLayerRun \
 *     -Djmh.args="hnn-models/src/main/resources/dev/hnn/model/sst2-minilm-he.delta 32 [VALUE_BOUND [LAYERS]]"</pre>
 */
public final class BootstrappedLayerRun {
  public static void main(String[] args) throws Exception {
    if (args.length < 1)
      throw new IllegalArgumentException("usage: BootstrappedLayerRun DELTA [BUCKET [VALUE_BOUND [LAYERS]]]");
    int bucket = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    double valueBound =
        args.length > 2 ? Double.parseDouble(args[2]) : EncryptedEncoder.Bootstrapping.MINILM_VALUE_BOUND;
    SentimentModel model = SentimentModel.fromDeltaFile(Path.of(args[0]));
    TransformerEncoder full = model.encoderWeights();
    EncoderConfig c = full.config();
    int layers = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    if (layers < 1 || layers > full.layers().size())
      throw new IllegalArgumentException("LAYERS must be in 1.." + full.layers().size());
    int last = layers - 1;
    TransformerEncoder oneLayer = new TransformerEncoder(new EncoderConfig(c.name(), layers, c.hidden(), c.heads(),
        c.intermediate(), c.maxPositions(), c.layerNormEps()), full.embeddings(), full.layers().subList(0, layers));
    HeadSpec head = HeadSpec.of(model.head().head());
    int[] ids;
    List<int[]> calib = new ArrayList<>();
    try (SentenceEncoder se = model.openEncoder()) {
      ids = se.tokenizer().encode(EncryptedEncoderBench.SENTENCE);
      if (ids.length > bucket) {
        int sep = ids[ids.length - 1];
        ids = Arrays.copyOf(ids, bucket);
        ids[bucket - 1] = sep;
      }
      for (String s : EncoderSession.CALIBRATION) calib.add(se.tokenizer().encode(s));
    }
    calib.add(ids);
    // Layer 0's ranges as recorded at training time; the head's input range for a one-layer encoder is measured.
    CircuitRanges measured = EncryptedEncoder.measureRanges(oneLayer, head, calib);
    Object recorded = model.delta() == null ? null : model.delta().metadata().get("ranges");
    CircuitRanges ranges = recorded instanceof Map<?, ?> m
        ? new CircuitRanges(CircuitRanges.recorded(stringKeys(m), full.layers().size()).layers().subList(0, layers),
            layers == full.layers().size() ? CircuitRanges.recorded(stringKeys(m), layers).headPreActivation()
                : measured.headPreActivation())
        : measured;

    EncryptedEncoder.Bootstrapping bootstrapping = EncryptedEncoder.Bootstrapping.defaults();
    BootstrapOptions boot = bootstrapping.options();
    CkksParameters params = bootstrapping.parameters();
    EncryptedEncoder.Options options = EncryptedEncoder.Options.defaults().withBuckets(bucket)
        .withValueBound(valueBound).withBootstrapping(bootstrapping);
    System.out.printf("model %s, %d of %d layers, sentence of %d tokens, bucket %d; N = %d, %d primes (%.0f bits with"
            + " the special primes), bootstrapping to level %d; value bound %.0f%n", model.name(), layers,
        full.layers().size(), ids.length, bucket, params.polyDegree(), params.coeffModulusBits().length,
        log2Qp(params), options.bootstrapping().outputLevel(params), valueBound);

    long t0 = System.nanoTime();
    int top = options.bootstrapping().outputLevel(params);
    try (CkksContext keys = EncryptedEncoder.generateKeys(oneLayer, head, options, params);
        CkksContext server = keys.publicContext()) {
      long keyNanos = System.nanoTime() - t0;
      int[] steps = EncryptedEncoder.rotationSteps(oneLayer, head, params.slotCount(), bucket);
      long restricted = Arrays.stream(steps).filter(st -> keys.rotationKeyLevel(st) < keys.maxLevel()).count();
      System.out.printf("keys: %.1f s; %d Galois keys (%d encoder rotations, %d of them for levels <= %d only),"
              + " %.2f GB in memory%n", keyNanos / 1e9, keys.galoisElements().length, steps.length, restricted, top,
          galoisKeyBytes(keys) / 1e9);
      long t1 = System.nanoTime();
      // The server's side with public keys only: the bootstrapper and the circuit (what EncoderEndpoint builds).
      try (Bootstrapper bootstrapper = Bootstrapper.create(server, boot);
          EncoderCircuit circuit = new EncoderCircuit(server, EncryptedEncoder.forms(oneLayer), head, ranges, bucket,
              valueBound, options.lnTolerance(), options.lnWiden(), options.headDegree(), options.placement(),
              RefreshModel.bootstrapping(new BootstrappingRefresher(bootstrapper), valueBound, server.scale(),
                  bootstrapping.costPerBootstrap()))) {
        System.out.printf("bootstrapper and circuit: %.1f s; circuit levels %d..0, refresh from level %d; planned"
                + " bootstraps before %s%n", (System.nanoTime() - t1) / 1e9, circuit.topLevel(),
            circuit.refreshReserve(), circuit.plannedRefreshes(ids.length));
        double[][] x = EncryptedEncoder.toDouble(oneLayer.embeddings().forward(ids));
        PlainTrace trace = PlainTrace.run(EncryptedEncoder.forms(oneLayer), x);
        double plainLogit = head.logit(trace.pooled());
        EncryptedEncoderLayer layer = circuit.layers().get(last);
        TokenLayout layout = TokenLayout.featureMajor(keys.slotCount(), bucket, c.hidden());
        double[][] want = trace.layers().get(last).tokens().get("ln2");
        double[] errors = new double[2];
        int n = ids.length;
        EncoderCircuit.StepListener listener = (step, regs) -> {
          System.out.printf("  after %-26s %s%n", step, liveLevels(regs));
          if (!step.equals("L" + last + " ln2 normalize")) return;
          double[][] z = decrypt(keys, layout, regs.get("z"));
          double[] gain = layer.outputGain(), shift = layer.outputShift();
          for (int t = 0; t < n; t++)
            for (int i = 0; i < c.hidden(); i++) {
              errors[0] = Math.max(errors[0], Math.abs(z[t][i] * gain[i] + shift[i] - want[t][i]));
              errors[1] = Math.max(errors[1], Math.abs(want[t][i]));
            }
        };
        // The key holder encrypts at the level the circuit computes from (fewer primes than the top of the chain).
        Ciphertext[] input;
        try (EncryptedTokens in = EncryptedTokens.encrypt(keys, layout, x, top)) {
          input = Arrays.stream(in.ciphertexts()).map(Ciphertext::copy).toArray(Ciphertext[]::new);
        }
        // Measurement only: decrypts what each bootstrap gets and gives back, with the key holder's key.
        BootstrappingRefresher bootstrapRefresher = new BootstrappingRefresher(bootstrapper);
        MeasuredRefresher refresher = new MeasuredRefresher(bootstrapRefresher, keys);
        Map<String, Long> timings = EncoderCircuit.newTimings();
        List<String> points = new ArrayList<>();
        long t2 = System.nanoTime();
        double logit;
        try (Ciphertext out = circuit.run(input, n, refresher, timings, points, listener)) {
          logit = keys.decryptor().decryptValues(out)[0];
        } finally {
          for (Ciphertext ct : input) ct.close();
        }
        long runNanos = System.nanoTime() - t2;
        timings.forEach((k, v) -> System.out.printf("%-36s %10.1f ms%n", k, v / 1e6));
        for (int l = 0; l < layers; l++) {
          long layerSteps = sum(timings, "L" + l + " "), layerBoots = sum(timings, "refresh before L" + l + " ");
          System.out.printf("layer %d: %.1f s (steps %.1f s + bootstrapping %.1f s)%n", l,
              (layerSteps + layerBoots) / 1e9, layerSteps / 1e9, layerBoots / 1e9);
        }
        System.out.printf("whole run %.1f s (measurement decryptions %.1f s excluded), %d ciphertexts refreshed by %d"
                + " bootstraps before %s%n", (runNanos - refresher.measureNanos) / 1e9, refresher.measureNanos / 1e9,
            refresher.count, bootstrapRefresher.stats().bootstraps(), points);
        System.out.printf("layer %d output vs plaintext HE-form layers: max |error| %.3e over %d x %d values (max |value|"
            + " %.2f, relative %.2e)%n", last, errors[0], n, c.hidden(), errors[1], errors[0] / errors[1]);
        System.out.printf("encoder + head: logit encrypted %.6f, plaintext %.6f; P %.6f vs %.6f (the"
                + " head's activation fit on its range: max error %.2e)%n", logit,
            plainLogit, head.probability(logit), head.probability(plainLogit), circuit.headFitError());
      }
    }
    System.out.printf("peak resident memory %.2f GB%n", peakRssBytes() / 1e9);
  }

  private static long sum(Map<String, Long> timings, String prefix) {
    return timings.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
  }

  /** Prints, for every bootstrapped ciphertext, its largest value and the largest change bootstrapping made. */
  private static final class MeasuredRefresher implements Refresher {
    private final Refresher inner;
    private final CkksContext keys;
    long measureNanos;
    int count;

    MeasuredRefresher(Refresher inner, CkksContext keys) {
      this.inner = inner;
      this.keys = keys;
    }

    @Override
    public List<Ciphertext> refresh(List<Ciphertext> cts, double valueBound) {
      return refresh(cts, valueBound, targetLevel());
    }

    @Override
    public List<Ciphertext> refresh(List<Ciphertext> cts, double valueBound, int targetLevel) {
      List<Ciphertext> out = inner.refresh(cts, valueBound, targetLevel);
      long t = System.nanoTime();
      for (int i = 0; i < cts.size(); i++) {
        double[] before = keys.decryptor().decryptValues(cts.get(i));
        double[] after = keys.decryptor().decryptValues(out.get(i));
        double max = 0, err = 0;
        for (int j = 0; j < before.length; j++) {
          max = Math.max(max, Math.abs(before[j]));
          err = Math.max(err, Math.abs(after[j] - before[j]));
        }
        System.out.printf("    refreshed %d: level %d -> %d, scale 2^%.2f, max |value| %.3g, max |change| %.3e%n",
            ++count, cts.get(i).level(), out.get(i).level(), Math.log(cts.get(i).scale()) / Math.log(2), max, err);
      }
      measureNanos += System.nanoTime() - t;
      return out;
    }

    @Override
    public int targetLevel() {
      return inner.targetLevel();
    }

    @Override
    public RefreshStats stats() {
      return inner.stats();
    }
  }

  private static String liveLevels(Registers regs) {
    return "live " + regs.count() + " at level >= " + regs.minLevel();
  }

  static double[][] decrypt(CkksContext keys, TokenLayout layout, Ciphertext[] cts) {
    double[][] v = new double[cts.length][];
    for (int i = 0; i < cts.length; i++) v[i] = keys.decryptor().decryptValues(cts[i]);
    return layout.unpack(v);
  }

  private static double log2Qp(CkksParameters p) {
    return Arrays.stream(p.coeffModulusBits()).sum();
  }

  /** In-memory bytes of the Galois keys: per key, the digits in use at its level x (b, a) x its limbs x N words. */
  static long galoisKeyBytes(CkksContext keys) {
    CkksParameters p = keys.parameters();
    int specials = p.specialPrimeCount();
    long total = 0;
    for (long g : keys.galoisElements()) {
      int level = keys.galoisKeyLevel(g);
      total += (long) (level / specials + 1) * 2 * (level + 1 + specials) * p.polyDegree() * 8;
    }
    return total;
  }

  private static long peakRssBytes() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status")))
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
    return -1;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> stringKeys(Map<?, ?> m) {
    return (Map<String, ?>) m;
  }
}
