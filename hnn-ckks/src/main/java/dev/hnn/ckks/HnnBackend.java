package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import dev.hnn.ckks.presets.HnnNative.NBootstrapper;
import dev.hnn.ckks.presets.HnnNative.NBytes;
import dev.hnn.ckks.presets.HnnNative.NCiphertext;
import dev.hnn.ckks.presets.HnnNative.NContext;
import dev.hnn.ckks.presets.HnnNative.NDecryptor;
import dev.hnn.ckks.presets.HnnNative.NEncapsulation;
import dev.hnn.ckks.presets.HnnNative.NEncryptor;
import dev.hnn.ckks.presets.HnnNative.NEvaluator;
import dev.hnn.ckks.presets.HnnNative.NGaloisKeys;
import dev.hnn.ckks.presets.HnnNative.NParameters;
import dev.hnn.ckks.presets.HnnNative.NPlaintext;
import dev.hnn.ckks.presets.HnnNative.NPublicKey;
import dev.hnn.ckks.presets.HnnNative.NRelinKeys;
import dev.hnn.ckks.presets.HnnNative.NSecretKey;
import java.io.InputStream;
import org.bytedeco.javacpp.Pointer;

/** {@link Backend#HNN}: HNN's own engine through {@link HnnNative}, exactly the calls the API always made. */
final class HnnBackend implements BackendOps {
  static final HnnBackend INSTANCE = new HnnBackend();

  private HnnBackend() {}

  @Override
  public Backend kind() {
    return Backend.HNN;
  }

  @Override
  public void ensureLoaded() {
    Native.ensureLoaded();
  }

  private static NContext c(CkksContext x) {
    return (NContext) x.ctx.peer();
  }

  private static NEvaluator ev(CkksContext x) {
    return (NEvaluator) x.evaluatorPeer;
  }

  private static NCiphertext ct(Pointer p) {
    return (NCiphertext) p;
  }

  private static NPlaintext pt(Pointer p) {
    return (NPlaintext) p;
  }

  // ---- bytes
  @Override
  public long bytesSize(Pointer b) {
    return HnnNative.bytes_size((NBytes) b);
  }

  @Override
  public void bytesCopy(Pointer b, long offset, long count, byte[] out) {
    HnnNative.bytes_copy((NBytes) b, offset, count, out);
  }

  @Override
  public void deleteBytes(Pointer b) {
    HnnNative.delete_bytes((NBytes) b);
  }

  @Override
  public byte[] readObject(InputStream in) {
    return Blobs.readEngineObject(in);
  }

  // ---- context
  @Override
  public Pointer newContext(CkksParameters params) {
    int[] bits = params.coeffModulusBits();
    NParameters p =
        Native.get(() -> HnnNative.new_parameters(params.polyDegree(), bits, bits.length, params.specialPrimeCount()));
    try {
      return Native.get(() -> HnnNative.new_context(p, params.securityLevel() == SecurityLevel.CLASSICAL_128));
    } finally {
      HnnNative.delete_parameters(p);
    }
  }

  @Override
  public Pointer loadContext(CkksParameters params, byte[] engineParams) {
    NParameters np = Native.get(() -> HnnNative.load_parameters(engineParams, engineParams.length));
    try {
      checkParametersAgree(params, np);
      try {
        return Native.get(() -> HnnNative.new_context(np, params.securityLevel() == SecurityLevel.CLASSICAL_128));
      } catch (InvalidParametersException e) {
        throw new CorruptDataException("serialized parameters are invalid: " + e.getMessage(), e);
      }
    } finally {
      HnnNative.delete_parameters(np);
    }
  }

  private static void checkParametersAgree(CkksParameters params, NParameters np) {
    int count = (int) HnnNative.parameters_prime_count(np);
    int[] bits = params.coeffModulusBits();
    boolean ok =
        HnnNative.parameters_degree(np) == params.polyDegree()
            && count == bits.length
            && HnnNative.parameters_special_count(np) == params.specialPrimeCount();
    for (int i = 0; ok && i < count; i++) {
      long q = HnnNative.parameters_prime(np, i);
      ok = 64 - Long.numberOfLeadingZeros(q) == bits[i];
    }
    if (!ok) throw new CorruptDataException("the serialized context's primes do not match its parameters");
  }

  @Override
  public Pointer saveParameters(Pointer ctx) {
    NParameters np = ((NContext) ctx).parameters();
    try {
      return HnnNative.save_parameters(np);
    } finally {
      HnnNative.delete_parameters(np);
    }
  }

