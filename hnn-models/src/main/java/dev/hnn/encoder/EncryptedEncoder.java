package dev.hnn.encoder;


import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.model.EncoderLayer;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.Matrix;
import dev.hnn.protocol.InProcessTransport;
import dev.hnn.protocol.ProtocolException;
import dev.hnn.protocol.ProtocolLimits;
import dev.hnn.protocol.ServerSession;
import dev.hnn.refresh.RefreshStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole HE-form encoder on ciphertexts, client and server in one process (tests, CLI, benchmarks), talking the
 * session protocol ({@code dev.hnn.protocol}) over an in-process transport, the server ({@link EncoderServer}) on its
 * own thread with public keys only. The client keeps the tokenizer's ids, the embedding table and its LayerNorm
 * (plaintext), and the keys; it pads the embedded sentence to a length bucket, encrypts it and opens a session with
 * the plaintext token count n. The server runs every layer, mean pooling and the head ({@link EncoderCircuit}),
 * asking the client for a refresh (to the level its next steps need) where the placement says; the client decrypts
 * the logit and returns P(positive).
 *
 * <p>What the server learns: the bucket L and n (in plaintext, by the protocol's decision), the model (its own);
 * the refresh requests show the client only masked values (2^-40 statistical distance, docs/refresh.md).
 */
public final class EncryptedEncoder implements AutoCloseable {
  /**
   * Tunables.
   *
   * @param valueBound bounds every live slot value at a refresh point (sizes the mask, or the division that brings
   *     values into the bootstrapper's range)
   * @param lnTolerance relative error of LayerNorm's inverse square root over the widened variance ranges
   * @param lnWiden factor on each side by which the variance ranges are widened for the inverse square root
   * @param placement where refreshes go
   * @param refreshCost the fixed cost of one refresh round trip in the units of the steps' costs (about seconds at
   *     MiniLM size): larger values trade time for fewer round trips
   * @param bootstrapping null: refreshes by the key holder (client-aided); else non-interactive refreshes by
   *     bootstrapping on the server
   */
  public record Options(int[] buckets, double valueBound, double lnTolerance, double lnWiden, int headDegree,
      RefreshPlacement placement, double refreshCost, Bootstrapping bootstrapping) {
    /**
     * Default widening of the variance ranges: on 998 held-out full sentences the recorded ranges (by position
     * class) were left by at most 1.6x; 2.5x keeps a margin.
     */
    public static final double DEFAULT_LN_WIDEN = 2.5;

    public Options {
      buckets = buckets.clone();
      java.util.Objects.requireNonNull(placement, "placement");
      if (!(refreshCost >= 0)) throw new IllegalArgumentException("refresh cost must be non-negative");
      if (buckets.length == 0) throw new IllegalArgumentException("need at least one length bucket");
      if (!(valueBound > 0)) throw new IllegalArgumentException("value bound must be positive");
      if (!(lnWiden >= 1)) throw new IllegalArgumentException("the widening must be at least 1");
    }

    public static Options defaults() {
      return new Options(new int[] {16, 32, 64}, 65536, 1e-4, DEFAULT_LN_WIDEN, 8, RefreshPlacement.COST, 0.05, null);
    }

    public Options withBuckets(int... b) {
      return new Options(b, valueBound, lnTolerance, lnWiden, headDegree, placement, refreshCost, bootstrapping);
    }

    public Options withValueBound(double v) {
      return new Options(buckets, v, lnTolerance, lnWiden, headDegree, placement, refreshCost, bootstrapping);
    }

    public Options withPlacement(RefreshPlacement p, double cost) {
      return new Options(buckets, valueBound, lnTolerance, lnWiden, headDegree, p, cost, bootstrapping);
    }

    public Options withLnWiden(double w) {
      return new Options(buckets, valueBound, lnTolerance, w, headDegree, placement, refreshCost, bootstrapping);
    }

    /** Non-interactive: the server refreshes by bootstrapping (null: back to client-aided refreshes). */
    public Options withBootstrapping(Bootstrapping b) {
      return new Options(buckets, valueBound, lnTolerance, lnWiden, headDegree, placement, refreshCost, b);
    }
  }

  /**
   * Non-interactive refreshes: bootstrapping with {@code options} on the server, no round trip to the key holder.
   * The circuit then computes between the bootstrapper's output level and level 0 (or 1, see
   * {@link dev.hnn.refresh.BootstrappingRefresher}); the key holder's context needs the bootstrapping keys and
   * rotation keys serving that range ({@link #generateKeys}).
   *
   * @param costPerBootstrap one bootstrap (two ciphertexts may share one) in the steps' cost units (about seconds
   *     at MiniLM size, N = 16384), for the refresh placement
   */
  public record Bootstrapping(dev.hnn.ckks.BootstrapOptions options, double costPerBootstrap) {
    /**
     * Bound on the values at MiniLM's refresh points: the largest measured on layer 0 was 6.3
     * (docs/bootstrapping.md). Each bootstrap's error is about 2^-21 of the bound: keep it tight.
     */
    public static final double MINILM_VALUE_BOUND = 16;

    public Bootstrapping {
      Objects.requireNonNull(options, "bootstrap options");
      if (!(costPerBootstrap >= 0)) throw new IllegalArgumentException("bootstrap cost must be non-negative");
    }

    /**
     * Full-slot bootstrapping with 3 + 3 transform levels, a bootstrap counted as 8 cost units (about 20 s on two
     * cores against steps of seconds), for {@link #parameters()}.
     */
    public static Bootstrapping defaults() {
      return new Bootstrapping(dev.hnn.ckks.BootstrapOptions.defaults(), 8);
    }

    /**
     * N = 2^16, 128-bit: q_0 of 47 bits, 12 levels of 40 bits for the encoder, the transforms' and EvalMod's
     * primes and 6 special primes (1721 of the 1772 bits the HE Standard allows), the chain of
     * {@code hnn_bench --bootstrap}.
     */
    public CkksParameters parameters() {
      return options.chain(65536, 47, 12, 40, 6).build();
    }

    /** The level bootstrapping brings ciphertexts to under {@code params}: the top level minus its depth. */
    public int outputLevel(CkksParameters params) {
      int level = params.maxLevel() - options.requiredDepth();
      if (level < 1)
        throw new IllegalArgumentException("bootstrapping takes " + options.requiredDepth() + " of the "
            + params.maxLevel() + " levels: use parameters with levels left after it (BootstrapOptions.chain)");
      return level;
    }
  }

  /** A classification: P(positive), the decrypted logit difference, and what it cost. */
  public record Result(double probability, double logit, int tokens, int bucket, EncoderStats stats) {}

  private final TransformerEncoder model;
  private final List<HeForm> forms;
  private final HeadSpec head;
  private final Options options;
  private final CkksContext client;
  private final EncoderEndpoint endpoint;
  private final EncoderClient encoderClient;

  /**
   * @param keys the client's context (secret key; its rotation keys must cover {@link #rotationSteps} for every
   *     bucket); the server gets its public context
   */
  public EncryptedEncoder(TransformerEncoder model, HeadSpec head, CircuitRanges ranges, CkksContext keys,
      Options options) {
    this.model = Objects.requireNonNull(model, "model");
    this.head = Objects.requireNonNull(head, "head");
    Objects.requireNonNull(ranges, "ranges");
    this.options = Objects.requireNonNull(options, "options");
    this.client = Objects.requireNonNull(keys, "keys");
    if (!keys.hasSecretKey()) throw new IllegalArgumentException("the client side needs a context with the secret key");
    this.forms = forms(model);
    if (head.inputDim() != model.config().hidden())
      throw new IllegalArgumentException("the head reads " + head.inputDim() + " features, the encoder gives "
          + model.config().hidden());
    for (int b : options.buckets())
      if (b < 1 || Integer.bitCount(b) != 1 || b > model.config().maxPositions() || keys.slotCount() % b != 0)
        throw new IllegalArgumentException("bucket " + b + " must be a power of two within the model's positions");
    CkksContext pub = keys.publicContext();
    try {
      this.endpoint = new EncoderEndpoint(model, head, ranges, pub, options);
    } catch (RuntimeException e) {
      pub.close();
      throw e;
    }
    int inputLevel = options.bootstrapping() == null ? keys.maxLevel()
        : options.bootstrapping().outputLevel(keys.parameters());
    this.encoderClient = new EncoderClient(keys, endpoint.spec(), LIMITS, timeout(options), inputLevel);
  }

  /** What a client must match to talk to this model's encoder server (spec id, model id, buckets, keys). */
  public static EncoderSpec spec(TransformerEncoder model, HeadSpec head, Options options, CkksParameters params) {
    return new EncoderSpec(EncoderServer.SPEC_ID, modelId(model), options.buckets(), model.config().hidden(), params,
        rotationSteps(model, head, params.slotCount(), options.buckets()));
  }

  public EncoderSpec spec() {
    return endpoint.spec();
  }

  /** The HE forms of every layer (clear error if a layer is not HE-friendly). */
  static List<HeForm> forms(TransformerEncoder model) {
    List<HeForm> r = new ArrayList<>();
    List<EncoderLayer> ls = model.layers();
    for (int i = 0; i < ls.size(); i++) r.add(HeForm.of(ls.get(i), i));
    return List.copyOf(r);
  }

  /** Ranges measured on the plaintext forward of {@code calibration} sentences (token ids). */
  public static CircuitRanges measureRanges(TransformerEncoder model, HeadSpec head, List<int[]> calibration) {
    List<double[][]> xs = new ArrayList<>();
    for (int[] ids : calibration) xs.add(toDouble(model.embeddings().forward(ids)));
    return CircuitRanges.measure(forms(model), xs, head);
  }

  /** Rotation keys the server needs for these buckets. */
  public static int[] rotationSteps(TransformerEncoder model, HeadSpec head, int slots, int... buckets) {
    var c = model.config();
    return java.util.Arrays.stream(buckets)
        .flatMap(b -> java.util.Arrays.stream(EncoderCircuit.rotationSteps(slots, b, c.hidden(), c.heads(),
            c.hidden() / c.heads(), c.intermediate(), head.b1().length)))
        .distinct().sorted().toArray();
  }

  /**
   * N = 16384, 60 + 8 x 40 bits and one 58-bit special prime: 438 bits, the 128-bit bound for this degree. Levels
   * 0..8; the refresh reserve (mask) takes the bottom ones.
   */
  public static CkksParameters parameters128() {
    return CkksParameters.builder().polyDegree(16384).coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 40, 40, 58)
        .specialPrimes(1).scaleBits(40).build();
  }

  /**
   * A key holder's context for this model and options: the secret key, relinearization and the encoder's rotation
   * keys; with bootstrapping, its keys too, and the encoder's rotation keys only for the levels the circuit computes
   * at (below the bootstrapper's output level: a third of the memory at N = 2^16).
   */
  public static CkksContext generateKeys(TransformerEncoder model, HeadSpec head, Options options,
      CkksParameters params) {
    int[] steps = rotationSteps(model, head, params.slotCount(), options.buckets());
    CkksContext.Builder b = CkksContext.builder(params);
    if (options.bootstrapping() == null) return b.rotations(steps).build();
    Bootstrapping boot = options.bootstrapping();
    return b.bootstrapping(boot.options()).rotationsUpToLevel(boot.outputLevel(params), steps).build();
  }

  /** The smallest bucket holding n tokens. */
  public int bucketFor(int n) {
    return endpoint.spec().bucketFor(n);
  }

  /** Classifies token ids (from the tokenizer, special tokens included). */
  public Result classify(int[] ids) {
    return classify(toDouble(model.embeddings().forward(ids)), (EncoderCircuit.StepListener) null);
  }

  /** Classifies an embedded sentence (n x hidden, the embedding LayerNorm's output). */
  public Result classify(double[][] embedded) {
    return classify(embedded, (EncoderCircuit.StepListener) null);
  }

  /**
   * As {@link #classify(double[][])}, telling {@code progress} the name of each circuit step as the server finishes
   * it ("L0 qkv", …, "head output"; from the server's thread), for long runs.
   */
  public Result classify(double[][] embedded, java.util.function.Consumer<String> progress) {
    Objects.requireNonNull(progress, "progress");
    return classify(embedded, (step, registers) -> progress.accept(step));
  }

  Result classify(double[][] embedded, EncoderCircuit.StepListener listener) {
    long t0 = System.nanoTime();
    // The bucket's circuit is built (and its configuration checked) here, so that a bad bucket, range set or value
    // bound fails with its own message rather than as the server's side of a failed session.
    endpoint.circuit(bucketFor(embedded.length));
    // Client and server talk the session protocol over an in-process transport: the server on its own thread with
    // public keys only, the client answering refresh requests on this one.
    EncoderServer driver = endpoint.driver(EncoderEndpoint.refreshBytes(LIMITS), listener);
    InProcessTransport.Pair pair = InProcessTransport.pair(4, timeout(options));
    java.util.concurrent.atomic.AtomicReference<RuntimeException> serverFailure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread serverThread = new Thread(() -> {
      try {
        new ServerSession(pair.server(), LIMITS, timeout(options)).run(driver);
      } catch (RuntimeException e) {
        serverFailure.set(e);
      }
    }, "hnn-encoder-server");
    serverThread.setDaemon(true);
    serverThread.start();
    EncoderClient.Outcome out;
    try {
      out = encoderClient.classify(embedded, pair.client());
    } catch (RuntimeException e) {
      join(serverThread);
      RuntimeException cause = serverFailure.get();
      // The server's own exception names what failed; the client only saw the ERROR frame it caused.
      throw cause instanceof ProtocolException || cause == null ? e : cause;
    }
    join(serverThread);
    RefreshStats rs = driver.refreshStats();
    EncoderStats stats = new EncoderStats(driver.timings(), driver.refreshPoints(), out.inputBytes(),
        out.outputBytes(), rs, System.nanoTime() - t0);
    return new Result(head.probability(out.logit()), out.logit(), out.tokens(), out.bucket(), stats);
  }

  /** Protocol limits of an encoder session: MiniLM at L = 64 makes dozens of refreshes of up to ~50 MB. */
  public static final ProtocolLimits LIMITS = ProtocolLimits.DEFAULTS.withMaxRoundTrips(4096);
  /** Longest wait for a frame when refreshes are round trips (a few seconds apart at MiniLM size). */
  static final Duration TIMEOUT = Duration.ofMinutes(10);
  /**
   * Longest wait for a frame when the server bootstraps: no frame passes between the input and the result, and
   * the whole MiniLM encoder takes ~19 minutes on two cores at N = 2^16 (slower machines and larger buckets more).
   */
  static final Duration NON_INTERACTIVE_TIMEOUT = Duration.ofHours(12);

  /** The frame timeout of sessions under {@code options}. */
  static Duration timeout(Options options) {
    return options.bootstrapping() == null ? TIMEOUT : NON_INTERACTIVE_TIMEOUT;
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the encoder server finished", e);
    }
  }

  /** The model's id in the session protocol: its name with every character the protocol refuses replaced. */
  static String modelId(TransformerEncoder model) {
    String name = model.config().name() + "-" + model.layers().size() + "L";
    return name.replaceAll("[^A-Za-z0-9._:-]", "_");
  }

  String modelId() {
    return modelId(model);
  }

  /** The plaintext reference of an HE-form model (double precision): logit difference (what a client compares). */
  public static double plainLogit(TransformerEncoder model, HeadSpec head, double[][] embedded) {
    return head.logit(PlainTrace.run(forms(model), embedded).pooled());
  }

  /** The plaintext reference of the same HE-form model (double precision): logit difference. */
  public double plainLogit(double[][] embedded) {
    return head.logit(PlainTrace.run(forms, embedded).pooled());
  }

  public PlainTrace plainTrace(double[][] embedded) {
    return PlainTrace.run(forms, embedded);
  }

  public HeadSpec head() {
    return head;
  }

  /** The server's circuit for a bucket (built on first use). */
  EncoderCircuit circuit(int bucket) {
    return endpoint.circuit(bucket);
  }

  /** A float matrix (an embedded sentence) as doubles. */
  public static double[][] toDouble(Matrix m) {
    double[][] r = new double[m.rows()][m.cols()];
    for (int i = 0; i < r.length; i++) for (int j = 0; j < r[i].length; j++) r[i][j] = m.get(i, j);
    return r;
  }

  @Override
  public void close() {
    try {
      encoderClient.close();
    } finally {
      endpoint.close();
    }
  }
}
