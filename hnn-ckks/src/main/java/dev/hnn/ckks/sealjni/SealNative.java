package dev.hnn.ckks.sealjni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByRef;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP peer declarations of the SEAL backend's shim ({@code native/seal/include/hnn/seal/seal_shim.h}), the
 * flat API over Microsoft SEAL's CKKS classes. Internal: use {@code dev.hnn.ckks} with
 * {@code CkksContext.builder(params).backend(Backend.SEAL)}.
 *
 * <p>Built only with the Maven profile {@code seal} (active when {@code ../shared/seal} exists, or with
 * {@code -Pseal -Dseal.dir=<SEAL 4.x prefix>}): the JavaCPP plugin compiles these declarations into
 * {@code libjniSealNative.so}, linked statically with the shim ({@code libhnn_seal.a}) and SEAL, and the
 * library goes into the separate jar {@code hnn-<version>-seal.jar}, never into the default jar. Without it,
 * {@link #load()} throws {@link UnsatisfiedLinkError}.
 *
 * <p>Every function may throw a {@link RuntimeException} whose message is {@code hnn:<Tag>:<message>}, as the
 * engine's binding does. SEAL's types are opaque here: every object is made, copied and freed by shim functions.
 */
@Platform(
    value = "linux-x86_64",
    compiler = "cpp17",
    include = "hnn/seal/seal_shim.h",
    // reverse order for the linker: the shim first, then SEAL, then zlib
    link = {"pthread", "z", "hnn_seal_dep", "hnn_seal"})
@Namespace("hnn::sealjni")
public final class SealNative {
  static {
    Loader.load();
  }

  private SealNative() {}

  /** Loads the native library (idempotent). */
  public static void load() {
    Loader.load(SealNative.class);
  }

  @Opaque @Namespace("::hnn::sealjni") @Name("Bytes")
  public static class SBytes extends Pointer {
    public SBytes(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::hnn::sealjni") @Name("ContextHandle")
  public static class SContext extends Pointer {
    public SContext(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::seal") @Name("Plaintext")
  public static class SPlaintext extends Pointer {
    public SPlaintext(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::seal") @Name("Ciphertext")
  public static class SCiphertext extends Pointer {
    public SCiphertext(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::seal") @Name("SecretKey")
  public static class SSecretKey extends Pointer {
    public SSecretKey(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::seal") @Name("PublicKey")
  public static class SPublicKey extends Pointer {
    public SPublicKey(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::seal") @Name("RelinKeys")
  public static class SRelinKeys extends Pointer {
    public SRelinKeys(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::seal") @Name("GaloisKeys")
  public static class SGaloisKeys extends Pointer {
    public SGaloisKeys(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::seal") @Name("Encryptor")
  public static class SEncryptor extends Pointer {
    public SEncryptor(Pointer p) {
      super(p);
    }
  }

  @Opaque @Namespace("::seal") @Name("Decryptor")
  public static class SDecryptor extends Pointer {
    public SDecryptor(Pointer p) {
      super(p);
    }
  }

  // ---- bytes
  public static native @Cast("std::size_t") long bytes_size(@Const @ByRef SBytes b);

  public static native void bytes_copy(
      @Const @ByRef SBytes b, @Cast("std::size_t") long offset, @Cast("std::size_t") long count, byte[] out);

  public static native void delete_bytes(SBytes b);

  // ---- context
  public static native int max_bit_count(@Cast("std::size_t") long n);

  public static native SContext new_context(
      @Cast("std::size_t") long n, int[] bits, @Cast("std::size_t") long count, @Cast("std::size_t") long special,
      @Cast("bool") boolean secure);

  public static native SContext load_context(byte[] data, @Cast("std::size_t") long size, @Cast("bool") boolean secure);

  public static native SBytes save_parameters(@Const @ByRef SContext c);

  public static native void delete_context(SContext c);

  public static native @Cast("std::size_t") long context_n(@Const @ByRef SContext c);

  public static native @Cast("std::size_t") long context_slot_count(@Const @ByRef SContext c);

  public static native @Cast("std::size_t") long context_max_level(@Const @ByRef SContext c);

  public static native @Cast("std::size_t") long context_prime_count(@Const @ByRef SContext c);

  public static native @Cast("std::uint64_t") long context_prime(@Const @ByRef SContext c, @Cast("std::size_t") long i);

  public static native double context_log2_modulus_at(@Const @ByRef SContext c, @Cast("std::size_t") long level);

  // ---- objects
  public static native SPlaintext new_plaintext();

  public static native SPlaintext copy_plaintext(@Const @ByRef SPlaintext p);

  public static native void delete_plaintext(SPlaintext p);

  public static native @Cast("std::size_t") long plaintext_words(@Const @ByRef SPlaintext p);

  public static native @Cast("std::size_t") long plaintext_level(@Const @ByRef SContext c, @Const @ByRef SPlaintext p);

  public static native double plaintext_scale(@Const @ByRef SPlaintext p);

  public static native SCiphertext new_ciphertext();

  public static native SCiphertext copy_ciphertext(@Const @ByRef SCiphertext c);

  public static native void delete_ciphertext(SCiphertext c);

  public static native @Cast("std::size_t") long ciphertext_words(@Const @ByRef SCiphertext c);

  public static native @Cast("std::size_t") long ciphertext_level(@Const @ByRef SContext c, @Const @ByRef SCiphertext ct);

  public static native double ciphertext_scale(@Const @ByRef SCiphertext c);

  public static native @Cast("std::size_t") long ciphertext_size(@Const @ByRef SCiphertext c);

  // ---- keys
  public static native SSecretKey generate_secret_key(@Const @ByRef SContext c);

  public static native SPublicKey create_public_key(@Const @ByRef SContext c, @Const @ByRef SSecretKey sk);

  public static native SRelinKeys create_relin_keys(@Const @ByRef SContext c, @Const @ByRef SSecretKey sk);

  public static native SGaloisKeys create_galois_keys(
      @Const @ByRef SContext c, @Const @ByRef SSecretKey sk, @Cast("const std::int64_t*") long[] elements,
      @Cast("std::size_t") long count);

  public static native SGaloisKeys new_galois_keys();

  public static native @Cast("std::size_t") long galois_key_count(@Const @ByRef SGaloisKeys gk);

  public static native void galois_elements(@Const @ByRef SGaloisKeys gk, @Cast("std::int64_t*") long[] out);

  public static native @Cast("std::uint64_t") long galois_element_for_step(
      @Const @ByRef SContext c, @Cast("long long") long steps);

  public static native @Cast("std::uint64_t") long galois_element_conjugate(@Const @ByRef SContext c);

  public static native SGaloisKeys galois_single(
      @Const @ByRef SContext c, @Const @ByRef SGaloisKeys gk, @Cast("std::uint64_t") long elt);

  public static native void galois_merge(@Const @ByRef SContext c, @ByRef SGaloisKeys into, @Const @ByRef SGaloisKeys from);

  public static native void delete_secret_key(SSecretKey k);

  public static native void delete_public_key(SPublicKey k);

  public static native void delete_relin_keys(SRelinKeys k);

  public static native void delete_galois_keys(SGaloisKeys k);

  // ---- encryption
  public static native SEncryptor new_encryptor(@Const @ByRef SContext c, @Const SPublicKey pk, @Const SSecretKey sk);

  public static native void delete_encryptor(SEncryptor e);

  public static native void encrypt(
      @Const @ByRef SContext c, @Const @ByRef SEncryptor e, @Const @ByRef SPlaintext p, @ByRef SCiphertext out);

  public static native void encrypt_symmetric(
      @Const @ByRef SContext c, @Const @ByRef SEncryptor e, @Const @ByRef SPlaintext p, @ByRef SCiphertext out);

  public static native void encrypt_zero(
      @Const @ByRef SContext c, @Const @ByRef SEncryptor e, @Cast("std::size_t") long level, @ByRef SCiphertext out);

  public static native SDecryptor new_decryptor(@Const @ByRef SContext c, @Const @ByRef SSecretKey sk);

  public static native void delete_decryptor(SDecryptor d);

  public static native void decrypt(
      @Const @ByRef SContext c, @Const @ByRef SDecryptor d, @Const @ByRef SCiphertext ct, @ByRef SPlaintext out);

  // ---- encoding
  public static native void encode(
      @Const @ByRef SContext c, @Const double[] values, @Cast("std::size_t") long count, double scale,
      @Cast("std::size_t") long level, @ByRef SPlaintext out);

  public static native void encode_complex(
      @Const @ByRef SContext c, @Const double[] interleaved, @Cast("std::size_t") long count, double scale,
      @Cast("std::size_t") long level, @ByRef SPlaintext out);

  public static native void encode_constant(
      @Const @ByRef SContext c, double value, double scale, @Cast("std::size_t") long level, @ByRef SPlaintext out);

  public static native void decode(
      @Const @ByRef SContext c, @Const @ByRef SPlaintext p, double[] out, @Cast("std::size_t") long count);

  public static native void decode_complex(
      @Const @ByRef SContext c, @Const @ByRef SPlaintext p, double[] out, @Cast("std::size_t") long count);

  // ---- evaluation (out may alias an operand)
  public static native void add(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SCiphertext b, @ByRef SCiphertext out);

  public static native void sub(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SCiphertext b, @ByRef SCiphertext out);

  public static native void negate(@Const @ByRef SContext c, @Const @ByRef SCiphertext a, @ByRef SCiphertext out);

  public static native void add_plain(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SPlaintext p, @ByRef SCiphertext out);

  public static native void sub_plain(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SPlaintext p, @ByRef SCiphertext out);

  public static native void add_scalar(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, double value, @ByRef SCiphertext out);

  public static native void multiply(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SCiphertext b, @ByRef SCiphertext out);

  public static native void square(@Const @ByRef SContext c, @Const @ByRef SCiphertext a, @ByRef SCiphertext out);

  public static native void multiply_plain(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SPlaintext p, @ByRef SCiphertext out);

  public static native void multiply_scalar(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, double value, double scale, @ByRef SCiphertext out);

  public static native void multiply_integer(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Cast("long long") long value, @ByRef SCiphertext out);

  public static native void relinearize(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SRelinKeys rk, @ByRef SCiphertext out);

  public static native void rescale(@Const @ByRef SContext c, @Const @ByRef SCiphertext a, @ByRef SCiphertext out);

  public static native void multiply_relin_rescale(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SCiphertext b, @Const @ByRef SRelinKeys rk,
      @ByRef SCiphertext out);

  public static native void multiply_plain_accumulate(
      @Const @ByRef SContext c, @Cast("const std::int64_t*") long[] cts, @Cast("const std::int64_t*") long[] pts,
      @Cast("std::size_t") long count, @ByRef SCiphertext out);

  public static native void multiply_scalar_accumulate(
      @Const @ByRef SContext c, @Cast("const std::int64_t*") long[] cts, @Const double[] values,
      @Const double[] scales, @Cast("std::size_t") long count, @ByRef SCiphertext out);

  public static native void mod_switch_to(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Cast("std::size_t") long level, @ByRef SCiphertext out);

  public static native void mod_switch_plain_to(
      @Const @ByRef SContext c, @ByRef SPlaintext p, @Cast("std::size_t") long level);

  public static native void align_inplace(@Const @ByRef SContext c, @ByRef SCiphertext a, @ByRef SCiphertext b);

  public static native void set_scale(@Const @ByRef SContext c, @ByRef SCiphertext a, double scale);

  public static native void rotate(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Cast("long long") long steps,
      @Const @ByRef SGaloisKeys gk, @ByRef SCiphertext out);

  public static native void rotate_hoisted(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Cast("const std::int64_t*") long[] steps,
      @Cast("std::size_t") long count, @Const @ByRef SGaloisKeys gk, @Cast("const std::int64_t*") long[] outs);

  public static native void rotate_sum(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Cast("const std::int64_t*") long[] steps,
      @Cast("std::size_t") long count, @Const @ByRef SGaloisKeys gk, @ByRef SCiphertext out);

  public static native void conjugate(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Const @ByRef SGaloisKeys gk, @ByRef SCiphertext out);

  public static native void apply_galois(
      @Const @ByRef SContext c, @Const @ByRef SCiphertext a, @Cast("std::uint64_t") long elt,
      @Const @ByRef SGaloisKeys gk, @ByRef SCiphertext out);

  // ---- serialization
  public static native SBytes save_plaintext(@Const @ByRef SPlaintext p, @Cast("bool") boolean zlib);

  public static native SBytes save_ciphertext(@Const @ByRef SCiphertext c, @Cast("bool") boolean zlib);

  public static native SBytes save_secret_key(@Const @ByRef SSecretKey k, @Cast("bool") boolean zlib);

  public static native SBytes save_public_key(@Const @ByRef SPublicKey k, @Cast("bool") boolean zlib);

  public static native SBytes save_relin_keys(@Const @ByRef SRelinKeys k, @Cast("bool") boolean zlib);

  public static native SBytes save_galois_keys(@Const @ByRef SGaloisKeys k, @Cast("bool") boolean zlib);

  public static native void load_plaintext(
      @Const @ByRef SContext c, @Const byte[] data, @Cast("std::size_t") long size, @ByRef SPlaintext out);

  public static native void load_ciphertext(
      @Const @ByRef SContext c, @Const byte[] data, @Cast("std::size_t") long size, @ByRef SCiphertext out);

  public static native SSecretKey load_secret_key(@Const @ByRef SContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native SPublicKey load_public_key(@Const @ByRef SContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native SRelinKeys load_relin_keys(@Const @ByRef SContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native SGaloisKeys load_galois_keys(@Const @ByRef SContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native String seal_version();
}
