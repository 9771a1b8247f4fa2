package dev.hnn.inference;

import dev.hnn.circuit.BsgsLinearTransform;
import dev.hnn.circuit.PlaintextCache;
import dev.hnn.circuit.PolynomialEvaluator;
import dev.hnn.circuit.ReplicatedLinearTransform;
import dev.hnn.circuit.ScalarLinearTransform;
import dev.hnn.circuit.SlotSum;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.IncompatibleObjectsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The server side: a head circuit and a public context (evaluation keys only; a context with a secret key is
 * refused, so the server cannot decrypt even by mistake). Evaluates requests into responses without ever
 * seeing a value. Safe to share between threads once built; {@link #close()} frees the cached plaintexts (the
 * context belongs to the caller).
 */
public final class HeadServer implements AutoCloseable {
  private final HeadCircuit circuit;
  private final ServiceSpec spec;
  private final CkksContext ctx;
  private final Evaluator ev;
  private final PlaintextCache cache;
  private final BsgsLinearTransform hidden;
  private final ReplicatedLinearTransform hiddenReplicated;
  private final ScalarLinearTransform hiddenBatch;
  private final PolynomialEvaluator poly;
  private final double[] factor;
  private final int hiddenPeriod;

  public HeadServer(HeadCircuit circuit, ServiceSpec spec, CkksContext publicContext) {
    this.circuit = Objects.requireNonNull(circuit, "circuit");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.ctx = Objects.requireNonNull(publicContext, "public context");
    if (circuit.inputDim() != spec.inputDim() || circuit.depth() != spec.depth() || circuit.inputGain() != spec.inputGain())
      throw new IllegalArgumentException("the service spec does not describe this circuit");
    checkKeys(spec, ctx);
    this.ev = ctx.evaluator();
    this.cache = new PlaintextCache(ctx);
    double[][] w = circuit.unitWeights();
    double[] b = circuit.unitBias();
    this.hidden = spec.featuresPerCiphertext() == 0 ? new BsgsLinearTransform(ctx, cache, w, b, "hidden") : null;
    this.hiddenReplicated = spec.featuresPerCiphertext() == 0 ? null
        : new ReplicatedLinearTransform(ctx, cache, w, b, spec.featuresPerCiphertext(), "hidden");
    this.hiddenBatch = new ScalarLinearTransform(ctx, w, b);
    this.poly = new PolynomialEvaluator(ctx, cache);
    this.hiddenPeriod = hidden != null ? hidden.outputPeriod() : hiddenReplicated.outputPeriod();
    double[] f = circuit.outputFactor();
    this.factor = new double[hiddenPeriod];
    System.arraycopy(f, 0, factor, 0, f.length);
  }

  /**
   * Whether a public context can serve {@code spec}: no secret key, the spec's parameters, the relinearization key
   * and every rotation key the circuit needs (what a service checks before it stores registered keys).
   */
  public static void checkKeys(ServiceSpec spec, CkksContext ctx) {
    if (ctx.hasSecretKey())
      throw new IllegalArgumentException("a server takes the public context only (it must not hold the secret key)");
    if (!ctx.parameters().equals(spec.parameters()))
      throw new IncompatibleObjectsException("the keys were made for other parameters than this service's");
    if (!ctx.hasRelinearizationKey()) throw new IllegalArgumentException("the keys lack the relinearization key");
    for (int s : spec.rotationSteps())
      if (!ctx.hasRotationKey(s))
        throw new IllegalArgumentException("the keys lack the rotation key for step " + s + ": regenerate them for this service");
  }

  public ServiceSpec spec() {
    return spec;
  }

  public String keyId() {
    return ctx.keyId();
  }

  /** Evaluates a serialized request; the response is serialized too. */
  public byte[] handle(byte[] request) {
    EncryptedMessage m = EncryptedMessage.fromBytes(
        request, EncryptedMessage.Direction.REQUEST, spec.inputDim(), Sizes.maxCiphertextBytes(spec.parameters()));
    return evaluate(m).toBytes();
  }

  /** Checks a request against this service and these keys, evaluates it, returns the response. */
  public EncryptedMessage evaluate(EncryptedMessage request) {
    return evaluate(request, (done, total) -> {});
  }

  /** Reports progress of long (batch) evaluations: {@code done} of {@code total} steps. */
  @FunctionalInterface
  public interface Progress {
    void update(int done, int total);
  }

