package dev.hnn.ckks.presets;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByRef;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.StdString;

/**
 * JavaCPP peer declarations of HNN's native CKKS engine ({@code native/include/hnn}) and of its binding helpers
 * ({@code native/include/hnn/jni/hnn_jni.h}). Internal: use the API of {@code dev.hnn.ckks}, which checks
 * arguments, owns every native object and translates native errors.
 *
 * <p>The JavaCPP Maven plugin compiles these declarations into {@code libjniHnnNative.so}, linked statically
 * with the engine ({@code libhnn_native.a}) and dynamically with the system's libcrypto, libz and libpthread,
 * and packs it into the jar under {@code dev/hnn/ckks/presets/linux-x86_64/}. {@link Loader#load()} extracts
 * and loads it on first use.
 *
 * <p>Every native function may throw a {@link RuntimeException} whose message is {@code hnn:<Tag>:<message>}
 * (see {@code hnn::jni::tagged_message}). Objects returned by the {@code new_*}, {@code load_*},
 * {@code create_*} and {@code save_*} functions are owned by the caller and must be freed with the matching
 * {@code delete_*} function; peers returned by reference are views owned by their parent.
 */
@Platform(
    value = "linux-x86_64",
    compiler = "cpp17",
    include = "hnn/jni/hnn_jni.h",
    // JavaCPP passes these to the linker in reverse order: the static engine library must come first.
    link = {"pthread", "z", "crypto", "hnn_native"})
@Namespace("hnn::jni")
public final class HnnNative {
  static {
    LibraryCache.evictStale(HnnNative.class, "linux-x86_64/libjniHnnNative.so");
    Loader.load();
  }

  private HnnNative() {}

  /** Loads the native library (idempotent). */
  public static void load() {
    Loader.load(HnnNative.class);
  }

  // ------------------------------------------------------------------------------------------ peers

  /** {@code std::vector<std::uint8_t>}: a serialized object. */
  @Namespace("::hnn::jni")
  @Name("Bytes")
  public static class NBytes extends Pointer {
    static {
      Loader.load();
    }

    public NBytes(Pointer p) {
      super(p);
    }
  }

  /** {@code hnn::EncryptionParameters}. */
  @Namespace("::hnn")
  @Name("EncryptionParameters")
  public static class NParameters extends Pointer {
    static {
      Loader.load();
    }

    public NParameters(Pointer p) {
      super(p);
    }

    public native @StdString String describe();

    public native int total_coeff_modulus_bits();
  }

  /** {@code hnn::jni::ContextHandle}: a context with its encoder and evaluator. */
  @Namespace("::hnn::jni")
  @Name("ContextHandle")
  public static class NContext extends Pointer {
    static {
      Loader.load();
    }

    public NContext(Pointer p) {
      super(p);
    }

    public native @Cast("std::size_t") long n();

    public native @Cast("std::size_t") long slot_count();

    public native @Cast("std::size_t") long max_level();

    public native @Cast("std::size_t") long prime_count();

    public native @Cast("std::size_t") long special_prime_count();

    public native @Cast("std::uint64_t") long prime(@Cast("std::size_t") long i);

    public native double log2_modulus_at(@Cast("std::size_t") long level);

    public native @Cast("bool") boolean secure();

    public native @StdString String describe();

    /** A new copy of the parameters (caller frees it). */
    public native NParameters parameters();

    public native @Const @ByRef NEvaluator evaluator();
  }

  /** {@code hnn::Plaintext}. */
  @Namespace("::hnn")
  @Name("Plaintext")
  public static class NPlaintext extends Pointer {
    static {
      Loader.load();
    }

    public NPlaintext(Pointer p) {
      super(p);
    }

    public native @Cast("std::size_t") long n();

    public native @Cast("std::size_t") long level();

    public native double scale();

    public native @Cast("bool") boolean empty();
  }

  /** {@code hnn::Ciphertext}. */
  @Namespace("::hnn")
  @Name("Ciphertext")
  public static class NCiphertext extends Pointer {
    static {
      Loader.load();
    }

    public NCiphertext(Pointer p) {
      super(p);
    }

    public native @Cast("std::size_t") long n();

    public native @Cast("std::size_t") long level();

    public native @Cast("std::size_t") long size();

    public native double scale();

    public native @Cast("bool") boolean empty();
  }

  /** {@code hnn::SecretKey} (wiped when deleted). */
  @Namespace("::hnn")
  @Name("SecretKey")
  public static class NSecretKey extends Pointer {
    static {
      Loader.load();
    }

    public NSecretKey(Pointer p) {
      super(p);
    }
  }

