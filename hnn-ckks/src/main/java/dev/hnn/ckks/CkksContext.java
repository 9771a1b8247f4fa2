package dev.hnn.ckks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.bytedeco.javacpp.Pointer;

/**
 * A CKKS context: validated parameters and keys, and the encoder, encryptor, decryptor and evaluator that use
 * them.
 *
 * <ul>
 *   <li>A <b>client</b> context ({@link #generate}, {@link #builder}) holds the secret key besides the public
 *       key, the relinearization key and the Galois (rotation) keys; it can encrypt, decrypt and evaluate.
 *   <li>A <b>public</b> context ({@link #publicContext()}) has everything but the secret key: what a server
 *       needs to evaluate on ciphertexts. It cannot decrypt ({@link #decryptor()} throws
 *       {@link MissingKeyException}).
 * </ul>
 *
 * Both serialize to bytes or streams ({@link #serialize()}, {@link #save(OutputStream)}, {@link #load(byte[])}).
 * Ciphertexts belong to the keys of the context that made or loaded them; a client and the public context
 * derived from it (or loaded from its bytes) share keys, so their ciphertexts mix.
 *
 * <p><b>Thread-safety</b>: a context and its encoder, encryptor, decryptor and evaluator are immutable after
 * construction and safe to share by any number of threads. Closing the context frees the native keys; calls in
 * flight finish first, later calls throw {@link IllegalStateException}. Ciphertexts and plaintexts live on
 * independently of the context's {@link #close()} (but need an open context to be used).
 */
public final class CkksContext implements AutoCloseable {
  private static final int MAGIC = 0x484e4e43; // "HNNC"
  private static final int VERSION = 1;
  private static final int FLAG_SECRET = 1;
  private static final int FLAG_RELIN = 2;
  /** The context's objects are SEAL's ({@link Backend#SEAL}). */
  private static final int FLAG_SEAL = 4;
  /** The sparse-secret encapsulation of bootstrapping follows the Galois keys (older blobs never set it). */
  private static final int FLAG_BOOTSTRAPPING = 8;

  final CkksParameters params;
  /** The backend's native operations (issue 19); every peer below belongs to it. */
  final BackendOps ops;
  final Handle<Pointer> ctx;
  final Handle<Pointer> sk; // null in a public context
  final Handle<Pointer> pk;
  final Handle<Pointer> rk; // null without relinearization key
  final Handle<Pointer> gk; // possibly an empty set
  final Handle<Pointer> encapsulation; // null without bootstrapping keys
  final Pointer evaluatorPeer; // a view into ctx
  final long keyIdHi;
  final long keyIdLo;
  final int slots;
  final int maxLevel;
  /** q_0 ... q_L: the data primes. */
  final long[] primes;
  /**
   * The scale automatic operations keep at each level: s_L = the default scale, s_(l-1) = s_l^2 / q_l (the
   * scale of a product of two level-l ciphertexts after rescaling). See {@link CkksVector}.
   */
  final double[] levelScales;

  private final long[] galoisElements; // sorted
  private final Resources resources;
  private final Cleaner.Cleanable cleanable;
  private final Encoder encoder;
  private final Evaluator evaluator;
  private volatile Encryptor encryptor;
  private volatile Decryptor decryptor;

  /** Native objects owned by one context (the Cleaner's action: it must not reference the context). */
  private static final class Resources implements Runnable {
    private final List<Handle<?>> handles = new ArrayList<>();
    private volatile boolean closed;

    synchronized <T extends Handle<?>> T add(T h) {
      if (closed) {
        h.release();
        throw new IllegalStateException("CKKS context is closed");
      }
      handles.add(h);
      return h;
    }

    boolean isClosed() {
      return closed;
    }

    @Override
    public synchronized void run() {
      closed = true;
      for (int i = handles.size() - 1; i >= 0; i--) handles.get(i).release();
      handles.clear();
    }
  }