  /** As {@link #evaluate(EncryptedMessage)}, reporting progress (one step per hidden unit in a batch). */
  public EncryptedMessage evaluate(EncryptedMessage request, Progress progress) {
    if (request.direction() != EncryptedMessage.Direction.REQUEST) throw new IllegalArgumentException("not a request");
    if (!request.specId().equals(spec.id()))
      throw new IncompatibleObjectsException("the request was made for another service (spec " + request.specId()
          + ", this server runs " + spec.id() + "): fetch this server's spec and make new keys");
    if (!request.keyId().equals(ctx.keyId()))
      throw new IncompatibleObjectsException("the request was encrypted under other keys than the evaluation keys "
          + "this server holds: send the public keys of the key set you encrypt with");
    boolean single = request.layout() == EncryptedMessage.Layout.SINGLE;
    int cts = request.ciphertexts().size();
    if (single && (cts != spec.singleCiphertexts() || request.count() != 1))
      throw new IllegalArgumentException("a single request holds " + spec.singleCiphertexts()
          + " ciphertext(s) for one sentence");
    if (!single && (cts != spec.inputDim() || request.count() > spec.batchCapacity()))
      throw new IllegalArgumentException("a batch request holds " + spec.inputDim() + " ciphertexts (one per "
          + "feature) for at most " + spec.batchCapacity() + " sentences");
    List<Ciphertext> in = new ArrayList<>();
    try {
      for (byte[] b : request.ciphertexts()) in.add(Ciphertext.load(ctx, b));
      Ciphertext[] x = in.toArray(new Ciphertext[0]);
      Ciphertext out = single ? evaluateSingle(x) : evaluateBatch(x, progress);
      try (out) {
        return new EncryptedMessage(EncryptedMessage.Direction.RESPONSE, spec.id(), ctx.keyId(), request.layout(),
            request.count(), List.of(out.serialize()));
      }
    } finally {
      in.forEach(Ciphertext::close);
    }
  }

  /** One sentence in the spec's single layout: P(positive) in every slot at level 0. */
  public Ciphertext evaluateSingle(Ciphertext... x) {
    if (x.length != spec.singleCiphertexts())
      throw new IllegalArgumentException("need " + spec.singleCiphertexts() + " ciphertexts, got " + x.length);
    for (Ciphertext c : x) checkInput(c);
    double scale = ctx.scale();
    try (Ciphertext h = hidden != null ? hidden.apply(x[0], scale) : hiddenReplicated.apply(x, scale);
        Ciphertext g = poly.evaluate(h, circuit.activationSeries(), factor, "act", scale)) {
      SlotSum.sumInPlace(ev, g, 1, hiddenPeriod);
      ev.addScalarInPlace(g, circuit.outputConstant());
      return poly.evaluate(g, circuit.sigmoidSeries(), null, "sigmoid", scale);
    }
  }

  /** Feature-major batch (ciphertext i = feature i of every sentence): P(positive) of sentence s in slot s. */
  public Ciphertext evaluateBatch(Ciphertext[] features) {
    return evaluateBatch(features, (done, total) -> {});
  }

  public Ciphertext evaluateBatch(Ciphertext[] features, Progress progress) {
    if (features.length != spec.inputDim())
      throw new IllegalArgumentException("a batch needs " + spec.inputDim() + " ciphertexts, got " + features.length);
    for (Ciphertext c : features) checkInput(c);
    double scale = ctx.scale();
    double[] f = circuit.outputFactor();
    Ciphertext acc = null;
    try {
      for (int j = 0; j < circuit.hiddenDim(); j++) {
        try (Ciphertext h = hiddenBatch.apply(features, j, scale)) {
          Ciphertext g = poly.evaluate(h, circuit.activationSeries(), new double[] {f[j]}, "act", scale);
          if (acc == null) acc = g; // the first unit's result becomes the accumulator, no copy
          else try (g) {
            ev.addInPlace(acc, g);
          }
        }
        progress.update(j + 1, circuit.hiddenDim() + 1);
      }
      ev.addScalarInPlace(acc, circuit.outputConstant());
      Ciphertext p = poly.evaluate(acc, circuit.sigmoidSeries(), null, "sigmoid", scale);
      progress.update(circuit.hiddenDim() + 1, circuit.hiddenDim() + 1);
      return p;
    } finally {
      if (acc != null) acc.close();
    }
  }

  private void checkInput(Ciphertext x) {
    if (x.level() != ctx.maxLevel() || x.size() != 2)
      throw new IllegalArgumentException("inputs must be fresh ciphertexts at the top level " + ctx.maxLevel()
          + " (got level " + x.level() + ", size " + x.size() + ")");
    if (Math.abs(x.scale() / ctx.scale() - 1) > 1e-9)
      throw new IllegalArgumentException("inputs must be encoded at the service's default scale");
  }

  @Override
  public void close() {
    cache.close();
  }
}