  /** {@code hnn::PublicKey}. */
  @Namespace("::hnn")
  @Name("PublicKey")
  public static class NPublicKey extends Pointer {
    static {
      Loader.load();
    }

    public NPublicKey(Pointer p) {
      super(p);
    }
  }

  /** {@code hnn::RelinKeys}. */
  @Namespace("::hnn")
  @Name("RelinKeys")
  public static class NRelinKeys extends Pointer {
    static {
      Loader.load();
    }

    public NRelinKeys(Pointer p) {
      super(p);
    }

    public native @Cast("bool") boolean empty();
  }

  /** {@code hnn::GaloisKeys}. */
  @Namespace("::hnn")
  @Name("GaloisKeys")
  public static class NGaloisKeys extends Pointer {
    static {
      Loader.load();
    }

    public NGaloisKeys(Pointer p) {
      super(p);
    }
  }

  /** {@code hnn::Encryptor}. */
  @Namespace("::hnn")
  @Name("Encryptor")
  public static class NEncryptor extends Pointer {
    static {
      Loader.load();
    }

    public NEncryptor(Pointer p) {
      super(p);
    }

    public native void encrypt(@Const @ByRef NPlaintext plain, @ByRef NCiphertext out);

    public native void encrypt_symmetric(@Const @ByRef NPlaintext plain, @ByRef NCiphertext out);

    public native void encrypt_zero(@Cast("std::size_t") long level, @ByRef NCiphertext out);
  }

  /** {@code hnn::Decryptor}. */
  @Namespace("::hnn")
  @Name("Decryptor")
  public static class NDecryptor extends Pointer {
    static {
      Loader.load();
    }

    public NDecryptor(Pointer p) {
      super(p);
    }

    public native void decrypt(@Const @ByRef NCiphertext ct, @ByRef NPlaintext out);
  }

  /** {@code hnn::CkksEvaluator}: a view owned by its {@link NContext}. */
  @Namespace("::hnn")
  @Name("CkksEvaluator")
  public static class NEvaluator extends Pointer {
    static {
      Loader.load();
    }

    public NEvaluator(Pointer p) {
      super(p);
    }

    public native void add(@Const @ByRef NCiphertext a, @Const @ByRef NCiphertext b, @ByRef NCiphertext out);

    public native void add_inplace(@ByRef NCiphertext a, @Const @ByRef NCiphertext b);

    public native void sub(@Const @ByRef NCiphertext a, @Const @ByRef NCiphertext b, @ByRef NCiphertext out);

    public native void sub_inplace(@ByRef NCiphertext a, @Const @ByRef NCiphertext b);

    public native void negate_inplace(@ByRef NCiphertext a);

    public native void add_plain_inplace(@ByRef NCiphertext a, @Const @ByRef NPlaintext p);

    public native void sub_plain_inplace(@ByRef NCiphertext a, @Const @ByRef NPlaintext p);

    public native void add_scalar_inplace(@ByRef NCiphertext a, double value);

    public native void multiply(@Const @ByRef NCiphertext a, @Const @ByRef NCiphertext b, @ByRef NCiphertext out);

    public native void square(@Const @ByRef NCiphertext a, @ByRef NCiphertext out);

    public native void multiply_plain(@Const @ByRef NCiphertext a, @Const @ByRef NPlaintext p, @ByRef NCiphertext out);

    public native void multiply_plain_inplace(@ByRef NCiphertext a, @Const @ByRef NPlaintext p);

    public native void multiply_scalar_inplace(@ByRef NCiphertext a, double value, double scale);

    public native void multiply_integer_inplace(@ByRef NCiphertext a, @Cast("long long") long value);

    public native void relinearize_inplace(@ByRef NCiphertext a, @Const @ByRef NRelinKeys rk);

    public native void rescale_inplace(@ByRef NCiphertext a);

    public native void multiply_relin_rescale(
        @Const @ByRef NCiphertext a, @Const @ByRef NCiphertext b, @Const @ByRef NRelinKeys rk, @ByRef NCiphertext out);

    public native void mod_switch_to(@Const @ByRef NCiphertext a, @Cast("std::size_t") long level, @ByRef NCiphertext out);

    public native void mod_switch_to_inplace(@ByRef NCiphertext a, @Cast("std::size_t") long level);

    public native void mod_switch_to_inplace(@ByRef NPlaintext p, @Cast("std::size_t") long level);

    public native void align_inplace(@ByRef NCiphertext a, @ByRef NCiphertext b);

    public native void set_scale(@ByRef NCiphertext a, double scale);

    public native void rotate(
        @Const @ByRef NCiphertext a, @Cast("long long") long steps, @Const @ByRef NGaloisKeys gk, @ByRef NCiphertext out);