  @Override
  public void deleteContext(Pointer ctx) {
    HnnNative.delete_context((NContext) ctx);
  }

  @Override
  public Pointer evaluatorOf(Pointer ctx) {
    return ((NContext) ctx).evaluator();
  }

  @Override
  public long polyDegree(Pointer ctx) {
    return ((NContext) ctx).n();
  }

  @Override
  public int slotCount(Pointer ctx) {
    return (int) ((NContext) ctx).slot_count();
  }

  @Override
  public int maxLevel(Pointer ctx) {
    return (int) ((NContext) ctx).max_level();
  }

  @Override
  public long prime(Pointer ctx, int i) {
    return ((NContext) ctx).prime(i);
  }

  @Override
  public double log2ModulusAt(Pointer ctx, int level) {
    return ((NContext) ctx).log2_modulus_at(level);
  }

  // ---- objects
  @Override
  public Pointer newPlaintext() {
    return HnnNative.new_plaintext();
  }

  @Override
  public Pointer copyPlaintext(Pointer p) {
    return HnnNative.copy_plaintext(pt(p));
  }

  @Override
  public void deletePlaintext(Pointer p) {
    HnnNative.delete_plaintext(pt(p));
  }

  @Override
  public long plaintextWords(Pointer p) {
    return HnnNative.plaintext_words(pt(p));
  }

  @Override
  public long plaintextLevel(CkksContext x, Pointer p) {
    return pt(p).level();
  }

  @Override
  public double plaintextScale(Pointer p) {
    return pt(p).scale();
  }

  @Override
  public Pointer newCiphertext() {
    return HnnNative.new_ciphertext();
  }

  @Override
  public Pointer copyCiphertext(Pointer c) {
    return HnnNative.copy_ciphertext(ct(c));
  }

  @Override
  public void deleteCiphertext(Pointer c) {
    HnnNative.delete_ciphertext(ct(c));
  }

  @Override
  public long ciphertextWords(Pointer c) {
    return HnnNative.ciphertext_words(ct(c));
  }

  @Override
  public long ciphertextLevel(CkksContext x, Pointer c) {
    return ct(c).level();
  }

  @Override
  public double ciphertextScale(Pointer c) {
    return ct(c).scale();
  }

  @Override
  public long ciphertextSize(Pointer c) {
    return ct(c).size();
  }

  // ---- keys
  @Override
  public Pointer generateSecretKey(Pointer ctx) {
    return HnnNative.generate_secret_key((NContext) ctx);
  }

  @Override
  public Pointer createPublicKey(Pointer ctx, Pointer sk) {
    return HnnNative.create_public_key((NContext) ctx, (NSecretKey) sk);
  }

  @Override
  public Pointer createRelinKeys(Pointer ctx, Pointer sk) {
    return HnnNative.create_relin_keys((NContext) ctx, (NSecretKey) sk);
  }

  @Override
  public Pointer createGaloisKeys(Pointer ctx, Pointer sk, long[] elements, int maxLevel) {
    return HnnNative.create_galois_keys_for_elements((NContext) ctx, (NSecretKey) sk, elements, elements.length,
        maxLevel);
  }

  @Override
  public int galoisKeyLevel(Pointer ctx, Pointer gk, long element) {
    return (int) HnnNative.galois_key_level((NContext) ctx, (NGaloisKeys) gk, element);
  }

  @Override
  public Pointer newGaloisKeys() {
    return HnnNative.new_galois_keys();
  }

  @Override
  public long galoisKeyCount(Pointer gk) {
    return HnnNative.galois_key_count((NGaloisKeys) gk);
  }

  @Override
  public void galoisElements(Pointer gk, long[] out) {
    HnnNative.galois_elements((NGaloisKeys) gk, out);
  }

  @Override
  public long galoisElementForStep(Pointer ctx, long steps) {
    return HnnNative.galois_element_for_step((NContext) ctx, steps);
  }

  @Override
  public long galoisElementConjugate(Pointer ctx) {
    return HnnNative.galois_element_conjugate((NContext) ctx);
  }

  @Override
  public Pointer galoisSingle(Pointer ctx, Pointer gk, long element) {
    return HnnNative.galois_single((NGaloisKeys) gk, element);
  }

  @Override
  public void galoisMerge(Pointer ctx, Pointer into, Pointer from) {
    HnnNative.galois_merge((NGaloisKeys) into, (NGaloisKeys) from);
  }