  private CkksContext(
      BackendOps ops,
      CkksParameters params,
      Handle<Pointer> ctx,
      Handle<Pointer> sk,
      Handle<Pointer> pk,
      Handle<Pointer> rk,
      Handle<Pointer> gk,
      Handle<Pointer> encapsulation,
      long keyIdHi,
      long keyIdLo) {
    this.ops = ops;
    this.params = params;
    this.ctx = ctx;
    this.sk = sk;
    this.pk = pk;
    this.rk = rk;
    this.gk = gk;
    this.encapsulation = encapsulation;
    this.keyIdHi = keyIdHi;
    this.keyIdLo = keyIdLo;
    this.resources = new Resources();
    resources.add(ctx);
    if (sk != null) resources.add(sk);
    resources.add(pk);
    if (rk != null) resources.add(rk);
    resources.add(gk);
    if (encapsulation != null) resources.add(encapsulation);
    this.cleanable = Native.CLEANER.register(this, resources);
    Pointer c = ctx.peer();
    this.evaluatorPeer = ops.evaluatorOf(c);
    this.slots = ops.slotCount(c);
    this.maxLevel = ops.maxLevel(c);
    this.primes = new long[maxLevel + 1];
    for (int i = 0; i <= maxLevel; i++) primes[i] = ops.prime(c, i);
    this.levelScales = new double[maxLevel + 1];
    levelScales[maxLevel] = params.scale();
    for (int l = maxLevel; l > 0; l--) levelScales[l - 1] = levelScales[l] * levelScales[l] / (double) primes[l];
    int count = (int) ops.galoisKeyCount(gk.peer());
    this.galoisElements = new long[count];
    if (count > 0) ops.galoisElements(gk.peer(), galoisElements);
    Arrays.sort(galoisElements);
    this.encoder = new Encoder(this);
    this.evaluator = new Evaluator(this);
  }

  // ------------------------------------------------------------------------------------------ creation

  /**
   * Generates fresh keys: secret, public, relinearization, and Galois keys for the given rotation steps
   * (positive: left). Generate only the rotations a computation needs: each costs a full key-switching key.
   */
  public static CkksContext generate(CkksParameters params, int... rotationSteps) {
    return builder(params).rotations(rotationSteps).build();
  }

  public static Builder builder(CkksParameters params) {
    return new Builder(params);
  }

  /** Chooses the keys to generate. */
  public static final class Builder {
    private final CkksParameters params;
    /** Rotation step -> the highest level its key must serve. */
    private final TreeMap<Integer, Integer> steps = new TreeMap<>();
    private final TreeSet<Long> elements = new TreeSet<>();
    private boolean conjugation;
    private boolean relin = true;
    private Backend backend = Backend.HNN;
    private BootstrapOptions bootstrapping;

    private Builder(CkksParameters params) {
      this.params = Objects.requireNonNull(params, "params");
    }

