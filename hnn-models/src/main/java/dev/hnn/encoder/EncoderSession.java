package dev.hnn.encoder;

import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.head.SentimentModel;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.TransformerEncoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A sentiment model's whole encoder on ciphertexts, client and server in one process: the tokenizer and embedding
 * table (client), keys made for the session (the server sees only their public part), the {@link EncryptedEncoder}
 * and the plaintext forward of the same HE-form model for comparison. What {@code hnn classify --encrypted-encoder}
 * and {@code hnn eval --encrypted-encoder} run.
 *
 * <pre>{@code
 * try (EncoderSession s = EncoderSession.open(SentimentModel.load("minilm-sst2-he"), new int[] {16, 32, 64}, log)) {
 *   EncoderSession.Classification c = s.classify("a gorgeous, witty, seductive movie");
 * }
 * }</pre>
 *
 * <p>The polynomial fits (LayerNorm's inverse square roots) use the ranges the model file recorded at training
 * time; a model without them gets ranges from a few built-in calibration sentences (less safe on unusual input).
 */
public final class EncoderSession implements AutoCloseable {
  /** Calibration sentences for models whose file records no ranges. */
  static final List<String> CALIBRATION = List.of(
      "a masterpiece .", "the worst movie i have seen in years .", "it 's not bad , but not good either .",
      "an ambitious , flawed and fascinating film that stays with you long after the credits roll .",
      "boring .", "i loved every minute of it , from the opening scene to the final shot .",
      "the acting is wooden and the plot makes no sense at all .", "a charming , funny and warm comedy .",
      "too long , too loud and too stupid to care about .", "one of the best films of the year .");

  /** One sentence: the encrypted result and the plaintext HE-form model's P beside it. */
  public record Classification(EncryptedEncoder.Result encrypted, double plainProbability, int tokens,
      boolean truncated) {
    public double probability() {
      return encrypted.probability();
    }
  }

  private final SentimentModel model;
  private final TransformerEncoder weights;
  private final SentenceEncoder text;
  private final CkksContext keys;
  private final EncryptedEncoder encoder;
  private final int maxBucket;
  private final String rangeSource;
  private final double keySeconds;

  private EncoderSession(SentimentModel model, TransformerEncoder weights, SentenceEncoder text, CkksContext keys,
      EncryptedEncoder encoder, int maxBucket, String rangeSource, double keySeconds) {
    this.model = model;
    this.weights = weights;
    this.text = text;
    this.keys = keys;
    this.encoder = encoder;
    this.maxBucket = maxBucket;
    this.rangeSource = rangeSource;
    this.keySeconds = keySeconds;
  }

  /**
   * Builds the session: ranges, keys for the buckets (rotation keys take seconds and a few hundred MB each bucket),
   * the circuit.
   *
   * @throws IllegalArgumentException if the model is not in HE form (softmax attention or GELU): use
   *     {@code minilm-sst2-he} or a delta from {@code hnn train}'s distillation
   */
  public static EncoderSession open(SentimentModel model, EncryptedEncoder.Options options, Consumer<String> log)
      throws IOException {
    Objects.requireNonNull(model, "model");
    Consumer<String> say = log == null ? s -> { } : log;
    TransformerEncoder weights = model.encoderWeights();
    HeadSpec head = HeadSpec.of(model.head().head());
    EncryptedEncoder.forms(weights); // fails now with a clear message for a softmax/GELU model
    SentenceEncoder text = model.openEncoder();
    CkksContext keys = null;
    try {
      Ranges r = ranges(model, weights, head, text);
      CircuitRanges ranges = r.ranges();
      String source = r.source();
      int[] buckets = options.buckets();
      int max = Arrays.stream(buckets).max().orElseThrow();
      boolean boot = options.bootstrapping() != null;
      CkksParameters params = boot ? options.bootstrapping().parameters() : EncryptedEncoder.parameters128();
      say.accept("generating keys for buckets " + Arrays.toString(buckets) + " (N = " + params.polyDegree()
          + ", 128-bit" + (boot ? ", with the bootstrapping keys" : "") + ") ...");
      long t0 = System.nanoTime();
      keys = EncryptedEncoder.generateKeys(weights, head, options, params);
      double keySeconds = (System.nanoTime() - t0) / 1e9;
      EncryptedEncoder enc = new EncryptedEncoder(weights, head, ranges, keys, options);
      return new EncoderSession(model, weights, text, keys, enc, max, source, keySeconds);
    } catch (RuntimeException e) {
      if (keys != null) keys.close();
      text.close();
      throw e;
    }
  }

  /** A circuit's ranges and where they came from. */
  public record Ranges(CircuitRanges ranges, String source) {}

  /**
   * The ranges the circuit's approximations are fitted on: those the model file recorded at training time, else
   * measured on a few built-in calibration sentences (less safe on unusual input).
   */
  public static Ranges ranges(SentimentModel model, TransformerEncoder weights, HeadSpec head, SentenceEncoder text) {
    Object recorded = model.delta() == null ? null : model.delta().metadata().get("ranges");
    if (recorded instanceof Map<?, ?> m)
      return new Ranges(CircuitRanges.recorded(stringKeys(m), weights.layers().size()), "recorded in the model file");
    List<int[]> calib = new ArrayList<>();
    for (String s : CALIBRATION) calib.add(text.tokenizer().encode(s));
    return new Ranges(EncryptedEncoder.measureRanges(weights, head, calib),
        "measured on " + calib.size() + " calibration sentences");
  }

  /** A sentence as the client sends it to the encoder: its embedded tokens, cut to the largest bucket. */
  public record Embedded(double[][] x, int tokens, boolean truncated) {}

  /**
   * Tokenizes and embeds {@code sentence} (the client's half: token and position embeddings and the embedding
   * LayerNorm). Sentences longer than {@code maxBucket} are cut to it, keeping [CLS] and the final [SEP].
   */
  public static Embedded embed(SentenceEncoder text, TransformerEncoder weights, String sentence, int maxBucket) {
    int[] ids = text.tokenizer().encode(sentence);
    boolean truncated = ids.length > maxBucket;
    if (truncated) {
      int sep = ids[ids.length - 1];
      ids = Arrays.copyOf(ids, maxBucket);
      ids[maxBucket - 1] = sep;
    }
    return new Embedded(EncryptedEncoder.toDouble(weights.embeddings().forward(ids)), ids.length, truncated);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> stringKeys(Map<?, ?> m) {
    return (Map<String, ?>) m;
  }

  /**
   * Tokenizes, embeds and classifies {@code sentence} on ciphertexts. Sentences longer than the largest bucket are
   * cut to it (keeping [CLS] and the final [SEP]), as the plaintext model is then given the same tokens.
   */
  public Classification classify(String sentence) {
    return classify(sentence, step -> {});
  }

  /** As {@link #classify(String)}, with the name of each circuit step as it finishes (for progress). */
  public Classification classify(String sentence, Consumer<String> progress) {
    Embedded e = embed(text, weights, sentence, maxBucket);
    double plain = encoder.head().probability(encoder.plainLogit(e.x()));
    EncryptedEncoder.Result r = encoder.classify(e.x(), progress);
    return new Classification(r, plain, e.tokens(), e.truncated());
  }

  public SentimentModel model() {
    return model;
  }

  public int layers() {
    return weights.layers().size();
  }

  /** Where the circuit's ranges came from. */
  public String rangeSource() {
    return rangeSource;
  }

  public double keySeconds() {
    return keySeconds;
  }

  /** Levels per layer of the circuit for a bucket (its longest path, no refresh in between). */
  public List<Integer> depthPerLayer(int bucket) {
    return encoder.circuit(bucket).layers().stream().map(EncryptedEncoderLayer::depth).toList();
  }

  @Override
  public void close() {
    try {
      encoder.close();
    } finally {
      try {
        keys.close();
      } finally {
        text.close();
      }
    }
  }
}
