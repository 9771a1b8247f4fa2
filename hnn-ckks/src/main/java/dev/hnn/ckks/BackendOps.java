package dev.hnn.ckks;

import java.io.InputStream;
import org.bytedeco.javacpp.Pointer;

/**
 * The native operations the classes of this package call, implemented once per {@link Backend} over its JavaCPP
 * binding ({@link HnnBackend}, {@link SealBackend}). Peers are plain {@link Pointer}s here; each implementation
 * casts them to its own peer types (objects never cross backends: contexts check it). Evaluation methods take
 * the owning {@link CkksContext} (whose context handle the caller holds read-locked). Errors leave as
 * "hnn:&lt;Tag&gt;:" runtime exceptions that {@link Native#translate} maps to {@link HeException}s.
 *
 * <p>The in-place forms default to the out-of-place ones with the target as output (both bindings accept
 * aliasing); the engine overrides them with its own in-place kernels.
 */
interface BackendOps {
  Backend kind();

  static BackendOps of(Backend b) {
    return b == Backend.SEAL ? SealBackend.INSTANCE : HnnBackend.INSTANCE;
  }

  /** Loads the native library or throws a clear error. */
  void ensureLoaded();

  /** Whether reading an object's level needs the context (then the context handle is read-locked too). */
  default boolean levelNeedsContext() {
    return false;
  }

  // ---- bytes
  long bytesSize(Pointer b);

  void bytesCopy(Pointer b, long offset, long count, byte[] out);

  void deleteBytes(Pointer b);

  /** Reads exactly one serialized object (this backend's format) from a stream, bounded by what arrives. */
  byte[] readObject(InputStream in);

  // ---- context
  Pointer newContext(CkksParameters params);

  /** A context from this backend's serialized parameters, checked to agree with {@code params}. */
  Pointer loadContext(CkksParameters params, byte[] engineParams);

  Pointer saveParameters(Pointer ctx);

  void deleteContext(Pointer ctx);

  /** The evaluator peer cached by a context (the engine's evaluator view; the context itself for SEAL). */
  Pointer evaluatorOf(Pointer ctx);

  long polyDegree(Pointer ctx);

  int slotCount(Pointer ctx);

  int maxLevel(Pointer ctx);

  long prime(Pointer ctx, int i);

  double log2ModulusAt(Pointer ctx, int level);

  // ---- plaintexts and ciphertexts
  Pointer newPlaintext();

  Pointer copyPlaintext(Pointer p);

  void deletePlaintext(Pointer p);

  long plaintextWords(Pointer p);

  long plaintextLevel(CkksContext x, Pointer p);

  double plaintextScale(Pointer p);

  Pointer newCiphertext();

  Pointer copyCiphertext(Pointer c);

  void deleteCiphertext(Pointer c);

  long ciphertextWords(Pointer c);

  long ciphertextLevel(CkksContext x, Pointer c);

  double ciphertextScale(Pointer c);

  long ciphertextSize(Pointer c);

  // ---- keys
  Pointer generateSecretKey(Pointer ctx);

  Pointer createPublicKey(Pointer ctx, Pointer sk);

  Pointer createRelinKeys(Pointer ctx, Pointer sk);

  /**
   * Keys for these Galois elements serving ciphertexts at levels up to {@code maxLevel}. A backend whose keys
   * always serve every level (SEAL) makes those: a key for more levels than asked is still a key for them.
   */
  Pointer createGaloisKeys(Pointer ctx, Pointer sk, long[] elements, int maxLevel);

  /** The highest level the key of {@code element} serves, -1 without one. */
  int galoisKeyLevel(Pointer ctx, Pointer gk, long element);

  Pointer newGaloisKeys();

  long galoisKeyCount(Pointer gk);

  void galoisElements(Pointer gk, long[] out);

  long galoisElementForStep(Pointer ctx, long steps);

  long galoisElementConjugate(Pointer ctx);

  Pointer galoisSingle(Pointer ctx, Pointer gk, long element);

  void galoisMerge(Pointer ctx, Pointer into, Pointer from);

  void deleteSecretKey(Pointer k);

  void deletePublicKey(Pointer k);

  void deleteRelinKeys(Pointer k);

  void deleteGaloisKeys(Pointer k);

  // ---- encryption
  Pointer newEncryptor(Pointer ctx, Pointer pk, Pointer sk);

  void deleteEncryptor(Pointer e);

  void encrypt(CkksContext x, Pointer e, Pointer p, Pointer out);

  void encryptSymmetric(CkksContext x, Pointer e, Pointer p, Pointer out);

  void encryptZero(CkksContext x, Pointer e, int level, Pointer out);

  Pointer newDecryptor(Pointer ctx, Pointer sk);

  void deleteDecryptor(Pointer d);

  void decrypt(CkksContext x, Pointer d, Pointer ct, Pointer out);

  // ---- encoding
  void encode(CkksContext x, double[] values, int count, double scale, int level, Pointer out);

  void encodeComplex(CkksContext x, double[] interleaved, int count, double scale, int level, Pointer out);

  void encodeConstant(CkksContext x, double value, double scale, int level, Pointer out);

  void decode(CkksContext x, Pointer p, double[] out, int count);

  void decodeComplex(CkksContext x, Pointer p, double[] out, int count);

  // ---- evaluation
  void add(CkksContext x, Pointer a, Pointer b, Pointer out);

  default void addInPlace(CkksContext x, Pointer a, Pointer b) {
    add(x, a, b, a);
  }

  void sub(CkksContext x, Pointer a, Pointer b, Pointer out);