    /**
     * The CKKS implementation (default {@link Backend#HNN}). {@link Backend#SEAL} needs the SEAL binding
     * ({@code hnn-<version>-seal.jar}); without it {@link #build()} throws {@link HeException} saying how to
     * build it, and parameters with more than one special prime throw {@link InvalidParametersException}.
     */
    public Builder backend(Backend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /** Galois keys for rotations by these steps (positive: left; negative: right). */
    public Builder rotations(int... rotationSteps) {
      return rotationsUpToLevel(params.maxLevel(), rotationSteps);
    }

    /**
     * Galois keys for rotations by these steps that serve ciphertexts at {@code maxLevel} and below only: each
     * holds the limbs of q_0 .. q_maxLevel and the special primes instead of every prime, so it is smaller in
     * proportion (at N = 2^16 with 27 data primes, a key for level 12 takes a third of the memory). For a
     * circuit that never rotates above a level, e.g. the computation between bootstraps
     * ({@link Bootstrapper#outputLevel()}). A rotation above the key's level throws
     * {@link MissingKeyException}. A step asked for at several levels gets one key for the highest; the SEAL
     * backend always makes keys for every level.
     */
    public Builder rotationsUpToLevel(int maxLevel, int... rotationSteps) {
      Objects.requireNonNull(rotationSteps, "rotation steps");
      Objects.checkIndex(maxLevel, params.maxLevel() + 1);
      int slots = params.slotCount();
      for (int s : rotationSteps) {
        int r = Math.floorMod(s, slots);
        if (r != 0) steps.merge(r, maxLevel, Math::max);
      }
      return this;
    }

    /** Rotations by 1, 2, 4, ..., slots/2: enough for {@link CkksVector#sum()} and {@link CkksVector#dot}. */
    public Builder powerOfTwoRotations() {
      for (int s = 1; s < params.slotCount(); s <<= 1) steps.put(s, params.maxLevel());
      return this;
    }

    /** Keys for explicit Galois elements (odd, in (1, 2N)): X -> X^g, see {@link Evaluator#applyGalois}. */
    public Builder galoisElements(long... galoisElements) {
      Objects.requireNonNull(galoisElements, "Galois elements");
      long twoN = 2L * params.polyDegree();
      for (long g : galoisElements) {
        if (g <= 1 || g >= twoN || (g & 1) == 0)
          throw new IllegalArgumentException("a Galois element must be odd and in (1, " + twoN + "), got " + g);
        elements.add(g);
      }
      return this;
    }

    /** The Galois key of complex conjugation. */
    public Builder conjugation() {
      this.conjugation = true;
      return this;
    }

    /** Whether to generate the relinearization key (default true; needed by ciphertext multiplication). */
    public Builder relinearizationKey(boolean generate) {
      this.relin = generate;
      return this;
    }

    /**
     * The keys non-interactive bootstrapping with these options needs ({@link Bootstrapper}): the Galois keys of
     * its transforms, the relinearization key (forced on), and the sparse-secret encapsulation (two public
     * key-switching keys made from the secret key, which travel with the public context). {@link #build()}
     * throws {@link InvalidParametersException} if the parameters lack the levels (see
     * {@link BootstrapOptions#requiredDepth()}) and {@link UnsupportedOperationException} on a backend without
     * bootstrapping, before generating anything.
     */
    public Builder bootstrapping(BootstrapOptions options) {
      this.bootstrapping = Objects.requireNonNull(options, "bootstrap options");
      return this;
    }

    public CkksContext build() {
      BackendOps ops = BackendOps.of(backend);
      if (bootstrapping != null && !ops.supportsBootstrapping()) throw ops.bootstrappingUnsupported();
      ops.ensureLoaded();
      Handle<Pointer> ctx = newContext(ops, params);
      Handle<Pointer> sk = null;
      Handle<Pointer> pk = null;
      Handle<Pointer> rk = null;
      Handle<Pointer> gk = null;
      Handle<Pointer> enc = null;
      try {
        Pointer c = ctx.peer();
        // The transforms' Galois elements first: options the chain cannot hold fail before any key exists.
        long[] bootElements = bootstrapping == null ? new long[0] : bootstrapGaloisElements(ops, c);
        sk = new Handle<>("secret key", Native.get(() -> ops.generateSecretKey(c)), ops::deleteSecretKey);
        Pointer s = sk.peer();
        pk = new Handle<>("public key", Native.get(() -> ops.createPublicKey(c, s)), ops::deletePublicKey);
        if (relin || bootstrapping != null)
          rk = new Handle<>("relinearization key", Native.get(() -> ops.createRelinKeys(c, s)), ops::deleteRelinKeys);
        // Galois element -> the highest level its key serves; one key per element, for the highest level asked.
        int top = params.maxLevel();
        TreeMap<Long, Integer> levels = new TreeMap<>();
        for (long e : elements) levels.put(e, top);
        for (var st : steps.entrySet())
          levels.merge(Native.get(() -> ops.galoisElementForStep(c, st.getKey())), st.getValue(), Math::max);
        if (conjugation) levels.put(ops.galoisElementConjugate(c), top);
        for (long e : bootElements) levels.put(e, top);
        gk = new Handle<>("Galois keys", createGaloisKeys(ops, c, s, levels), ops::deleteGaloisKeys);
        if (bootstrapping != null)
          enc = new Handle<>("sparse-secret encapsulation", Native.get(() -> ops.createEncapsulation(c, s)),
              ops::deleteEncapsulation);
        SecureRandom rnd = new SecureRandom();
        return new CkksContext(ops, params, ctx, sk, pk, rk, gk, enc, rnd.nextLong(), rnd.nextLong());
      } catch (RuntimeException | Error e) {
        for (Handle<?> h : Arrays.asList(enc, gk, rk, pk, sk, ctx)) if (h != null) h.release();
        throw e;
      }
    }

    /** One key set: the keys of each level made together, then merged into the set of the first level. */
    private static Pointer createGaloisKeys(BackendOps ops, Pointer c, Pointer s, TreeMap<Long, Integer> levels) {
      TreeMap<Integer, List<Long>> byLevel = new TreeMap<>(java.util.Comparator.reverseOrder());
      levels.forEach((e, l) -> byLevel.computeIfAbsent(l, k -> new ArrayList<>()).add(e));
      if (byLevel.isEmpty()) byLevel.put(0, List.of());
      Pointer set = null;
      try {
        for (var group : byLevel.entrySet()) {
          long[] el = group.getValue().stream().mapToLong(Long::longValue).toArray();
          Pointer keys = Native.get(() -> ops.createGaloisKeys(c, s, el, group.getKey()));
          if (set == null) {
            set = keys;
            continue;
          }
          try {
            Pointer into = set;
            Native.run(() -> ops.galoisMerge(c, into, keys));
          } finally {
            ops.deleteGaloisKeys(keys);
          }
        }
        return set;
      } catch (RuntimeException | Error e) {
        if (set != null) ops.deleteGaloisKeys(set);
        throw e;
      }
    }

    /** The Galois elements of the bootstrapping transforms (a bootstrapper without plaintext cache lists them). */
    private long[] bootstrapGaloisElements(BackendOps ops, Pointer c) {
      double scale = bootstrapping.messageScaleOr(params.scale());
      Pointer b = Native.get(() -> ops.newBootstrapper(c, bootstrapping.withoutCache(), scale));
      try {
        return Native.get(() -> ops.bootstrapGaloisElements(b));
      } finally {
        ops.deleteBootstrapper(b);
      }
    }
  }

