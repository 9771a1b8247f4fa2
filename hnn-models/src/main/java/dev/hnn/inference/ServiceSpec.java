package dev.hnn.inference;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.hnn.circuit.BsgsLinearTransform;
import dev.hnn.circuit.ReplicatedLinearTransform;
import dev.hnn.circuit.SlotSum;
import dev.hnn.ckks.Backend;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.HeException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a server publishes so that clients can make keys and requests for it, and nothing secret: the CKKS
 * parameters (chosen for the circuit's depth at 128-bit security), the feature count and the layout of a
 * single-sentence request, the rotation steps the circuit needs keys for, and the input gain. Its
 * {@link #id()} binds requests and key sets to it.
 *
 * <p>Single-sentence layouts: with {@link #featuresPerCiphertext()} = 0, one ciphertext holds the features
 * replicated with period {@link #inputPeriod()} ({@link BsgsLinearTransform}: any matrix shape); otherwise
 * ceil(n / B) ciphertexts each hold B features repeated over the pow2(hidden) outputs
 * ({@link dev.hnn.circuit.ReplicatedLinearTransform}: for few hidden units, far fewer rotations).
 */
public final class ServiceSpec {
  /**
   * Bits of the first prime: the final P(positive) in [0, 1] at scale 2^28 keeps 2^2 of headroom below q_0 / 2,
   * and every prime stays below 2^32 (the engine's 32-bit key and product paths). A larger q_0 would make the
   * first key-switching digit as large as the special primes' product, and the key-switching noise with it.
   */
  static final int FIRST_PRIME_BITS = 32;
  /** Bits by which the special primes' product exceeds the largest key-switching digit. */
  static final int SPECIAL_MARGIN_BITS = 4;
  /** Bits per level (= the scale): ~5e-6 of fresh noise at N = 16384, and 11 levels fit the 128-bit bound. */
  static final int LEVEL_BITS = 28;
  /**
   * Features per ciphertext of the replicated layout: for 384 features and 32 hidden units, 2 ciphertexts whose
   * 256 x 32 slots are all used, summed in four radix-4 rounds ({@link SlotSum}). With 128 (3 ciphertexts,
   * each block tiled twice) the sum is one radix-2 round shorter (~3 ms at level 9 with two engine threads,
   * measured on the depth-10 parameters), but
   * the third ciphertext costs the client ~4.5 ms to encode, encrypt and serialize, the server ~1.5 ms to load,
   * and 640 kB of request: measured alternately, the encrypted part of a classify was ~3 ms faster with 256.
   */
  static final int REPLICATED_FEATURES_PER_CIPHERTEXT = 256;
  /** The replicated layout is used up to this many (padded) hidden units. */
  static final int REPLICATED_MAX_HIDDEN = 64;
  /**
   * At most this many special primes: more make the digits larger and fewer (fewer transforms into the extended
   * basis), but each is one more limb in every key product and two more transforms in the division by P. At
   * depth 8, five give two digits of five primes where four gave three (counted: 56 against 65 transforms per key
   * switch at the top level; six would give 60). The engine's base conversions unroll up to 5 terms.
   */
  static final int MAX_SPECIAL_PRIMES = 5;

  private final String circuit;
  private final CkksParameters parameters;
  private final int inputDim;
  private final int inputPeriod;
  private final int hiddenUnits;
  private final int featuresPerCiphertext;
  private final int[] rotationSteps;
  private final int depth;
  private final double inputGain;

  ServiceSpec(String circuit, CkksParameters parameters, int inputDim, int inputPeriod, int hiddenUnits,
      int featuresPerCiphertext, int[] rotationSteps, int depth, double inputGain) {
    this.circuit = circuit;
    this.parameters = parameters;
    this.inputDim = inputDim;
    this.inputPeriod = inputPeriod;
    this.hiddenUnits = hiddenUnits;
    this.featuresPerCiphertext = featuresPerCiphertext;
    this.rotationSteps = rotationSteps.clone();
    this.depth = depth;
    this.inputGain = inputGain;
    validate();
  }

  /** How a single-sentence request is laid out. */
  public enum SingleLayout {
    /** Replicated for heads with at most 64 hidden units, else diagonal. */
    AUTO,
    /** One ciphertext, the features replicated over the slots; {@link BsgsLinearTransform}. */
    DIAGONAL,
    /** Several ciphertexts, each feature repeated over the hidden units; {@link ReplicatedLinearTransform}. */
    REPLICATED
  }

  /** The spec of a head circuit at 128-bit security. */
  public static ServiceSpec of(HeadCircuit c) {
    return of(c, SingleLayout.AUTO, false);
  }

  public static ServiceSpec of(HeadCircuit c, SingleLayout layout) {
    return of(c, layout, false);
  }

  /**
   * INSECURE: the smallest ring that holds the circuit's depth, ignoring the security bound. For tests only, so
   * that they run on small rings; a server built on it protects nothing.
   */
  public static ServiceSpec insecureForTesting(HeadCircuit c) {
    return of(c, SingleLayout.AUTO, true);
  }

  /** INSECURE, as {@link #insecureForTesting(HeadCircuit)}, with a chosen layout. */
  public static ServiceSpec insecureForTesting(HeadCircuit c, SingleLayout layout) {
    return of(c, layout, true);
  }

  /**
   * The spec for a backend: {@link Backend#SEAL} keeps one special prime (SEAL key-switches with the last prime
   * of the chain only), so its parameters have a single, larger special prime; {@link Backend#HNN} gives
   * {@link #of(HeadCircuit, SingleLayout)}.
   */
  public static ServiceSpec of(HeadCircuit c, SingleLayout layout, Backend backend) {
    Objects.requireNonNull(backend, "backend");
    return of(c, layout, false, backend == Backend.SEAL ? 1 : MAX_SPECIAL_PRIMES);
  }

  private static ServiceSpec of(HeadCircuit c, SingleLayout layout, boolean insecureForTesting) {
    return of(c, layout, insecureForTesting, MAX_SPECIAL_PRIMES);
  }

  private static ServiceSpec of(HeadCircuit c, SingleLayout layout, boolean insecureForTesting, int maxSpecial) {
    int m = c.hiddenDim();
    int n = c.inputDim();
    int mPad = Integer.highestOneBit(m) == m ? m : Integer.highestOneBit(m) << 1;
    boolean replicated = layout == SingleLayout.REPLICATED
        || (layout == SingleLayout.AUTO && mPad <= REPLICATED_MAX_HIDDEN);
    int perCt = replicated ? Math.min(REPLICATED_FEATURES_PER_CIPHERTEXT, Integer.highestOneBit(n) == n ? n
        : Integer.highestOneBit(n) << 1) : 0;
    int period = replicated ? perCt * mPad : BsgsLinearTransform.inputPeriod(m, n);
    CkksParameters p = parametersFor(c.depth(), period, insecureForTesting, maxSpecial);
    TreeSet<Integer> steps = new TreeSet<>();
    int[] hidden = replicated ? ReplicatedLinearTransform.rotationSteps(m, perCt) : BsgsLinearTransform.rotationSteps(m, n);
    for (int s : hidden) steps.add(s);
    for (int s : SlotSum.rotationSteps(1, mPad)) steps.add(s);
    return new ServiceSpec(c.name(), p, n, period, m, perCt, steps.stream().mapToInt(Integer::intValue).toArray(),
        c.depth(), c.inputGain());
  }

  /**
   * The smallest ring degree whose 128-bit bound holds 32 + 28 x depth bits of data primes plus special primes,
   * with as many special primes as fit: key-switching digits are groups of that many data primes, and the
   * special primes' product P must exceed the largest digit D (32 + 28 (k - 1) bits) by a margin, because the
   * key-switching noise grows with D / P (measured on the head: with P = D the single-sentence error of
   * P(positive) was about five times that with P = 2^4 D). So each special prime gets 28 + ceil((4 + 4) / k) bits.
   */
  static CkksParameters parametersFor(int depth, int period, boolean insecureForTesting) {
    return parametersFor(depth, period, insecureForTesting, MAX_SPECIAL_PRIMES);
  }

  static CkksParameters parametersFor(int depth, int period, boolean insecureForTesting, int maxSpecial) {
    int data = FIRST_PRIME_BITS + LEVEL_BITS * depth;
    for (int n = 4096; n <= 65536; n *= 2) {
      if (n / 2 < period) continue;
      int bound = insecureForTesting ? Integer.MAX_VALUE : CkksParameters.maxSecureModulusBits(n);
      for (int k = Math.min(maxSpecial, depth + 1); k >= 1; k--) {
        int special = LEVEL_BITS + (FIRST_PRIME_BITS - LEVEL_BITS + SPECIAL_MARGIN_BITS + k - 1) / k;
        if (data + k * special > bound) continue;
        int[] bits = new int[1 + depth + k];
        Arrays.fill(bits, LEVEL_BITS);
        bits[0] = FIRST_PRIME_BITS;
        for (int i = 0; i < k; i++) bits[bits.length - 1 - i] = special;
        CkksParameters.Builder b =
            CkksParameters.builder().polyDegree(n).coeffModulusBits(bits).specialPrimes(k).scaleBits(LEVEL_BITS);
        if (insecureForTesting) b.insecureForTesting();
        return b.build();
      }
    }
    throw new IllegalArgumentException("a circuit of depth " + depth + " (" + data
        + " bits of data primes) fits no ring degree up to 65536 at 128-bit security: lower the polynomial degrees");
  }

  private void validate() {
    Objects.requireNonNull(circuit, "circuit");
    Objects.requireNonNull(parameters, "parameters");
    int slots = parameters.slotCount();
    if (hiddenUnits < 1 || featuresPerCiphertext < 0 || featuresPerCiphertext > inputDim * 2L)
      throw new IllegalArgumentException("service spec: invalid hidden size or features per ciphertext");
    if (featuresPerCiphertext > 0 && (Integer.bitCount(featuresPerCiphertext) != 1
        || inputPeriod != featuresPerCiphertext * (long) Integer.highestOneBit(2 * hiddenUnits - 1)))
      throw new IllegalArgumentException("service spec: replicated layout inconsistent with its period");
    if (inputDim < 1 || (featuresPerCiphertext == 0 && inputPeriod < inputDim) || inputPeriod > slots
        || Integer.bitCount(inputPeriod) != 1)
      throw new IllegalArgumentException("service spec: input size " + inputDim + " and period " + inputPeriod
          + " do not fit " + slots + " slots");
    if (depth < 1 || depth > parameters.maxLevel())
      throw new IllegalArgumentException("service spec: depth " + depth + " exceeds the parameters' " + parameters.maxLevel() + " levels");
    if (!(inputGain >= 1.0 / 1024 && inputGain <= 1024) 
        || Math.scalb(1.0, Math.getExponent(inputGain)) != inputGain)
      throw new IllegalArgumentException("service spec: input gain " + inputGain + " is not a power of two in [2^-10, 2^10]");
    for (int s : rotationSteps)
      if (s <= 0 || s >= slots) throw new IllegalArgumentException("service spec: rotation step " + s + " out of range");
  }

  public String circuit() {
    return circuit;
  }

  public CkksParameters parameters() {
    return parameters;
  }

  public int inputDim() {
    return inputDim;
  }

  public int inputPeriod() {
    return inputPeriod;
  }

  /** The head's hidden units (the replicated layout repeats each feature over pow2 of this many slots). */
  public int hiddenUnits() {
    return hiddenUnits;
  }

  /** 0 for the one-ciphertext diagonal layout, else B of the replicated layout. */
  public int featuresPerCiphertext() {
    return featuresPerCiphertext;
  }

  /** Ciphertexts in a single-sentence request. */
  public int singleCiphertexts() {
    return featuresPerCiphertext == 0 ? 1 : ReplicatedLinearTransform.ciphertexts(inputDim, featuresPerCiphertext);
  }

  public int[] rotationSteps() {
    return rotationSteps.clone();
  }

  public int depth() {
    return depth;
  }

  /** The power of two clients multiply their features by before encrypting. */
  public double inputGain() {
    return inputGain;
  }

  /** Sentences one batch request carries at most: one per slot. */
  public int batchCapacity() {
    return parameters.slotCount();
  }

  /** SHA-256 (hex, first 32 digits) of the canonical JSON: equal specs have equal ids. */
  public String id() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(toJson().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Json {
    String format = "hnn-service";
    int version = 1;
    String circuit;
    String parameters;
    int input_dim;
    int input_period;
    int hidden_units;
    int features_per_ciphertext;
    int[] rotation_steps;
    int depth;
    double input_gain;
  }

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  public String toJson() {
    Json j = new Json();
    j.circuit = circuit;
    j.parameters = Base64.getEncoder().encodeToString(parameters.serialize());
    j.input_dim = inputDim;
    j.input_period = inputPeriod;
    j.hidden_units = hiddenUnits;
    j.features_per_ciphertext = featuresPerCiphertext;
    j.rotation_steps = rotationSteps.clone();
    j.depth = depth;
    j.input_gain = inputGain;
    return GSON.toJson(j);
  }

  /** Parses and validates a spec; any defect gives {@link IllegalArgumentException} saying what. */
  public static ServiceSpec fromJson(String json) {
    Json j;
    try {
      j = GSON.fromJson(json, Json.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("service spec is not valid JSON: " + e.getMessage());
    }
    if (j == null || !"hnn-service".equals(j.format) || j.version != 1)
      throw new IllegalArgumentException("not an hnn service spec (format hnn-service, version 1)");
    if (j.circuit == null || j.parameters == null || j.rotation_steps == null)
      throw new IllegalArgumentException("service spec is missing fields");
    CkksParameters p;
    try {
      p = CkksParameters.load(Base64.getDecoder().decode(j.parameters));
    } catch (IllegalArgumentException | HeException e) {
      throw new IllegalArgumentException("service spec: invalid parameters: " + e.getMessage());
    }
    return new ServiceSpec(j.circuit, p, j.input_dim, j.input_period, j.hidden_units, j.features_per_ciphertext,
        j.rotation_steps, j.depth, j.input_gain);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceSpec s && s.toJson().equals(toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "ServiceSpec{" + circuit + ", N=" + parameters.polyDegree() + ", depth " + depth + ", " + inputDim
        + " features, " + rotationSteps.length + " rotation keys, id " + id() + "}";
  }
}