    public native void rotate_inplace(@ByRef NCiphertext a, @Cast("long long") long steps, @Const @ByRef NGaloisKeys gk);

    public native void conjugate(@Const @ByRef NCiphertext a, @Const @ByRef NGaloisKeys gk, @ByRef NCiphertext out);

    public native void apply_galois(
        @Const @ByRef NCiphertext a,
        @Cast("std::uint64_t") long galoisElt,
        @Const @ByRef NGaloisKeys gk,
        @ByRef NCiphertext out);
  }

  /** {@code hnn::boot::Bootstrapper}: encoded transforms of one level budget (public data only). */
  @Namespace("::hnn::boot")
  @Name("Bootstrapper")
  public static class NBootstrapper extends Pointer {
    static {
      Loader.load();
    }

    public NBootstrapper(Pointer p) {
      super(p);
    }
  }

  /** {@code hnn::boot::SparseSecretEncapsulation}: the two public key-switching keys of ModRaise. */
  @Namespace("::hnn::boot")
  @Name("SparseSecretEncapsulation")
  public static class NEncapsulation extends Pointer {
    static {
      Loader.load();
    }

    public NEncapsulation(Pointer p) {
      super(p);
    }
  }

  // ------------------------------------------------------------------------------------------ bytes

  public static native @Cast("std::size_t") long bytes_size(@Const @ByRef NBytes b);

  public static native void bytes_copy(
      @Const @ByRef NBytes b, @Cast("std::size_t") long offset, @Cast("std::size_t") long count, byte[] out);

  public static native void delete_bytes(NBytes b);

  // ------------------------------------------------------------------------------------------ parameters

  public static native NParameters new_parameters(
      @Cast("std::size_t") long n, int[] bits, @Cast("std::size_t") long count, @Cast("std::size_t") long special);

  public static native void delete_parameters(NParameters p);

  public static native @Cast("std::size_t") long parameters_degree(@Const @ByRef NParameters p);

  public static native @Cast("std::size_t") long parameters_prime_count(@Const @ByRef NParameters p);

  public static native @Cast("std::size_t") long parameters_special_count(@Const @ByRef NParameters p);

  public static native @Cast("std::uint64_t") long parameters_prime(@Const @ByRef NParameters p, @Cast("std::size_t") long i);

  public static native int max_bit_count(@Cast("std::size_t") long n);

  public static native NBytes save_parameters(@Const @ByRef NParameters p);

  public static native NParameters load_parameters(byte[] data, @Cast("std::size_t") long size);

  // ------------------------------------------------------------------------------------------ context and objects

  public static native NContext new_context(@Const @ByRef NParameters params, @Cast("bool") boolean enforceSecurity);

  public static native void delete_context(NContext c);

  public static native NPlaintext new_plaintext();

  public static native NPlaintext copy_plaintext(@Const @ByRef NPlaintext p);

  public static native void delete_plaintext(NPlaintext p);

  public static native NCiphertext new_ciphertext();

  public static native NCiphertext copy_ciphertext(@Const @ByRef NCiphertext c);

  public static native void delete_ciphertext(NCiphertext c);

  public static native void delete_secret_key(NSecretKey k);

  public static native void delete_public_key(NPublicKey k);

  public static native void delete_relin_keys(NRelinKeys k);

  public static native void delete_galois_keys(NGaloisKeys k);

  public static native void delete_encryptor(NEncryptor e);

  public static native void delete_decryptor(NDecryptor d);

  public static native @Cast("bool") boolean plaintext_matches(@Const @ByRef NContext c, @Const @ByRef NPlaintext p);

  public static native @Cast("bool") boolean ciphertext_matches(@Const @ByRef NContext c, @Const @ByRef NCiphertext ct);

  public static native @Cast("std::size_t") long ciphertext_words(@Const @ByRef NCiphertext c);

  public static native @Cast("std::size_t") long plaintext_words(@Const @ByRef NPlaintext p);

  // ------------------------------------------------------------------------------------------ keys

  public static native NSecretKey generate_secret_key(@Const @ByRef NContext c);

  public static native NPublicKey create_public_key(@Const @ByRef NContext c, @Const @ByRef NSecretKey sk);

  public static native NRelinKeys create_relin_keys(@Const @ByRef NContext c, @Const @ByRef NSecretKey sk);

  public static native NGaloisKeys create_galois_keys(
      @Const @ByRef NContext c,
      @Const @ByRef NSecretKey sk,
      @Cast("const std::int64_t*") long[] steps,
      @Cast("std::size_t") long count,
      @Cast("bool") boolean conjugation);