  private static Handle<Pointer> newContext(BackendOps ops, CkksParameters params) {
    return new Handle<>("CKKS context", ops.newContext(params), ops::deleteContext);
  }

  /**
   * The public context of these keys: shares the public, relinearization and Galois keys (no copy), has no
   * secret key. Close it independently of this context.
   */
  public CkksContext publicContext() {
    checkOpen();
    List<Handle<?>> retained = new ArrayList<>();
    try {
      Handle<Pointer> c = retain(ctx, retained);
      Handle<Pointer> p = retain(pk, retained);
      Handle<Pointer> r = rk == null ? null : retain(rk, retained);
      Handle<Pointer> g = retain(gk, retained);
      Handle<Pointer> e = encapsulation == null ? null : retain(encapsulation, retained);
      return new CkksContext(ops, params, c, null, p, r, g, e, keyIdHi, keyIdLo);
    } catch (RuntimeException e) {
      for (Handle<?> h : retained) h.release();
      throw e;
    }
  }

  private static <T extends Handle<?>> T retain(T h, List<Handle<?>> retained) {
    h.retain();
    retained.add(h);
    return h;
  }

  // ------------------------------------------------------------------------------------------ accessors

  public CkksParameters parameters() {
    return params;
  }

  /** The CKKS implementation of this context (see {@link Builder#backend}). */
  public Backend backend() {
    return ops.kind();
  }

  /** N/2: the number of values one ciphertext holds. */
  public int slotCount() {
    return slots;
  }

  /** The level of fresh ciphertexts (= number of rescalings available). */
  public int maxLevel() {
    return maxLevel;
  }

  /** The default encoding scale. */
  public double scale() {
    return params.scale();
  }