  @Override
  public void deleteSecretKey(Pointer k) {
    HnnNative.delete_secret_key((NSecretKey) k);
  }

  @Override
  public void deletePublicKey(Pointer k) {
    HnnNative.delete_public_key((NPublicKey) k);
  }

  @Override
  public void deleteRelinKeys(Pointer k) {
    HnnNative.delete_relin_keys((NRelinKeys) k);
  }

  @Override
  public void deleteGaloisKeys(Pointer k) {
    HnnNative.delete_galois_keys((NGaloisKeys) k);
  }

  // ---- encryption
  @Override
  public Pointer newEncryptor(Pointer ctx, Pointer pk, Pointer sk) {
    return HnnNative.new_encryptor((NContext) ctx, (NPublicKey) pk, (NSecretKey) sk);
  }

  @Override
  public void deleteEncryptor(Pointer e) {
    HnnNative.delete_encryptor((NEncryptor) e);
  }

  @Override
  public void encrypt(CkksContext x, Pointer e, Pointer p, Pointer out) {
    ((NEncryptor) e).encrypt(pt(p), ct(out));
  }

  @Override
  public void encryptSymmetric(CkksContext x, Pointer e, Pointer p, Pointer out) {
    ((NEncryptor) e).encrypt_symmetric(pt(p), ct(out));
  }

  @Override
  public void encryptZero(CkksContext x, Pointer e, int level, Pointer out) {
    ((NEncryptor) e).encrypt_zero(level, ct(out));
  }

  @Override
  public Pointer newDecryptor(Pointer ctx, Pointer sk) {
    return HnnNative.new_decryptor((NContext) ctx, (NSecretKey) sk);
  }

  @Override
  public void deleteDecryptor(Pointer d) {
    HnnNative.delete_decryptor((NDecryptor) d);
  }

  @Override
  public void decrypt(CkksContext x, Pointer d, Pointer c, Pointer out) {
    ((NDecryptor) d).decrypt(ct(c), pt(out));
  }

  // ---- encoding
  @Override
  public void encode(CkksContext x, double[] values, int count, double scale, int level, Pointer out) {
    HnnNative.encode(c(x), values, count, scale, level, pt(out));
  }

  @Override
  public void encodeComplex(CkksContext x, double[] interleaved, int count, double scale, int level, Pointer out) {
    HnnNative.encode_complex(c(x), interleaved, count, scale, level, pt(out));
  }

  @Override
  public void encodeConstant(CkksContext x, double value, double scale, int level, Pointer out) {
    HnnNative.encode_constant(c(x), value, scale, level, pt(out));
  }

  @Override
  public void decode(CkksContext x, Pointer p, double[] out, int count) {
    HnnNative.decode(c(x), pt(p), out, count);
  }

  @Override
  public void decodeComplex(CkksContext x, Pointer p, double[] out, int count) {
    HnnNative.decode_complex(c(x), pt(p), out, count);
  }

  // ---- evaluation
  @Override
  public void add(CkksContext x, Pointer a, Pointer b, Pointer out) {
    ev(x).add(ct(a), ct(b), ct(out));
  }

  @Override
  public void addInPlace(CkksContext x, Pointer a, Pointer b) {
    ev(x).add_inplace(ct(a), ct(b));
  }

  @Override
  public void sub(CkksContext x, Pointer a, Pointer b, Pointer out) {
    ev(x).sub(ct(a), ct(b), ct(out));
  }

  @Override
  public void subInPlace(CkksContext x, Pointer a, Pointer b) {
    ev(x).sub_inplace(ct(a), ct(b));
  }

  @Override
  public void negateInPlace(CkksContext x, Pointer a) {
    ev(x).negate_inplace(ct(a));
  }

  @Override
  public void addPlainInPlace(CkksContext x, Pointer a, Pointer p) {
    ev(x).add_plain_inplace(ct(a), pt(p));
  }

  @Override
  public void subPlainInPlace(CkksContext x, Pointer a, Pointer p) {
    ev(x).sub_plain_inplace(ct(a), pt(p));
  }

  @Override
  public void addScalarInPlace(CkksContext x, Pointer a, double value) {
    ev(x).add_scalar_inplace(ct(a), value);
  }

  @Override
  public void multiply(CkksContext x, Pointer a, Pointer b, Pointer out) {
    ev(x).multiply(ct(a), ct(b), ct(out));
  }