  public static native NGaloisKeys create_galois_keys_for_elements(
      @Const @ByRef NContext c,
      @Const @ByRef NSecretKey sk,
      @Cast("const std::int64_t*") long[] elements,
      @Cast("std::size_t") long count,
      @Cast("std::int64_t") long maxLevel);

  public static native NGaloisKeys new_galois_keys();

  public static native @Cast("std::size_t") long galois_key_count(@Const @ByRef NGaloisKeys gk);

  public static native void galois_elements(@Const @ByRef NGaloisKeys gk, @Cast("std::int64_t*") long[] out);

  public static native @Cast("bool") boolean galois_has_key(@Const @ByRef NGaloisKeys gk, @Cast("std::uint64_t") long elt);

  public static native @Cast("std::int64_t") long galois_key_level(
      @Const @ByRef NContext c, @Const @ByRef NGaloisKeys gk, @Cast("std::uint64_t") long elt);

  public static native @Cast("std::uint64_t") long galois_element_for_step(
      @Const @ByRef NContext c, @Cast("long long") long steps);

  public static native @Cast("std::uint64_t") long galois_element_conjugate(@Const @ByRef NContext c);

  public static native NGaloisKeys galois_single(@Const @ByRef NGaloisKeys gk, @Cast("std::uint64_t") long elt);

  public static native void galois_merge(@ByRef NGaloisKeys into, @ByRef NGaloisKeys from);

  // ------------------------------------------------------------------------------------------ encryption

  public static native NEncryptor new_encryptor(@Const @ByRef NContext c, @Const NPublicKey pk, @Const NSecretKey sk);

  public static native NDecryptor new_decryptor(@Const @ByRef NContext c, @Const @ByRef NSecretKey sk);

  // ------------------------------------------------------------------------------------------ encoding

  public static native void encode(
      @Const @ByRef NContext c,
      @Const double[] values,
      @Cast("std::size_t") long count,
      double scale,
      @Cast("std::size_t") long level,
      @ByRef NPlaintext out);

  public static native void encode_complex(
      @Const @ByRef NContext c,
      @Const double[] interleaved,
      @Cast("std::size_t") long count,
      double scale,
      @Cast("std::size_t") long level,
      @ByRef NPlaintext out);

  public static native void encode_constant(
      @Const @ByRef NContext c, double value, double scale, @Cast("std::size_t") long level, @ByRef NPlaintext out);

  public static native void decode(
      @Const @ByRef NContext c, @Const @ByRef NPlaintext p, double[] out, @Cast("std::size_t") long count);

  public static native void decode_complex(
      @Const @ByRef NContext c, @Const @ByRef NPlaintext p, double[] out, @Cast("std::size_t") long count);

  // ------------------------------------------------------------------------------------------ evaluation helpers

  public static native void multiply_plain_accumulate(
      @Const @ByRef NContext c,
      @Cast("const std::int64_t*") long[] ciphertexts,
      @Cast("const std::int64_t*") long[] plaintexts,
      @Cast("std::size_t") long count,
      @ByRef NCiphertext out);

  public static native void multiply_scalar_accumulate(
      @Const @ByRef NContext c,
      @Cast("const std::int64_t*") long[] ciphertexts,
      double[] values,
      double[] scales,
      @Cast("std::size_t") long count,
      @ByRef NCiphertext out);

  public static native void rotate_hoisted(
      @Const @ByRef NContext c,
      @Const @ByRef NCiphertext a,
      @Cast("const std::int64_t*") long[] steps,
      @Cast("std::size_t") long count,
      @Const @ByRef NGaloisKeys gk,
      @Cast("const std::int64_t*") long[] outs);

  public static native void rotate_sum(
      @Const @ByRef NContext c,
      @Const @ByRef NCiphertext a,
      @Cast("const std::int64_t*") long[] steps,
      @Cast("std::size_t") long count,
      @Const @ByRef NGaloisKeys gk,
      @ByRef NCiphertext out);

  public static native void relinearize(
      @Const @ByRef NContext c, @Const @ByRef NCiphertext a, @Const @ByRef NRelinKeys rk, @ByRef NCiphertext out);

  public static native void rescale(@Const @ByRef NContext c, @Const @ByRef NCiphertext a, @ByRef NCiphertext out);

  // ------------------------------------------------------------------------------------------ serialization

  public static native NBytes save_plaintext(@Const @ByRef NContext c, @Const @ByRef NPlaintext p, @Cast("bool") boolean zlib);

  public static native NBytes save_ciphertext(
      @Const @ByRef NContext c, @Const @ByRef NCiphertext ct, @Cast("bool") boolean zlib);