  /** The value of data prime q_i (i in [0, maxLevel]). */
  public long prime(int i) {
    Objects.checkIndex(i, primes.length);
    return primes[i];
  }

  /** Whether this context holds the secret key (a client context). */
  /**
   * A random identifier of this key set (shared by its public context, kept across serialization): lets a
   * protocol reject ciphertexts made under other keys with a clear error instead of returning garbage.
   */
  public String keyId() {
    return String.format("%016x%016x", keyIdHi, keyIdLo);
  }

  public boolean hasSecretKey() {
    return sk != null;
  }

  public boolean hasRelinearizationKey() {
    return rk != null;
  }

  /**
   * Whether this context carries the sparse-secret encapsulation of bootstrapping (built with
   * {@link Builder#bootstrapping}); {@link Bootstrapper#create} also checks the Galois keys of its options.
   */
  public boolean hasBootstrappingKeys() {
    return encapsulation != null;
  }

  /** Whether a Galois key for a rotation by {@code steps} is present (rotations by multiples of N/2 need none). */
  public boolean hasRotationKey(int steps) {
    if (Math.floorMod(steps, slots) == 0) return true;
    return Arrays.binarySearch(galoisElements, galoisElement(steps)) >= 0;
  }

  /**
   * The highest level at which a rotation by {@code steps} can run: the top level for a key of every level, lower
   * for one made by {@link Builder#rotationsUpToLevel}, -1 without a key (rotations by multiples of N/2 need
   * none: the top level).
   */
  public int rotationKeyLevel(int steps) {
    if (Math.floorMod(steps, slots) == 0) return maxLevel;
    return galoisKeyLevel(galoisElement(steps));
  }

  /** The highest level the key of a Galois element serves (see {@link #rotationKeyLevel}), -1 without one. */
  public int galoisKeyLevel(long element) {
    if (Arrays.binarySearch(galoisElements, element) < 0) return -1;
    try (Guard g = new Guard().read(ctx).read(gk).lock()) {
      return Native.get(() -> ops.galoisKeyLevel(ctx.peer(), gk.peer(), element));
    }
  }

  public boolean hasConjugationKey() {
    try (Guard g = new Guard().read(ctx).lock()) {
      return Arrays.binarySearch(galoisElements, ops.galoisElementConjugate(ctx.peer())) >= 0;
    }
  }

  /** The Galois element of a rotation by {@code steps} (5^steps mod 2N). */
  public long galoisElement(int steps) {
    try (Guard g = new Guard().read(ctx).lock()) {
      return ops.galoisElementForStep(ctx.peer(), steps);
    }
  }

  /** The Galois elements of the rotation keys present, ascending. */
  public long[] galoisElements() {
    return galoisElements.clone();
  }

  /** Bits of Q_l = q_0 ... q_l. */
  public double log2ModulusAt(int level) {
    Objects.checkIndex(level, maxLevel + 1);
    try (Guard g = new Guard().read(ctx).lock()) {
      return ops.log2ModulusAt(ctx.peer(), level);
    }
  }

  public Encoder encoder() {
    checkOpen();
    return encoder;
  }

  public Evaluator evaluator() {
    checkOpen();
    return evaluator;
  }

  /** Encryption with the public key (and, in a client context, the secret key for symmetric encryption). */
  public Encryptor encryptor() {
    Encryptor e = encryptor;
    if (e != null) return e;
    synchronized (this) {
      if (encryptor == null) {
        try (Guard g = new Guard().read(ctx).read(pk).lock()) {
          Pointer s = sk == null ? null : sk.peer();
          Pointer n = Native.get(() -> ops.newEncryptor(ctx.peer(), pk.peer(), s));
          encryptor = new Encryptor(this, resources.add(new Handle<>("encryptor", n, ops::deleteEncryptor)));
        }
      }
      return encryptor;
    }
  }

