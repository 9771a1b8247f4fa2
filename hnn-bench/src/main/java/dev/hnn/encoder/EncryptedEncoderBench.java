package dev.hnn.encoder;

import dev.hnn.ckks.CkksContext;
import dev.hnn.head.SentimentModel;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.TransformerEncoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One sentence through the whole MiniLM-size HE-form encoder on ciphertexts (N = 16384, 128-bit parameters,
 * client-aided refreshes in process) and the plaintext HE-form forward for comparison. Prints the time per step
 * and per layer, refresh points, round trips and bytes. Ranges are the model file's recorded ones (or, without
 * them, from the plaintext forward of calibration sentences). {@code distilbert-shape} times a random HE-form encoder
 * of DistilBERT's shape instead.
 *
 * <pre>mvn -B -P benchmarks -DskipTests verify -Djmh.main=dev.hnn.encoder.EncryptedEncoderBench \
 *     -Djmh.args="hnn-models/src/main/resources/dev/hnn/model/sst2-minilm-he.delta 32 [cost|fewest]"</pre>
 */
public final class EncryptedEncoderBench {
  static final String SENTENCE = "the film is a beautifully made , often funny and deeply moving portrait of a family"
      + " that never quite loses its sense of hope , even when the story around it falls apart";

  public static void main(String[] args) throws Exception {
    if (args.length < 1)
      throw new IllegalArgumentException("usage: EncryptedEncoderBench DELTA|distilbert-shape [BUCKET [cost|fewest "
          + "[REFRESH_COST]]]");
    int bucket = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    // "cost" (default) or "fewest" (LevelPlanner: fewest round trips)
    RefreshPlacement placement = args.length > 2 && args[2].equals("fewest")
        ? RefreshPlacement.FEWEST_ROUND_TRIPS : RefreshPlacement.COST;
    double refreshCost = args.length > 3 ? Double.parseDouble(args[3]) : EncryptedEncoder.Options.defaults().refreshCost();
    TransformerEncoder weights;
    HeadSpec head;
    int[] ids;
    List<int[]> calib = new ArrayList<>();
    CircuitRanges ranges;
    String name;
    SentimentModel model = null;
    if (args[0].equals("distilbert-shape")) {
      // DistilBERT's shape with random weights: the time of its encrypted encoder (no trained HE checkpoint here).
      name = "random HE-form encoder of DistilBERT's shape";
      weights = RandomHeEncoder.of("distilbert-shape", 6, 768, 12, 3072, 512, 1);
      head = RandomHeEncoder.head(768, 2);
      ids = RandomHeEncoder.tokens(bucket, 3);
      for (int i = 0; i < 8; i++) calib.add(RandomHeEncoder.tokens(8 + 3 * i, 10 + i));
      calib.add(ids);
      ranges = EncryptedEncoder.measureRanges(weights, head, calib);
      System.out.println("ranges: measured on " + calib.size() + " random token sequences");
    } else {
      model = SentimentModel.fromDeltaFile(Path.of(args[0]));
      name = model.name();
      weights = model.encoderWeights();
      head = HeadSpec.of(model.head().head());
      try (SentenceEncoder se = model.openEncoder()) {
        ids = se.tokenizer().encode(SENTENCE);
        if (ids.length > bucket) { // keep [CLS] .. and the final [SEP]
          int sep = ids[ids.length - 1];
          ids = Arrays.copyOf(ids, bucket);
          ids[bucket - 1] = sep;
        }
        for (String s : EncoderSession.CALIBRATION) calib.add(se.tokenizer().encode(s));
      }
      calib.add(ids);
      // The ranges the model file recorded at training time (thousands of texts), else the calibration sentences'.
      boolean recorded = model.delta() != null && model.delta().metadata().get("ranges") instanceof Map<?, ?>;
      ranges = recorded
          ? CircuitRanges.recorded(stringKeys((Map<?, ?>) model.delta().metadata().get("ranges")), weights.layers().size())
          : EncryptedEncoder.measureRanges(weights, head, calib);
      System.out.println("ranges: " + (recorded ? "recorded in the model file"
          : "measured on " + calib.size() + " calibration sentences"));
    }
    System.out.printf("model %s, %d layers, sentence of %d tokens, bucket %d, placement %s (refresh cost %.2f)%n",
        name, weights.layers().size(), ids.length, bucket, placement, refreshCost);
    long t0 = System.nanoTime();
    int[] steps = EncryptedEncoder.rotationSteps(weights, head, 8192, bucket);
    try (CkksContext keys = CkksContext.builder(EncryptedEncoder.parameters128()).rotations(steps).build();
        EncryptedEncoder enc = new EncryptedEncoder(weights, head, ranges, keys,
            EncryptedEncoder.Options.defaults().withBuckets(bucket).withPlacement(placement, refreshCost))) {
      System.out.printf("keys: %d rotation steps, %.1f s; max level %d, modulus %.0f bits%n", steps.length,
          (System.nanoTime() - t0) / 1e9, keys.maxLevel(), keys.log2ModulusAt(keys.maxLevel()));
      EncoderCircuit c = enc.circuit(bucket);
      System.out.printf("refresh reserve level %d; depth per layer %s; LN 1/sqrt relative error bounds %s; head fit"
              + " error %.2e%n", c.refreshReserve(), c.layers().stream().map(EncryptedEncoderLayer::depth).toList(),
          c.layers().stream().map(l -> Arrays.toString(l.inverseSqrtErrors())).toList(), c.headFitError());
      System.out.println("planned refreshes: " + c.plannedRefreshes(ids.length));
      double[][] x = EncryptedEncoder.toDouble(weights.embeddings().forward(ids));
      double plain = enc.plainLogit(x);
      // A cold run (first use: JIT, allocations, the placement's first estimates of live ciphertexts), then the one
      // reported: what a server that has served a sentence before spends on the next.
      EncryptedEncoder.Result cold = enc.classify(ids);
      System.out.printf("cold run: %.1f s, %d round trips%n", cold.stats().totalNanos() / 1e9, cold.stats().roundTrips());
      EncryptedEncoder.Result r = enc.classify(ids);
      System.out.print(r.stats().table());
      for (int l = 0; l < weights.layers().size(); l++)
        System.out.printf("layer %d: %.1f s (steps %.1f s + refreshes %.1f s)%n", l,
            (r.stats().nanos("L" + l + " ") + refreshNanos(r.stats(), "L" + l + " ")) / 1e9,
            r.stats().nanos("L" + l + " ") / 1e9, refreshNanos(r.stats(), "L" + l + " ") / 1e9);
      System.out.printf("logit: encrypted %.6f, plaintext %.6f; P(positive): encrypted %.6f, plaintext %.6f%s%n",
          r.logit(), plain, r.probability(), head.probability(plain), model == null ? ""
              : String.format("; float model P %.6f", model.head().head().probabilityPositive(meanPool(weights, ids))));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> stringKeys(Map<?, ?> m) {
    return (Map<String, ?>) m;
  }

  static long refreshNanos(EncoderStats s, String layerPrefix) {
    return s.nanos("refresh before " + layerPrefix);
  }

  static float[] meanPool(TransformerEncoder w, int[] ids) {
    var m = w.forward(ids);
    float[] p = new float[m.cols()];
    for (int t = 0; t < m.rows(); t++) for (int i = 0; i < p.length; i++) p[i] += m.get(t, i) / m.rows();
    return p;
  }
}