  public static native NBytes save_secret_key(@Const @ByRef NContext c, @Const @ByRef NSecretKey k, @Cast("bool") boolean zlib);

  public static native NBytes save_public_key(@Const @ByRef NContext c, @Const @ByRef NPublicKey k, @Cast("bool") boolean zlib);

  public static native NBytes save_relin_keys(@Const @ByRef NContext c, @Const @ByRef NRelinKeys k, @Cast("bool") boolean zlib);

  public static native NBytes save_galois_keys(@Const @ByRef NContext c, @Const @ByRef NGaloisKeys k, @Cast("bool") boolean zlib);

  public static native void load_plaintext(
      @Const @ByRef NContext c, @Const byte[] data, @Cast("std::size_t") long size, @ByRef NPlaintext out);

  public static native void load_ciphertext(
      @Const @ByRef NContext c, @Const byte[] data, @Cast("std::size_t") long size, @ByRef NCiphertext out);

  public static native NSecretKey load_secret_key(@Const @ByRef NContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native NPublicKey load_public_key(@Const @ByRef NContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native NRelinKeys load_relin_keys(@Const @ByRef NContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native NGaloisKeys load_galois_keys(@Const @ByRef NContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native int peek_object_type(@Const byte[] data, @Cast("std::size_t") long size);

  // ------------------------------------------------------------------------------------------ client-aided refresh

  public static native void refresh_sample_mask(@Const @ByRef NContext c, int bits, @ByRef NPlaintext out);

  public static native void refresh_apply_mask(
      @Const @ByRef NContext c,
      @Const @ByRef NEncryptor publicEncryptor,
      @Const @ByRef NPlaintext mask,
      int bits,
      @ByRef NCiphertext ct);

  public static native void refresh_remove_mask(@Const @ByRef NContext c, @Const @ByRef NPlaintext mask, @ByRef NCiphertext ct);

  public static native void refresh_reencrypt(
      @Const @ByRef NContext c,
      @Const @ByRef NDecryptor decryptor,
      @Const @ByRef NEncryptor secretEncryptor,
      @Const @ByRef NCiphertext in,
      @Cast("std::size_t") long level,
      @ByRef NCiphertext out);

  public static native void plaintext_integer_coefficients(
      @Const @ByRef NContext c,
      @Const @ByRef NPlaintext p,
      int shift,
      @Cast("std::int64_t*") long[] out,
      @Cast("std::size_t") long count);

  public static native void wipe_plaintext(@ByRef NPlaintext p);

  // ------------------------------------------------------------------------------------------ bootstrapping

  public static native NBootstrapper new_bootstrapper(
      @Const @ByRef NContext c,
      @Cast("std::size_t") long slots,
      @Cast("std::size_t") long ctsLevels,
      @Cast("std::size_t") long stcLevels,
      double messageScale,
      @Cast("bool") boolean cachePlaintexts);

  public static native void delete_bootstrapper(NBootstrapper b);

  public static native @Cast("std::size_t") long bootstrap_required_depth(
      @Cast("std::size_t") long ctsLevels, @Cast("std::size_t") long stcLevels);

  public static native @Cast("std::size_t") long bootstrap_depth(@Const @ByRef NBootstrapper b);

  public static native @Cast("std::size_t") long bootstrap_output_level(@Const @ByRef NBootstrapper b);

  public static native @Cast("std::size_t") long bootstrap_galois_element_count(@Const @ByRef NBootstrapper b);

  public static native void bootstrap_galois_elements(
      @Const @ByRef NBootstrapper b, @Cast("std::int64_t*") long[] out, @Cast("std::size_t") long count);

  public static native void bootstrap(
      @Const @ByRef NBootstrapper b,
      @Const @ByRef NCiphertext in,
      @Const @ByRef NGaloisKeys gk,
      @Const @ByRef NRelinKeys rk,
      @Const @ByRef NEncapsulation encapsulation,
      @ByRef NCiphertext out);

  public static native NEncapsulation create_encapsulation(@Const @ByRef NContext c, @Const @ByRef NSecretKey sk);

  public static native NBytes save_encapsulation(@Const @ByRef NEncapsulation e);

  public static native NEncapsulation load_encapsulation(
      @Const @ByRef NContext c, @Const byte[] data, @Cast("std::size_t") long size);

  public static native void delete_encapsulation(NEncapsulation e);

  // ------------------------------------------------------------------------------------------ threads

  public static native @Cast("std::size_t") long get_thread_count();

  public static native void set_thread_count(@Cast("std::size_t") long threads);

  public static native @StdString String simd_level();
}