  /** Decryption: only a client context can decrypt; a public context throws {@link MissingKeyException}. */
  public Decryptor decryptor() {
    if (sk == null)
      throw new MissingKeyException("this is a public context: it holds no secret key and cannot decrypt");
    Decryptor d = decryptor;
    if (d != null) return d;
    synchronized (this) {
      if (decryptor == null) {
        try (Guard g = new Guard().read(ctx).read(sk).lock()) {
          Pointer n = Native.get(() -> ops.newDecryptor(ctx.peer(), sk.peer()));
          decryptor = new Decryptor(this, resources.add(new Handle<>("decryptor", n, ops::deleteDecryptor)));
        }
      }
      return decryptor;
    }
  }

  // ------------------------------------------------------------------------------------------ checks

  void checkOpen() {
    if (resources.isClosed()) throw new IllegalStateException("CKKS context is closed");
  }

  /** A ciphertext must belong to these keys (this context or one sharing its keys). */
  void checkOwn(Ciphertext c, String what) {
    Objects.requireNonNull(c, what);
    if (c.context != this && (c.context.keyIdHi != keyIdHi || c.context.keyIdLo != keyIdLo))
      throw new IncompatibleObjectsException(
          what + " belongs to another CKKS context (other keys or parameters): load it into this context");
  }

  void checkPlain(Plaintext p, String what) {
    Objects.requireNonNull(p, what);
    if (p.context != this && !p.context.params.equals(params))
      throw new IncompatibleObjectsException(what + " was encoded for other encryption parameters");
    if (p.context.ops != ops)
      throw new IncompatibleObjectsException(
          what + " belongs to the " + p.context.ops.kind() + " backend, this context to " + ops.kind());
  }

  void checkLevel(int level) {
    if (level < 0 || level > maxLevel)
      throw new IllegalArgumentException("level must be in [0, " + maxLevel + "], got " + level);
  }

  Ciphertext newCiphertext() {
    return new Ciphertext(this, ops.newCiphertext());
  }

  Plaintext newPlaintext() {
    return Plaintext.allocate(this);
  }

  Pointer relinKeysPeer() {
    if (rk == null)
      throw new MissingKeyException("this context has no relinearization key: build it with relinearizationKey(true)");
    return rk.peer();
  }

  // ------------------------------------------------------------------------------------------ serialization

  /**
   * Serializes the context: parameters, keys (the secret key only for a client context) and a key identity.
   * Galois keys are written one by one. Use {@link #save(OutputStream)} for key sets beyond 2 GiB.
   */
  public byte[] serialize() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    save(out);
    return out.toByteArray();
  }

  /** Serializes the public context of these keys (no secret key): what to send to a server. */
  public byte[] serializePublic() {
    try (CkksContext pub = publicContext()) {
      return pub.serialize();
    }
  }