  default void subInPlace(CkksContext x, Pointer a, Pointer b) {
    sub(x, a, b, a);
  }

  void negateInPlace(CkksContext x, Pointer a);

  void addPlainInPlace(CkksContext x, Pointer a, Pointer p);

  void subPlainInPlace(CkksContext x, Pointer a, Pointer p);

  void addScalarInPlace(CkksContext x, Pointer a, double value);

  /** a * b into out (out may be a or b). */
  void multiply(CkksContext x, Pointer a, Pointer b, Pointer out);

  void square(CkksContext x, Pointer a, Pointer out);

  void multiplyPlain(CkksContext x, Pointer a, Pointer p, Pointer out);

  default void multiplyPlainInPlace(CkksContext x, Pointer a, Pointer p) {
    multiplyPlain(x, a, p, a);
  }

  void multiplyScalarInPlace(CkksContext x, Pointer a, double value, double scale);

  void multiplyIntegerInPlace(CkksContext x, Pointer a, long value);

  void relinearize(CkksContext x, Pointer a, Pointer rk, Pointer out);

  default void relinearizeInPlace(CkksContext x, Pointer a, Pointer rk) {
    relinearize(x, a, rk, a);
  }

  void rescale(CkksContext x, Pointer a, Pointer out);

  default void rescaleInPlace(CkksContext x, Pointer a) {
    rescale(x, a, a);
  }

  void multiplyRelinRescale(CkksContext x, Pointer a, Pointer b, Pointer rk, Pointer out);

  void multiplyPlainAccumulate(CkksContext x, long[] cts, long[] pts, Pointer out);

  void multiplyScalarAccumulate(CkksContext x, long[] cts, double[] values, double[] scales, Pointer out);

  void modSwitchTo(CkksContext x, Pointer a, int level, Pointer out);

  default void modSwitchToInPlace(CkksContext x, Pointer a, int level) {
    modSwitchTo(x, a, level, a);
  }

  void modSwitchPlainToInPlace(CkksContext x, Pointer p, int level);

  void alignInPlace(CkksContext x, Pointer a, Pointer b);

  void setScale(CkksContext x, Pointer a, double scale);

  void rotate(CkksContext x, Pointer a, long steps, Pointer gk, Pointer out);

  default void rotateInPlace(CkksContext x, Pointer a, long steps, Pointer gk) {
    rotate(x, a, steps, gk, a);
  }

  void rotateHoisted(CkksContext x, Pointer a, long[] steps, Pointer gk, long[] outs);

  void rotateSum(CkksContext x, Pointer a, long[] steps, Pointer gk, Pointer out);

  void conjugate(CkksContext x, Pointer a, Pointer gk, Pointer out);

  void applyGalois(CkksContext x, Pointer a, long element, Pointer gk, Pointer out);

  // ---- serialization
  Pointer savePlaintext(Pointer ctx, Pointer p, boolean compress);

  Pointer saveCiphertext(Pointer ctx, Pointer c, boolean compress);

  Pointer saveSecretKey(Pointer ctx, Pointer k, boolean compress);

  Pointer savePublicKey(Pointer ctx, Pointer k, boolean compress);

  Pointer saveRelinKeys(Pointer ctx, Pointer k, boolean compress);

  Pointer saveGaloisKeys(Pointer ctx, Pointer k, boolean compress);

  void loadPlaintext(Pointer ctx, byte[] data, Pointer out);

  void loadCiphertext(Pointer ctx, byte[] data, Pointer out);

  Pointer loadSecretKey(Pointer ctx, byte[] data);

  Pointer loadPublicKey(Pointer ctx, byte[] data);

  Pointer loadRelinKeys(Pointer ctx, byte[] data);

  Pointer loadGaloisKeys(Pointer ctx, byte[] data);

  // ---- bootstrapping (issue 17): the engine's own; a backend without it says so before any work
  /** Whether this backend bootstraps; if not, every method below throws {@link #bootstrappingUnsupported()}. */
  boolean supportsBootstrapping();

  default UnsupportedOperationException bootstrappingUnsupported() {
    return new UnsupportedOperationException(
        "the " + kind() + " backend does not support bootstrapping: build the context with Backend.HNN");
  }

  /** A bootstrapper for {@code ctx} (InvalidParametersException if the chain cannot hold the options). */
  default Pointer newBootstrapper(Pointer ctx, BootstrapOptions options, double messageScale) {
    throw bootstrappingUnsupported();
  }

  default void deleteBootstrapper(Pointer b) {
    throw bootstrappingUnsupported();
  }

  /** The Galois elements the bootstrapper's keys must cover (rotations and conjugation). */
  default long[] bootstrapGaloisElements(Pointer b) {
    throw bootstrappingUnsupported();
  }

  default int bootstrapDepth(Pointer b) {
    throw bootstrappingUnsupported();
  }

  default int bootstrapOutputLevel(Pointer b) {
    throw bootstrappingUnsupported();
  }

  default void bootstrap(Pointer b, Pointer in, Pointer gk, Pointer rk, Pointer encapsulation, Pointer out) {
    throw bootstrappingUnsupported();
  }

  /** The sparse-secret encapsulation's two public keys, made from the secret key. */
  default Pointer createEncapsulation(Pointer ctx, Pointer sk) {
    throw bootstrappingUnsupported();
  }

  default Pointer saveEncapsulation(Pointer encapsulation) {
    throw bootstrappingUnsupported();
  }

  default Pointer loadEncapsulation(Pointer ctx, byte[] data) {
    throw bootstrappingUnsupported();
  }

  default void deleteEncapsulation(Pointer encapsulation) {
    throw bootstrappingUnsupported();
  }
}