  @Override
  public void square(CkksContext x, Pointer a, Pointer out) {
    ev(x).square(ct(a), ct(out));
  }

  @Override
  public void multiplyPlain(CkksContext x, Pointer a, Pointer p, Pointer out) {
    ev(x).multiply_plain(ct(a), pt(p), ct(out));
  }

  @Override
  public void multiplyPlainInPlace(CkksContext x, Pointer a, Pointer p) {
    ev(x).multiply_plain_inplace(ct(a), pt(p));
  }

  @Override
  public void multiplyScalarInPlace(CkksContext x, Pointer a, double value, double scale) {
    ev(x).multiply_scalar_inplace(ct(a), value, scale);
  }

  @Override
  public void multiplyIntegerInPlace(CkksContext x, Pointer a, long value) {
    ev(x).multiply_integer_inplace(ct(a), value);
  }

  @Override
  public void relinearize(CkksContext x, Pointer a, Pointer rk, Pointer out) {
    HnnNative.relinearize(c(x), ct(a), (NRelinKeys) rk, ct(out));
  }

  @Override
  public void relinearizeInPlace(CkksContext x, Pointer a, Pointer rk) {
    ev(x).relinearize_inplace(ct(a), (NRelinKeys) rk);
  }

  @Override
  public void rescale(CkksContext x, Pointer a, Pointer out) {
    HnnNative.rescale(c(x), ct(a), ct(out));
  }

  @Override
  public void rescaleInPlace(CkksContext x, Pointer a) {
    ev(x).rescale_inplace(ct(a));
  }

  @Override
  public void multiplyRelinRescale(CkksContext x, Pointer a, Pointer b, Pointer rk, Pointer out) {
    ev(x).multiply_relin_rescale(ct(a), ct(b), (NRelinKeys) rk, ct(out));
  }

  @Override
  public void multiplyPlainAccumulate(CkksContext x, long[] cts, long[] pts, Pointer out) {
    HnnNative.multiply_plain_accumulate(c(x), cts, pts, cts.length, ct(out));
  }

  @Override
  public void multiplyScalarAccumulate(CkksContext x, long[] cts, double[] values, double[] scales, Pointer out) {
    HnnNative.multiply_scalar_accumulate(c(x), cts, values, scales, cts.length, ct(out));
  }

  @Override
  public void modSwitchTo(CkksContext x, Pointer a, int level, Pointer out) {
    ev(x).mod_switch_to(ct(a), level, ct(out));
  }

  @Override
  public void modSwitchToInPlace(CkksContext x, Pointer a, int level) {
    ev(x).mod_switch_to_inplace(ct(a), level);
  }

  @Override
  public void modSwitchPlainToInPlace(CkksContext x, Pointer p, int level) {
    ev(x).mod_switch_to_inplace(pt(p), level);
  }

  @Override
  public void alignInPlace(CkksContext x, Pointer a, Pointer b) {
    ev(x).align_inplace(ct(a), ct(b));
  }

  @Override
  public void setScale(CkksContext x, Pointer a, double scale) {
    ev(x).set_scale(ct(a), scale);
  }

  @Override
  public void rotate(CkksContext x, Pointer a, long steps, Pointer gk, Pointer out) {
    ev(x).rotate(ct(a), steps, (NGaloisKeys) gk, ct(out));
  }

  @Override
  public void rotateInPlace(CkksContext x, Pointer a, long steps, Pointer gk) {
    ev(x).rotate_inplace(ct(a), steps, (NGaloisKeys) gk);
  }

  @Override
  public void rotateHoisted(CkksContext x, Pointer a, long[] steps, Pointer gk, long[] outs) {
    HnnNative.rotate_hoisted(c(x), ct(a), steps, steps.length, (NGaloisKeys) gk, outs);
  }

  @Override
  public void rotateSum(CkksContext x, Pointer a, long[] steps, Pointer gk, Pointer out) {
    HnnNative.rotate_sum(c(x), ct(a), steps, steps.length, (NGaloisKeys) gk, ct(out));
  }

  @Override
  public void conjugate(CkksContext x, Pointer a, Pointer gk, Pointer out) {
    ev(x).conjugate(ct(a), (NGaloisKeys) gk, ct(out));
  }

  @Override
  public void applyGalois(CkksContext x, Pointer a, long element, Pointer gk, Pointer out) {
    ev(x).apply_galois(ct(a), element, (NGaloisKeys) gk, ct(out));
  }