  /**
   * Writes: "HNNC", version, flags, key identity, the {@link CkksParameters} encoding, then length-prefixed
   * engine objects: parameters (exact primes), [secret key], public key, [relinearization key], a count
   * followed by one Galois key set per key, [the sparse-secret encapsulation of bootstrapping], and a CRC-32 of
   * everything before it.
   */
  public void save(OutputStream out) {
    Objects.requireNonNull(out, "out");
    checkOpen();
    try {
      CheckedOutputStream checked = new CheckedOutputStream(out, new CRC32());
      DataOutputStream d = new DataOutputStream(checked);
      d.writeInt(MAGIC);
      d.writeShort(VERSION);
      d.writeShort(
          (sk != null ? FLAG_SECRET : 0)
              | (rk != null ? FLAG_RELIN : 0)
              | (ops.kind() == Backend.SEAL ? FLAG_SEAL : 0)
              | (encapsulation != null ? FLAG_BOOTSTRAPPING : 0));
      d.writeLong(keyIdHi);
      d.writeLong(keyIdLo);
      byte[] p = params.serialize();
      d.writeInt(p.length);
      d.write(p);
      try (Guard g = new Guard().read(ctx).lock()) {
        writePrefixed(d, Blobs.toArray(ops, () -> ops.saveParameters(ctx.peer())));
      }
      if (sk != null) {
        try (Guard g = new Guard().read(ctx).read(sk).lock()) {
          writePrefixed(d, Blobs.toArray(ops, () -> ops.saveSecretKey(ctx.peer(), sk.peer(), false)));
        }
      }
      try (Guard g = new Guard().read(ctx).read(pk).lock()) {
        writePrefixed(d, Blobs.toArray(ops, () -> ops.savePublicKey(ctx.peer(), pk.peer(), false)));
      }
      if (rk != null) {
        try (Guard g = new Guard().read(ctx).read(rk).lock()) {
          writePrefixed(d, Blobs.toArray(ops, () -> ops.saveRelinKeys(ctx.peer(), rk.peer(), false)));
        }
      }
      d.writeInt(galoisElements.length);
      for (long elt : galoisElements) {
        try (Guard g = new Guard().read(ctx).read(gk).lock()) {
          Pointer one = Native.get(() -> ops.galoisSingle(ctx.peer(), gk.peer(), elt));
          try {
            writePrefixed(d, Blobs.toArray(ops, () -> ops.saveGaloisKeys(ctx.peer(), one, false)));
          } finally {
            ops.deleteGaloisKeys(one);
          }
        }
      }
      if (encapsulation != null) {
        try (Guard g = new Guard().read(encapsulation).lock()) {
          writePrefixed(d, Blobs.toArray(ops, () -> ops.saveEncapsulation(encapsulation.peer())));
        }
      }
      d.flush();
      new DataOutputStream(out).writeInt((int) checked.getChecksum().getValue());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writePrefixed(DataOutputStream d, byte[] blob) throws IOException {
    d.writeLong(blob.length);
    d.write(blob);
  }

  /**
   * Loads a serialized context (client or public). Validates everything and throws {@link CorruptDataException}
   * for truncated, altered or foreign bytes; the parameters' security level is enforced again.
   */
  public static CkksContext load(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    CkksContext c = load(in);
    if (in.available() != 0) {
      c.close();
      throw new CorruptDataException("trailing bytes after the serialized context");
    }
    return c;
  }

  /** Reads exactly one serialized context from the stream. */
  public static CkksContext load(InputStream in) {
    Objects.requireNonNull(in, "in");
    Native.ensureLoaded();
    List<Handle<?>> made = new ArrayList<>();
    try {
      CheckedInputStream checked = new CheckedInputStream(in, new CRC32());
      DataInputStream d = new DataInputStream(checked);
      int magic;
      try {
        magic = d.readInt();
      } catch (EOFException e) {
        throw new CorruptDataException("serialized context is truncated", e);
      }
      if (magic != MAGIC) throw new CorruptDataException("not a serialized HNN CKKS context (bad magic)");
      int version, flags;
      long idHi, idLo;
      byte[] pbytes;
      try {
        version = d.readUnsignedShort();
        if (version != VERSION) throw new CorruptDataException("unsupported context format version " + version);
        flags = d.readUnsignedShort();
        if ((flags & ~(FLAG_SECRET | FLAG_RELIN | FLAG_SEAL | FLAG_BOOTSTRAPPING)) != 0)
          throw new CorruptDataException("unknown context flags " + flags);
        if ((flags & FLAG_BOOTSTRAPPING) != 0 && (flags & (FLAG_SEAL | FLAG_RELIN)) != FLAG_RELIN)
          throw new CorruptDataException("bootstrapping keys need the engine's backend and a relinearization key");
        idHi = d.readLong();
        idLo = d.readLong();
        int plen = d.readInt();
        if (plen < 0 || plen > 4096) throw new CorruptDataException("parameters length out of range: " + plen);
        pbytes = d.readNBytes(plen);
        if (pbytes.length != plen) throw new CorruptDataException("serialized context is truncated");
      } catch (EOFException e) {
        throw new CorruptDataException("serialized context is truncated", e);
      }
      CkksParameters params = CkksParameters.load(pbytes);
      BackendOps ops = BackendOps.of((flags & FLAG_SEAL) != 0 ? Backend.SEAL : Backend.HNN);
      ops.ensureLoaded();
      byte[] engineParams = Blobs.readPrefixed(d, "engine parameters");
      Handle<Pointer> ctx = new Handle<>("CKKS context", ops.loadContext(params, engineParams), ops::deleteContext);
      made.add(ctx);
      Pointer c = ctx.peer();
      Handle<Pointer> sk = null;
      if ((flags & FLAG_SECRET) != 0) {
        byte[] b = Blobs.readPrefixed(d, "secret key");
        sk = new Handle<>("secret key", Native.get(() -> ops.loadSecretKey(c, b)), ops::deleteSecretKey);
        made.add(sk);
      }
      byte[] pkb = Blobs.readPrefixed(d, "public key");
      Handle<Pointer> pk = new Handle<>("public key", Native.get(() -> ops.loadPublicKey(c, pkb)), ops::deletePublicKey);
      made.add(pk);
      Handle<Pointer> rk = null;
      if ((flags & FLAG_RELIN) != 0) {
        byte[] b = Blobs.readPrefixed(d, "relinearization key");
        rk = new Handle<>("relinearization key", Native.get(() -> ops.loadRelinKeys(c, b)), ops::deleteRelinKeys);
        made.add(rk);
      }
      int count;
      try {
        count = d.readInt();
      } catch (EOFException e) {
        throw new CorruptDataException("serialized context is truncated before its Galois keys", e);
      }
      if (count < 0 || count > 2 * ops.polyDegree(c))
        throw new CorruptDataException("Galois key count out of range: " + count);
      Handle<Pointer> gk = new Handle<>("Galois keys", ops.newGaloisKeys(), ops::deleteGaloisKeys);
      made.add(gk);
      for (int i = 0; i < count; i++) {
        byte[] b = Blobs.readPrefixed(d, "Galois key");
        Pointer one = Native.get(() -> ops.loadGaloisKeys(c, b));
        try {
          if (ops.galoisKeyCount(one) != 1) throw new CorruptDataException("a Galois key entry must hold one key");
          Native.run(() -> ops.galoisMerge(c, gk.peer(), one));
        } finally {
          ops.deleteGaloisKeys(one);
        }
      }
      Handle<Pointer> enc = null;
      if ((flags & FLAG_BOOTSTRAPPING) != 0) {
        byte[] b = Blobs.readPrefixed(d, "sparse-secret encapsulation");
        enc = new Handle<>("sparse-secret encapsulation", Native.get(() -> ops.loadEncapsulation(c, b)),
            ops::deleteEncapsulation);
        made.add(enc);
      }
      int expected = (int) checked.getChecksum().getValue();
      int stored;
      try {
        stored = new DataInputStream(in).readInt();
      } catch (EOFException e) {
        throw new CorruptDataException("serialized context is truncated before its checksum", e);
      }
      if (stored != expected) throw new CorruptDataException("serialized context: checksum mismatch (altered data)");
      return new CkksContext(ops, params, ctx, sk, pk, rk, gk, enc, idHi, idLo);
    } catch (IncompatibleObjectsException e) {
      for (int i = made.size() - 1; i >= 0; i--) made.get(i).release();
      throw new CorruptDataException("serialized context holds objects of other parameters: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      for (int i = made.size() - 1; i >= 0; i--) made.get(i).release();
      throw e;
    } catch (IOException e) {
      for (int i = made.size() - 1; i >= 0; i--) made.get(i).release();
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  public boolean isClosed() {
    return resources.isClosed();
  }

  /**
   * Releases this context's native keys (the secret key is wiped). Idempotent. Keys shared with a
   * {@link #publicContext()} stay alive until that one is closed too.
   */
  @Override
  public void close() {
    cleanable.clean();
  }

  @Override
  public String toString() {
    return (sk != null ? "CkksContext{client, " : "CkksContext{public, ")
        + (ops.kind() == Backend.HNN ? "" : ops.kind() + ", ")
        + params
        + ", rotations="
        + galoisElements.length
        + (encapsulation != null ? ", bootstrapping" : "")
        + (isClosed() ? ", closed}" : "}");
  }
}
