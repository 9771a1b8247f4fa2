package dev.hnn.ckks;

import static dev.hnn.ckks.sealjni.SealNative.*;

import dev.hnn.ckks.sealjni.SealAvailability;
import dev.hnn.ckks.sealjni.SealNative.SBytes;
import dev.hnn.ckks.sealjni.SealNative.SCiphertext;
import dev.hnn.ckks.sealjni.SealNative.SContext;
import dev.hnn.ckks.sealjni.SealNative.SDecryptor;
import dev.hnn.ckks.sealjni.SealNative.SEncryptor;
import dev.hnn.ckks.sealjni.SealNative.SGaloisKeys;
import dev.hnn.ckks.sealjni.SealNative.SPlaintext;
import dev.hnn.ckks.sealjni.SealNative.SPublicKey;
import dev.hnn.ckks.sealjni.SealNative.SRelinKeys;
import dev.hnn.ckks.sealjni.SealNative.SSecretKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.bytedeco.javacpp.Pointer;

/**
 * {@link Backend#SEAL}: Microsoft SEAL 4.x through the shim {@code native/seal} and its binding
 * {@link dev.hnn.ckks.sealjni.SealNative}. Operations SEAL lacks (scalar addition, fused multiply-accumulate,
 * hoisted rotations, rotate-and-sum) are composed in the shim from SEAL's own; the evaluator "peer" of a SEAL
 * context is the context itself (it owns SEAL's CKKSEncoder and Evaluator).
 */
final class SealBackend implements BackendOps {
  static final SealBackend INSTANCE = new SealBackend();

  /** SEAL's serialization header: magic 0xA15E, header size 16, ..., total size (u64 LE) at offset 8. */
  private static final int SEAL_HEADER = 16;

  private SealBackend() {}

  @Override
  public Backend kind() {
    return Backend.SEAL;
  }

  @Override
  public void ensureLoaded() {
    Native.ensureLoaded(); // parameter checks use the engine's HE Standard table
    if (!SealAvailability.isAvailable()) {
      Throwable t = SealAvailability.failure();
      throw new HeException(SealAvailability.HOW_TO_ENABLE + (t == null ? "" : " (" + t.getMessage() + ")"));
    }
  }

  @Override
  public boolean levelNeedsContext() {
    return true;
  }

  /** SEAL has no bootstrapping: the context builder and {@link Bootstrapper} refuse before any work. */
  @Override
  public boolean supportsBootstrapping() {
    return false;
  }

  private static SContext c(CkksContext x) {
    return (SContext) x.ctx.peer();
  }

  private static SCiphertext ct(Pointer p) {
    return (SCiphertext) p;
  }

  private static SPlaintext pt(Pointer p) {
    return (SPlaintext) p;
  }

  // ---- bytes
  @Override
  public long bytesSize(Pointer b) {
    return bytes_size((SBytes) b);
  }

  @Override
  public void bytesCopy(Pointer b, long offset, long count, byte[] out) {
    bytes_copy((SBytes) b, offset, count, out);
  }

  @Override
  public void deleteBytes(Pointer b) {
    delete_bytes((SBytes) b);
  }