  // ---- serialization
  @Override
  public Pointer savePlaintext(Pointer ctx, Pointer p, boolean compress) {
    return HnnNative.save_plaintext((NContext) ctx, pt(p), compress);
  }

  @Override
  public Pointer saveCiphertext(Pointer ctx, Pointer c, boolean compress) {
    return HnnNative.save_ciphertext((NContext) ctx, ct(c), compress);
  }

  @Override
  public Pointer saveSecretKey(Pointer ctx, Pointer k, boolean compress) {
    return HnnNative.save_secret_key((NContext) ctx, (NSecretKey) k, compress);
  }

  @Override
  public Pointer savePublicKey(Pointer ctx, Pointer k, boolean compress) {
    return HnnNative.save_public_key((NContext) ctx, (NPublicKey) k, compress);
  }

  @Override
  public Pointer saveRelinKeys(Pointer ctx, Pointer k, boolean compress) {
    return HnnNative.save_relin_keys((NContext) ctx, (NRelinKeys) k, compress);
  }

  @Override
  public Pointer saveGaloisKeys(Pointer ctx, Pointer k, boolean compress) {
    return HnnNative.save_galois_keys((NContext) ctx, (NGaloisKeys) k, compress);
  }

  @Override
  public void loadPlaintext(Pointer ctx, byte[] data, Pointer out) {
    HnnNative.load_plaintext((NContext) ctx, data, data.length, pt(out));
  }

  @Override
  public void loadCiphertext(Pointer ctx, byte[] data, Pointer out) {
    HnnNative.load_ciphertext((NContext) ctx, data, data.length, ct(out));
  }

  @Override
  public Pointer loadSecretKey(Pointer ctx, byte[] data) {
    return HnnNative.load_secret_key((NContext) ctx, data, data.length);
  }

  @Override
  public Pointer loadPublicKey(Pointer ctx, byte[] data) {
    return HnnNative.load_public_key((NContext) ctx, data, data.length);
  }

  @Override
  public Pointer loadRelinKeys(Pointer ctx, byte[] data) {
    return HnnNative.load_relin_keys((NContext) ctx, data, data.length);
  }

  @Override
  public Pointer loadGaloisKeys(Pointer ctx, byte[] data) {
    return HnnNative.load_galois_keys((NContext) ctx, data, data.length);
  }

  // ---- bootstrapping
  @Override
  public boolean supportsBootstrapping() {
    return true;
  }

  @Override
  public Pointer newBootstrapper(Pointer ctx, BootstrapOptions o, double messageScale) {
    return HnnNative.new_bootstrapper(
        (NContext) ctx, o.slots(), o.ctsLevels(), o.stcLevels(), messageScale, o.cachePlaintexts());
  }

  @Override
  public void deleteBootstrapper(Pointer b) {
    HnnNative.delete_bootstrapper((NBootstrapper) b);
  }

  @Override
  public long[] bootstrapGaloisElements(Pointer b) {
    NBootstrapper nb = (NBootstrapper) b;
    long[] out = new long[(int) HnnNative.bootstrap_galois_element_count(nb)];
    HnnNative.bootstrap_galois_elements(nb, out, out.length);
    return out;
  }

  @Override
  public int bootstrapDepth(Pointer b) {
    return (int) HnnNative.bootstrap_depth((NBootstrapper) b);
  }

  @Override
  public int bootstrapOutputLevel(Pointer b) {
    return (int) HnnNative.bootstrap_output_level((NBootstrapper) b);
  }

  @Override
  public void bootstrap(Pointer b, Pointer in, Pointer gk, Pointer rk, Pointer encapsulation, Pointer out) {
    HnnNative.bootstrap(
        (NBootstrapper) b, ct(in), (NGaloisKeys) gk, (NRelinKeys) rk, (NEncapsulation) encapsulation, ct(out));
  }

  @Override
  public Pointer createEncapsulation(Pointer ctx, Pointer sk) {
    return HnnNative.create_encapsulation((NContext) ctx, (NSecretKey) sk);
  }

  @Override
  public Pointer saveEncapsulation(Pointer encapsulation) {
    return HnnNative.save_encapsulation((NEncapsulation) encapsulation);
  }

  @Override
  public Pointer loadEncapsulation(Pointer ctx, byte[] data) {
    return HnnNative.load_encapsulation((NContext) ctx, data, data.length);
  }

  @Override
  public void deleteEncapsulation(Pointer encapsulation) {
    HnnNative.delete_encapsulation((NEncapsulation) encapsulation);
  }
}