  @Override
  public byte[] readObject(InputStream in) {
    try {
      byte[] header = new byte[SEAL_HEADER];
      int got = in.readNBytes(header, 0, SEAL_HEADER);
      if (got < SEAL_HEADER)
        throw new CorruptDataException("stream ends inside a SEAL object header (" + got + " of 16 bytes)");
      if ((header[0] & 0xff) != 0x5e || (header[1] & 0xff) != 0xa1 || header[2] != SEAL_HEADER)
        throw new CorruptDataException("not a serialized SEAL object (bad magic)");
      long total = Blobs.u64le(header, 8);
      if (total < SEAL_HEADER || total > Blobs.MAX_ARRAY)
        throw new CorruptDataException("object size in the SEAL header is out of range");
      ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(total, 1 << 24));
      buf.write(header);
      Blobs.copyExactly(in, buf, total - SEAL_HEADER, "object");
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- context
  @Override
  public Pointer newContext(CkksParameters params) {
    int[] bits = params.coeffModulusBits();
    return Native.get(
        () ->
            new_context(
                params.polyDegree(),
                bits,
                bits.length,
                params.specialPrimeCount(),
                params.securityLevel() == SecurityLevel.CLASSICAL_128));
  }

  @Override
  public Pointer loadContext(CkksParameters params, byte[] engineParams) {
    SContext c;
    try {
      c = Native.get(() -> load_context(engineParams, engineParams.length,
          params.securityLevel() == SecurityLevel.CLASSICAL_128));
    } catch (InvalidParametersException e) {
      throw new CorruptDataException("serialized parameters are invalid: " + e.getMessage(), e);
    }
    int[] bits = params.coeffModulusBits();
    boolean ok =
        context_n(c) == params.polyDegree()
            && context_prime_count(c) == bits.length
            && params.specialPrimeCount() == 1;
    for (int i = 0; ok && i < bits.length; i++) ok = 64 - Long.numberOfLeadingZeros(context_prime(c, i)) == bits[i];
    if (!ok) {
      delete_context(c);
      throw new CorruptDataException("the serialized context's primes do not match its parameters");
    }
    return c;
  }

  @Override
  public Pointer saveParameters(Pointer ctx) {
    return save_parameters((SContext) ctx);
  }

  @Override
  public void deleteContext(Pointer ctx) {
    delete_context((SContext) ctx);
  }

  @Override
  public Pointer evaluatorOf(Pointer ctx) {
    return ctx;
  }

  @Override
  public long polyDegree(Pointer ctx) {
    return context_n((SContext) ctx);
  }

  @Override
  public int slotCount(Pointer ctx) {
    return (int) context_slot_count((SContext) ctx);
  }

  @Override
  public int maxLevel(Pointer ctx) {
    return (int) context_max_level((SContext) ctx);
  }

  @Override
  public long prime(Pointer ctx, int i) {
    return context_prime((SContext) ctx, i);
  }

  @Override
  public double log2ModulusAt(Pointer ctx, int level) {
    return context_log2_modulus_at((SContext) ctx, level);
  }

  // ---- objects
  @Override
  public Pointer newPlaintext() {
    return new_plaintext();
  }

  @Override
  public Pointer copyPlaintext(Pointer p) {
    return copy_plaintext(pt(p));
  }

  @Override
  public void deletePlaintext(Pointer p) {
    delete_plaintext(pt(p));
  }

  @Override
  public long plaintextWords(Pointer p) {
    return plaintext_words(pt(p));
  }

  @Override
  public long plaintextLevel(CkksContext x, Pointer p) {
    return plaintext_level(c(x), pt(p));
  }

  @Override
  public double plaintextScale(Pointer p) {
    return plaintext_scale(pt(p));
  }

  @Override
  public Pointer newCiphertext() {
    return new_ciphertext();
  }

  @Override
  public Pointer copyCiphertext(Pointer c) {
    return copy_ciphertext(ct(c));
  }

  @Override
  public void deleteCiphertext(Pointer c) {
    delete_ciphertext(ct(c));
  }

  @Override
  public long ciphertextWords(Pointer c) {
    return ciphertext_words(ct(c));
  }

  @Override
  public long ciphertextLevel(CkksContext x, Pointer c) {
    return ciphertext_level(c(x), ct(c));
  }

  @Override
  public double ciphertextScale(Pointer c) {
    return ciphertext_scale(ct(c));
  }

  @Override
  public long ciphertextSize(Pointer c) {
    return ciphertext_size(ct(c));
  }

  // ---- keys
  @Override
  public Pointer generateSecretKey(Pointer ctx) {
    return generate_secret_key((SContext) ctx);
  }

  @Override
  public Pointer createPublicKey(Pointer ctx, Pointer sk) {
    return create_public_key((SContext) ctx, (SSecretKey) sk);
  }

  @Override
  public Pointer createRelinKeys(Pointer ctx, Pointer sk) {
    return create_relin_keys((SContext) ctx, (SSecretKey) sk);
  }

  @Override
  public Pointer createGaloisKeys(Pointer ctx, Pointer sk, long[] elements, int maxLevel) {
    // SEAL's keys serve every level; maxLevel only limits where the caller will use them.
    return create_galois_keys((SContext) ctx, (SSecretKey) sk, elements, elements.length);
  }

  @Override
  public int galoisKeyLevel(Pointer ctx, Pointer gk, long element) {
    long[] elements = new long[(int) galoisKeyCount(gk)];
    galoisElements(gk, elements);
    return java.util.Arrays.binarySearch(elements, element) >= 0 ? maxLevel(ctx) : -1;
  }

  @Override
  public Pointer newGaloisKeys() {
    return new_galois_keys();
  }

  @Override
  public long galoisKeyCount(Pointer gk) {
    return galois_key_count((SGaloisKeys) gk);
  }

  @Override
  public void galoisElements(Pointer gk, long[] out) {
    galois_elements((SGaloisKeys) gk, out);
  }

  @Override
  public long galoisElementForStep(Pointer ctx, long steps) {
    return galois_element_for_step((SContext) ctx, steps);
  }

  @Override
  public long galoisElementConjugate(Pointer ctx) {
    return galois_element_conjugate((SContext) ctx);
  }

  @Override
  public Pointer galoisSingle(Pointer ctx, Pointer gk, long element) {
    return galois_single((SContext) ctx, (SGaloisKeys) gk, element);
  }

  @Override
  public void galoisMerge(Pointer ctx, Pointer into, Pointer from) {
    galois_merge((SContext) ctx, (SGaloisKeys) into, (SGaloisKeys) from);
  }

  @Override
  public void deleteSecretKey(Pointer k) {
    delete_secret_key((SSecretKey) k);
  }

  @Override
  public void deletePublicKey(Pointer k) {
    delete_public_key((SPublicKey) k);
  }

  @Override
  public void deleteRelinKeys(Pointer k) {
    delete_relin_keys((SRelinKeys) k);
  }

  @Override
  public void deleteGaloisKeys(Pointer k) {
    delete_galois_keys((SGaloisKeys) k);
  }

  // ---- encryption
  @Override
  public Pointer newEncryptor(Pointer ctx, Pointer pk, Pointer sk) {
    return new_encryptor((SContext) ctx, (SPublicKey) pk, (SSecretKey) sk);
  }

  @Override
  public void deleteEncryptor(Pointer e) {
    delete_encryptor((SEncryptor) e);
  }

  @Override
  public void encrypt(CkksContext x, Pointer e, Pointer p, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.encrypt(c(x), (SEncryptor) e, pt(p), ct(out));
  }

  @Override
  public void encryptSymmetric(CkksContext x, Pointer e, Pointer p, Pointer out) {
    encrypt_symmetric(c(x), (SEncryptor) e, pt(p), ct(out));
  }

  @Override
  public void encryptZero(CkksContext x, Pointer e, int level, Pointer out) {
    encrypt_zero(c(x), (SEncryptor) e, level, ct(out));
  }

  @Override
  public Pointer newDecryptor(Pointer ctx, Pointer sk) {
    return new_decryptor((SContext) ctx, (SSecretKey) sk);
  }

  @Override
  public void deleteDecryptor(Pointer d) {
    delete_decryptor((SDecryptor) d);
  }

  @Override
  public void decrypt(CkksContext x, Pointer d, Pointer c, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.decrypt(c(x), (SDecryptor) d, ct(c), pt(out));
  }

  // ---- encoding
  @Override
  public void encode(CkksContext x, double[] values, int count, double scale, int level, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.encode(c(x), values, count, scale, level, pt(out));
  }

  @Override
  public void encodeComplex(CkksContext x, double[] interleaved, int count, double scale, int level, Pointer out) {
    encode_complex(c(x), interleaved, count, scale, level, pt(out));
  }

  @Override
  public void encodeConstant(CkksContext x, double value, double scale, int level, Pointer out) {
    encode_constant(c(x), value, scale, level, pt(out));
  }

  @Override
  public void decode(CkksContext x, Pointer p, double[] out, int count) {
    dev.hnn.ckks.sealjni.SealNative.decode(c(x), pt(p), out, count);
  }

  @Override
  public void decodeComplex(CkksContext x, Pointer p, double[] out, int count) {
    decode_complex(c(x), pt(p), out, count);
  }

  // ---- evaluation
  @Override
  public void add(CkksContext x, Pointer a, Pointer b, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.add(c(x), ct(a), ct(b), ct(out));
  }

  @Override
  public void sub(CkksContext x, Pointer a, Pointer b, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.sub(c(x), ct(a), ct(b), ct(out));
  }

  @Override
  public void negateInPlace(CkksContext x, Pointer a) {
    negate(c(x), ct(a), ct(a));
  }

  @Override
  public void addPlainInPlace(CkksContext x, Pointer a, Pointer p) {
    add_plain(c(x), ct(a), pt(p), ct(a));
  }

  @Override
  public void subPlainInPlace(CkksContext x, Pointer a, Pointer p) {
    sub_plain(c(x), ct(a), pt(p), ct(a));
  }

  @Override
  public void addScalarInPlace(CkksContext x, Pointer a, double value) {
    add_scalar(c(x), ct(a), value, ct(a));
  }

  @Override
  public void multiply(CkksContext x, Pointer a, Pointer b, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.multiply(c(x), ct(a), ct(b), ct(out));
  }

  @Override
  public void square(CkksContext x, Pointer a, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.square(c(x), ct(a), ct(out));
  }

  @Override
  public void multiplyPlain(CkksContext x, Pointer a, Pointer p, Pointer out) {
    multiply_plain(c(x), ct(a), pt(p), ct(out));
  }

  @Override
  public void multiplyScalarInPlace(CkksContext x, Pointer a, double value, double scale) {
    multiply_scalar(c(x), ct(a), value, scale, ct(a));
  }

  @Override
  public void multiplyIntegerInPlace(CkksContext x, Pointer a, long value) {
    multiply_integer(c(x), ct(a), value, ct(a));
  }

  @Override
  public void relinearize(CkksContext x, Pointer a, Pointer rk, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.relinearize(c(x), ct(a), (SRelinKeys) rk, ct(out));
  }

  @Override
  public void rescale(CkksContext x, Pointer a, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.rescale(c(x), ct(a), ct(out));
  }

  @Override
  public void multiplyRelinRescale(CkksContext x, Pointer a, Pointer b, Pointer rk, Pointer out) {
    multiply_relin_rescale(c(x), ct(a), ct(b), (SRelinKeys) rk, ct(out));
  }

  @Override
  public void multiplyPlainAccumulate(CkksContext x, long[] cts, long[] pts, Pointer out) {
    multiply_plain_accumulate(c(x), cts, pts, cts.length, ct(out));
  }

  @Override
  public void multiplyScalarAccumulate(CkksContext x, long[] cts, double[] values, double[] scales, Pointer out) {
    multiply_scalar_accumulate(c(x), cts, values, scales, cts.length, ct(out));
  }

  @Override
  public void modSwitchTo(CkksContext x, Pointer a, int level, Pointer out) {
    mod_switch_to(c(x), ct(a), level, ct(out));
  }

  @Override
  public void modSwitchPlainToInPlace(CkksContext x, Pointer p, int level) {
    mod_switch_plain_to(c(x), pt(p), level);
  }

  @Override
  public void alignInPlace(CkksContext x, Pointer a, Pointer b) {
    align_inplace(c(x), ct(a), ct(b));
  }

  @Override
  public void setScale(CkksContext x, Pointer a, double scale) {
    set_scale(c(x), ct(a), scale);
  }

  @Override
  public void rotate(CkksContext x, Pointer a, long steps, Pointer gk, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.rotate(c(x), ct(a), steps, (SGaloisKeys) gk, ct(out));
  }

  @Override
  public void rotateHoisted(CkksContext x, Pointer a, long[] steps, Pointer gk, long[] outs) {
    rotate_hoisted(c(x), ct(a), steps, steps.length, (SGaloisKeys) gk, outs);
  }

  @Override
  public void rotateSum(CkksContext x, Pointer a, long[] steps, Pointer gk, Pointer out) {
    rotate_sum(c(x), ct(a), steps, steps.length, (SGaloisKeys) gk, ct(out));
  }

  @Override
  public void conjugate(CkksContext x, Pointer a, Pointer gk, Pointer out) {
    dev.hnn.ckks.sealjni.SealNative.conjugate(c(x), ct(a), (SGaloisKeys) gk, ct(out));
  }

  @Override
  public void applyGalois(CkksContext x, Pointer a, long element, Pointer gk, Pointer out) {
    apply_galois(c(x), ct(a), element, (SGaloisKeys) gk, ct(out));
  }

  // ---- serialization (SEAL's format; the context is not needed to save)
  @Override
  public Pointer savePlaintext(Pointer ctx, Pointer p, boolean compress) {
    return save_plaintext(pt(p), compress);
  }

  @Override
  public Pointer saveCiphertext(Pointer ctx, Pointer c, boolean compress) {
    return save_ciphertext(ct(c), compress);
  }

  @Override
  public Pointer saveSecretKey(Pointer ctx, Pointer k, boolean compress) {
    return save_secret_key((SSecretKey) k, compress);
  }

  @Override
  public Pointer savePublicKey(Pointer ctx, Pointer k, boolean compress) {
    return save_public_key((SPublicKey) k, compress);
  }

  @Override
  public Pointer saveRelinKeys(Pointer ctx, Pointer k, boolean compress) {
    return save_relin_keys((SRelinKeys) k, compress);
  }

  @Override
  public Pointer saveGaloisKeys(Pointer ctx, Pointer k, boolean compress) {
    return save_galois_keys((SGaloisKeys) k, compress);
  }

  @Override
  public void loadPlaintext(Pointer ctx, byte[] data, Pointer out) {
    load_plaintext((SContext) ctx, data, data.length, pt(out));
  }

  @Override
  public void loadCiphertext(Pointer ctx, byte[] data, Pointer out) {
    load_ciphertext((SContext) ctx, data, data.length, ct(out));
  }

  @Override
  public Pointer loadSecretKey(Pointer ctx, byte[] data) {
    return load_secret_key((SContext) ctx, data, data.length);
  }

  @Override
  public Pointer loadPublicKey(Pointer ctx, byte[] data) {
    return load_public_key((SContext) ctx, data, data.length);
  }

  @Override
  public Pointer loadRelinKeys(Pointer ctx, byte[] data) {
    return load_relin_keys((SContext) ctx, data, data.length);
  }

  @Override
  public Pointer loadGaloisKeys(Pointer ctx, byte[] data) {
    return load_galois_keys((SContext) ctx, data, data.length);
  }
}
