// Binding-only helpers for the Java API (dev.hnn.ckks): compiled into the JNI library that the JavaCPP
// Maven plugin builds from dev.hnn.ckks.presets.HnnNative, never into the engine itself.
//
// What lives here and why:
//  - exception translation: every engine error crosses JNI as a RuntimeException whose message starts with
//    a stable tag ("hnn:DepthExhausted:..."), from which the Java side builds its own exception types;
//  - ContextHandle: owns the shared_ptr<const Context> plus the (immutable, thread-safe) encoder and
//    evaluator of that context, so Java holds one plain pointer;
//  - factories/deleters for heap objects, so that Java controls every object's lifetime explicitly;
//  - conversions JavaCPP cannot express directly (std::vector of pointers, of ciphertexts, of bytes).
#pragma once
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "hnn/ckks/encoder.h"
#include "hnn/ckks/evaluator.h"
#include "hnn/ring/automorphism.h"
#include "hnn/ring/simd.h"
#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/decryptor.h"
#include "hnn/rlwe/encryptor.h"
#include "hnn/rlwe/key_generator.h"
#include "hnn/rlwe/key_shape.h"
#include "hnn/rlwe/keys.h"
#include "hnn/rlwe/parameters.h"
#include "hnn/rlwe/plaintext.h"
#include "hnn/serial/serialization.h"
#include "hnn/util/errors.h"
#include "hnn/util/thread_pool.h"

namespace hnn {
namespace jni {

// ------------------------------------------------------------------------------------------ exceptions

/// Stable name of an exception's kind; the Java side maps it to an exception class.
inline const char* error_tag(const std::exception& e) {
  if (dynamic_cast<const InvalidParametersError*>(&e)) return "InvalidParameters";
  if (dynamic_cast<const InvalidArgumentError*>(&e)) return "InvalidArgument";
  if (dynamic_cast<const IncompatibleObjectsError*>(&e)) return "IncompatibleObjects";
  if (dynamic_cast<const DepthExhaustedError*>(&e)) return "DepthExhausted";
  if (dynamic_cast<const CorruptDataError*>(&e)) return "CorruptData";
  if (dynamic_cast<const MissingKeyError*>(&e)) return "MissingKey";
  if (dynamic_cast<const Error*>(&e)) return "Error";
  if (dynamic_cast<const std::bad_alloc*>(&e)) return "OutOfMemory";
  return "Internal";
}

/// "hnn:<tag>:<what()>", valid until the next call on this thread (JavaCPP copies it into a Java string).
inline const char* tagged_message(const std::exception& e) {
  thread_local std::string buffer;
  const char* what = e.what();
  buffer.assign("hnn:");
  buffer.append(error_tag(e));
  buffer.push_back(':');
  buffer.append(what == nullptr ? "" : what);
  return buffer.c_str();
}

}  // namespace jni
}  // namespace hnn

// JavaCPP's generated exception handler catches GENERIC_EXCEPTION_CLASS and builds the Java exception's
// message from `e.GENERIC_EXCEPTION_TOSTRING`: make that the tagged message.
#undef GENERIC_EXCEPTION_CLASS
#define GENERIC_EXCEPTION_CLASS std::exception
#undef GENERIC_EXCEPTION_TOSTRING
#define GENERIC_EXCEPTION_TOSTRING what() == nullptr ? "hnn:Internal:" : ::hnn::jni::tagged_message(e)

namespace hnn {
namespace jni {

using Bytes = std::vector<std::uint8_t>;

inline Compression compression_of(bool zlib) { return zlib ? Compression::kZlib : Compression::kNone; }
inline const std::uint8_t* as_bytes(const signed char* p) { return reinterpret_cast<const std::uint8_t*>(p); }
inline void require(bool ok, const char* message) {
  if (!ok) throw InvalidArgumentError(message);
}

// ------------------------------------------------------------------------------------------ bytes

inline std::size_t bytes_size(const Bytes& b) { return b.size(); }
/// Copies [offset, offset + count) into out (Java reads big blobs in slices).
inline void bytes_copy(const Bytes& b, std::size_t offset, std::size_t count, signed char* out) {
  require(offset <= b.size() && count <= b.size() - offset, "byte range out of bounds");
  if (count != 0) std::memcpy(out, b.data() + offset, count);
}
inline void delete_bytes(Bytes* b) { delete b; }

// ------------------------------------------------------------------------------------------ parameters

inline EncryptionParameters* new_parameters(std::size_t n, const int* bits, std::size_t count, std::size_t special) {
  require(bits != nullptr || count == 0, "bit sizes are null");
  auto p = std::make_unique<EncryptionParameters>(n);
  p->set_coeff_modulus(coeff_modulus::create(n, std::vector<int>(bits, bits + count)));
  p->set_special_prime_count(special);
  return p.release();
}
inline void delete_parameters(EncryptionParameters* p) { delete p; }
inline std::size_t parameters_degree(const EncryptionParameters& p) { return p.poly_modulus_degree(); }
inline std::size_t parameters_prime_count(const EncryptionParameters& p) { return p.coeff_modulus().size(); }
inline std::size_t parameters_special_count(const EncryptionParameters& p) { return p.special_prime_count(); }
inline std::uint64_t parameters_prime(const EncryptionParameters& p, std::size_t i) {
  require(i < p.coeff_modulus().size(), "prime index out of range");
  return p.coeff_modulus()[i].value();
}
inline int max_bit_count(std::size_t n) { return coeff_modulus::max_bit_count(n, SecurityLevel::kClassical128); }
inline Bytes* save_parameters(const EncryptionParameters& p) { return new Bytes(save(p)); }
inline EncryptionParameters* load_parameters(const signed char* data, std::size_t size) {
  require(data != nullptr || size == 0, "data is null");
  return new EncryptionParameters(hnn::load_parameters(as_bytes(data), size));
}

// ------------------------------------------------------------------------------------------ context

/// A validated context with its encoder and evaluator. Immutable after construction: shareable by threads.
class ContextHandle {
 public:
  ContextHandle(const EncryptionParameters& params, bool enforce_security)
      : ctx_(Context::create(params, enforce_security ? SecurityLevel::kClassical128 : SecurityLevel::kNone)),
        encoder_(ctx_),
        evaluator_(ctx_) {}

  const ContextPtr& ptr() const { return ctx_; }
  const Context& context() const { return *ctx_; }
  const CkksEncoder& encoder() const { return encoder_; }
  const CkksEvaluator& evaluator() const { return evaluator_; }

  std::size_t n() const { return ctx_->n(); }
  std::size_t slot_count() const { return ctx_->slot_count(); }
  std::size_t max_level() const { return ctx_->max_level(); }
  std::size_t prime_count() const { return ctx_->prime_count(); }
  std::size_t special_prime_count() const { return ctx_->special_prime_count(); }
  std::uint64_t prime(std::size_t i) const {
    require(i < ctx_->prime_count(), "prime index out of range");
    return ctx_->prime(i).value();
  }
  double log2_modulus_at(std::size_t level) const {
    require(level <= ctx_->max_level(), "level out of range");
    return ctx_->log2_modulus_at(level);
  }
  bool secure() const { return ctx_->security_level() != SecurityLevel::kNone; }
  std::string describe() const { return ctx_->parameters().describe(); }
  EncryptionParameters* parameters() const { return new EncryptionParameters(ctx_->parameters()); }

 private:
  ContextPtr ctx_;
  CkksEncoder encoder_;
  CkksEvaluator evaluator_;
};

inline ContextHandle* new_context(const EncryptionParameters& params, bool enforce_security) {
  return new ContextHandle(params, enforce_security);
}
inline void delete_context(ContextHandle* c) { delete c; }

// ------------------------------------------------------------------------------------------ objects

inline Plaintext* new_plaintext() { return new Plaintext(); }
inline Plaintext* copy_plaintext(const Plaintext& p) { return new Plaintext(p); }
inline void delete_plaintext(Plaintext* p) { delete p; }
inline Ciphertext* new_ciphertext() { return new Ciphertext(); }
inline Ciphertext* copy_ciphertext(const Ciphertext& c) { return new Ciphertext(c); }
inline void delete_ciphertext(Ciphertext* c) { delete c; }
inline void delete_secret_key(SecretKey* k) { delete k; }  // the destructor wipes the key
inline void delete_public_key(PublicKey* k) { delete k; }
inline void delete_relin_keys(RelinKeys* k) { delete k; }
inline void delete_galois_keys(GaloisKeys* k) { delete k; }
inline void delete_encryptor(Encryptor* e) { delete e; }
inline void delete_decryptor(Decryptor* d) { delete d; }

inline bool params_match(const ContextHandle& c, const ParamsHash& h) { return h == c.context().params_hash(); }
inline bool plaintext_matches(const ContextHandle& c, const Plaintext& p) { return params_match(c, p.params_hash()); }
inline bool ciphertext_matches(const ContextHandle& c, const Ciphertext& ct) { return params_match(c, ct.params_hash()); }
/// Bytes of coefficient storage (for memory accounting and tests).
inline std::size_t ciphertext_words(const Ciphertext& c) { return c.word_count(); }
inline std::size_t plaintext_words(const Plaintext& p) { return p.word_count(); }

// ------------------------------------------------------------------------------------------ keys

inline SecretKey* generate_secret_key(const ContextHandle& c) {
  KeyGenerator kg(c.ptr());
  return new SecretKey(kg.secret_key());
}
inline PublicKey* create_public_key(const ContextHandle& c, const SecretKey& sk) {
  KeyGenerator kg(c.ptr(), sk);
  auto pk = std::make_unique<PublicKey>();
  kg.create_public_key(*pk);
  return pk.release();
}
inline RelinKeys* create_relin_keys(const ContextHandle& c, const SecretKey& sk) {
  KeyGenerator kg(c.ptr(), sk);
  auto rk = std::make_unique<RelinKeys>();
  kg.create_relin_keys(*rk);
  return rk.release();
}
inline GaloisKeys* create_galois_keys(const ContextHandle& c, const SecretKey& sk, const std::int64_t* steps,
                                      std::size_t count, bool conjugation) {
  require(steps != nullptr || count == 0, "steps are null");
  KeyGenerator kg(c.ptr(), sk);
  auto gk = std::make_unique<GaloisKeys>();
  std::vector<long long> s(steps, steps + count);
  kg.create_galois_keys(s, conjugation, *gk);
  return gk.release();
}
/// Keys for explicit Galois elements (odd, below 2N): rotations are 5^k mod 2N, conjugation 2N - 1; they serve
/// ciphertexts at levels up to max_level (KeySwitchKey: a lower level makes smaller keys).
inline GaloisKeys* create_galois_keys_for_elements(const ContextHandle& c, const SecretKey& sk,
                                                   const std::int64_t* elements, std::size_t count,
                                                   std::int64_t max_level) {
  require(elements != nullptr || count == 0, "elements are null");
  require(max_level >= 0 && static_cast<std::uint64_t>(max_level) <= c.max_level(),
          "the key level must be in [0, the top level]");
  KeyGenerator kg(c.ptr(), sk);
  auto gk = std::make_unique<GaloisKeys>();
  std::vector<std::uint64_t> e(count);
  for (std::size_t i = 0; i < count; ++i) e[i] = static_cast<std::uint64_t>(elements[i]);
  kg.create_galois_keys_for_elements(e, static_cast<std::size_t>(max_level), *gk);
  return gk.release();
}
inline GaloisKeys* new_galois_keys() { return new GaloisKeys(); }
inline std::size_t galois_key_count(const GaloisKeys& gk) { return gk.size(); }
/// Writes the Galois elements of the keys (ascending) to out[0 .. galois_key_count).
inline void galois_elements(const GaloisKeys& gk, std::int64_t* out) {
  std::size_t i = 0;
  for (const auto& kv : gk.keys()) out[i++] = static_cast<std::int64_t>(kv.first);
}
inline bool galois_has_key(const GaloisKeys& gk, std::uint64_t elt) { return gk.has_key(elt); }
/// The highest level the key of `elt` serves (-1 without such a key).
inline std::int64_t galois_key_level(const ContextHandle& c, const GaloisKeys& gk, std::uint64_t elt) {
  if (!gk.has_key(elt)) return -1;
  return static_cast<std::int64_t>(switch_key_level(c.context(), gk.key(elt)));
}
inline std::uint64_t galois_element_for_step(const ContextHandle& c, long long steps) {
  return hnn::galois_element_for_step(steps, c.n());
}
inline std::uint64_t galois_element_conjugate(const ContextHandle& c) { return hnn::galois_element_conjugate(c.n()); }
/// A set holding a copy of one key: big key sets are serialized key by key.
inline GaloisKeys* galois_single(const GaloisKeys& gk, std::uint64_t elt) {
  auto out = std::make_unique<GaloisKeys>();
  out->insert(elt) = gk.key(elt);
  return out.release();
}
/// Moves every key of `from` into `into` (from is left empty).
inline void galois_merge(GaloisKeys& into, GaloisKeys& from) {
  for (const auto& kv : from.keys()) {
    if (into.has_key(kv.first)) throw CorruptDataError("duplicate Galois key in key set");
  }
  std::vector<std::uint64_t> elts;
  for (const auto& kv : from.keys()) elts.push_back(kv.first);
  for (std::uint64_t e : elts) into.insert(e) = std::move(from.insert(e));
  from = GaloisKeys();
}

// ------------------------------------------------------------------------------------------ encryption

inline Encryptor* new_encryptor(const ContextHandle& c, const PublicKey* pk, const SecretKey* sk) {
  if (pk != nullptr && sk != nullptr) return new Encryptor(c.ptr(), *pk, *sk);
  if (pk != nullptr) return new Encryptor(c.ptr(), *pk);
  if (sk != nullptr) return new Encryptor(c.ptr(), *sk);
  throw MissingKeyError("an encryptor needs a public key or a secret key");
}
inline Decryptor* new_decryptor(const ContextHandle& c, const SecretKey& sk) { return new Decryptor(c.ptr(), sk); }

// ------------------------------------------------------------------------------------------ encoding

inline void encode(const ContextHandle& c, const double* values, std::size_t count, double scale, std::size_t level,
                   Plaintext& out) {
  require(values != nullptr || count == 0, "values are null");
  c.encoder().encode(values, count, scale, level, out);
}
/// values: count complex numbers interleaved (re, im, re, im ...).
inline void encode_complex(const ContextHandle& c, const double* values, std::size_t count, double scale,
                           std::size_t level, Plaintext& out) {
  require(values != nullptr || count == 0, "values are null");
  std::vector<std::complex<double>> v(count);
  for (std::size_t i = 0; i < count; ++i) v[i] = {values[2 * i], values[2 * i + 1]};
  c.encoder().encode(v, scale, level, out);
}
inline void encode_constant(const ContextHandle& c, double value, double scale, std::size_t level, Plaintext& out) {
  c.encoder().encode_constant(value, scale, level, out);
}
/// Writes the first `count` (<= slot count) decoded slots to out.
inline void decode(const ContextHandle& c, const Plaintext& p, double* out, std::size_t count) {
  require(count <= c.slot_count(), "more values asked for than there are slots");
  std::vector<double> v;
  c.encoder().decode(p, v);
  std::memcpy(out, v.data(), count * sizeof(double));
}
/// Writes the first `count` decoded complex slots to out, interleaved.
inline void decode_complex(const ContextHandle& c, const Plaintext& p, double* out, std::size_t count) {
  require(count <= c.slot_count(), "more values asked for than there are slots");
  std::vector<std::complex<double>> v;
  c.encoder().decode(p, v);
  for (std::size_t i = 0; i < count; ++i) {
    out[2 * i] = v[i].real();
    out[2 * i + 1] = v[i].imag();
  }
}

// ------------------------------------------------------------------------------------------ evaluation

/// sum_i cts[i] * pts[i]; cts and pts hold object addresses.
inline void multiply_plain_accumulate(const ContextHandle& c, const std::int64_t* cts, const std::int64_t* pts,
                                      std::size_t count, Ciphertext& out) {
  require(cts != nullptr && pts != nullptr, "operands are null");
  std::vector<const Ciphertext*> a(count);
  std::vector<const Plaintext*> p(count);
  for (std::size_t i = 0; i < count; ++i) {
    a[i] = reinterpret_cast<const Ciphertext*>(static_cast<std::intptr_t>(cts[i]));
    p[i] = reinterpret_cast<const Plaintext*>(static_cast<std::intptr_t>(pts[i]));
  }
  c.evaluator().multiply_plain_accumulate(a, p, out);
}

/// sum_i values[i] * cts[i], value i encoded at scales[i]; cts holds object addresses.
inline void multiply_scalar_accumulate(const ContextHandle& c, const std::int64_t* cts, const double* values,
                                       const double* scales, std::size_t count, Ciphertext& out) {
  require(cts != nullptr && values != nullptr && scales != nullptr, "operands are null");
  std::vector<const Ciphertext*> a(count);
  for (std::size_t i = 0; i < count; ++i) a[i] = reinterpret_cast<const Ciphertext*>(static_cast<std::intptr_t>(cts[i]));
  c.evaluator().multiply_scalar_accumulate(a, std::vector<double>(values, values + count),
                                           std::vector<double>(scales, scales + count), out);
}

/// Hoisted rotations: outs holds `count` addresses of ciphertexts that receive the results.
inline void rotate_hoisted(const ContextHandle& c, const Ciphertext& a, const std::int64_t* steps, std::size_t count,
                           const GaloisKeys& gk, const std::int64_t* outs) {
  require(steps != nullptr && outs != nullptr, "operands are null");
  std::vector<long long> s(steps, steps + count);
  std::vector<Ciphertext> r;
  c.evaluator().rotate_hoisted(a, s, gk, r);
  for (std::size_t i = 0; i < count; ++i)
    *reinterpret_cast<Ciphertext*>(static_cast<std::intptr_t>(outs[i])) = std::move(r[i]);
}

/// sum_i rotate(a, steps[i]) with one decomposition and one division by the special primes.
inline void rotate_sum(const ContextHandle& c, const Ciphertext& a, const std::int64_t* steps, std::size_t count,
                       const GaloisKeys& gk, Ciphertext& out) {
  require(steps != nullptr, "steps are null");
  c.evaluator().rotate_sum(a, std::vector<long long>(steps, steps + count), gk, out);
}

inline void relinearize(const ContextHandle& c, const Ciphertext& a, const RelinKeys& rk, Ciphertext& out) {
  c.evaluator().relinearize(a, rk, out);
}
inline void rescale(const ContextHandle& c, const Ciphertext& a, Ciphertext& out) { c.evaluator().rescale(a, out); }
inline void multiply_relin_rescale(const ContextHandle& c, const Ciphertext& a, const Ciphertext& b,
                                   const RelinKeys& rk, Ciphertext& out) {
  c.evaluator().multiply_relin_rescale(a, b, rk, out);
}
inline void rotate(const ContextHandle& c, const Ciphertext& a, long long steps, const GaloisKeys& gk, Ciphertext& out) {
  c.evaluator().rotate(a, steps, gk, out);
}
inline void conjugate(const ContextHandle& c, const Ciphertext& a, const GaloisKeys& gk, Ciphertext& out) {
  c.evaluator().conjugate(a, gk, out);
}
inline void apply_galois(const ContextHandle& c, const Ciphertext& a, std::uint64_t elt, const GaloisKeys& gk,
                         Ciphertext& out) {
  c.evaluator().apply_galois(a, elt, gk, out);
}

// ------------------------------------------------------------------------------------------ serialization

inline Bytes* save_plaintext(const ContextHandle& c, const Plaintext& p, bool zlib) {
  return new Bytes(save(c.context(), p, compression_of(zlib)));
}
inline Bytes* save_ciphertext(const ContextHandle& c, const Ciphertext& ct, bool zlib) {
  return new Bytes(save(c.context(), ct, compression_of(zlib)));
}
inline Bytes* save_secret_key(const ContextHandle& c, const SecretKey& k, bool zlib) {
  return new Bytes(save(c.context(), k, compression_of(zlib)));
}
inline Bytes* save_public_key(const ContextHandle& c, const PublicKey& k, bool zlib) {
  return new Bytes(save(c.context(), k, compression_of(zlib)));
}
inline Bytes* save_relin_keys(const ContextHandle& c, const RelinKeys& k, bool zlib) {
  return new Bytes(save(c.context(), k, compression_of(zlib)));
}
inline Bytes* save_galois_keys(const ContextHandle& c, const GaloisKeys& k, bool zlib) {
  return new Bytes(save(c.context(), k, compression_of(zlib)));
}

inline void load_plaintext(const ContextHandle& c, const signed char* data, std::size_t size, Plaintext& out) {
  require(data != nullptr || size == 0, "data is null");
  load(c.context(), as_bytes(data), size, out);
}
inline void load_ciphertext(const ContextHandle& c, const signed char* data, std::size_t size, Ciphertext& out) {
  require(data != nullptr || size == 0, "data is null");
  load(c.context(), as_bytes(data), size, out);
}
inline SecretKey* load_secret_key(const ContextHandle& c, const signed char* data, std::size_t size) {
  require(data != nullptr || size == 0, "data is null");
  auto k = std::make_unique<SecretKey>();
  load(c.context(), as_bytes(data), size, *k);
  return k.release();
}
inline PublicKey* load_public_key(const ContextHandle& c, const signed char* data, std::size_t size) {
  require(data != nullptr || size == 0, "data is null");
  auto k = std::make_unique<PublicKey>();
  load(c.context(), as_bytes(data), size, *k);
  return k.release();
}
inline RelinKeys* load_relin_keys(const ContextHandle& c, const signed char* data, std::size_t size) {
  require(data != nullptr || size == 0, "data is null");
  auto k = std::make_unique<RelinKeys>();
  load(c.context(), as_bytes(data), size, *k);
  return k.release();
}
inline GaloisKeys* load_galois_keys(const ContextHandle& c, const signed char* data, std::size_t size) {
  require(data != nullptr || size == 0, "data is null");
  auto k = std::make_unique<GaloisKeys>();
  load(c.context(), as_bytes(data), size, *k);
  return k.release();
}
/// The ObjectType byte of a serialized blob (header checked only).
inline int peek_object_type(const signed char* data, std::size_t size) {
  require(data != nullptr || size == 0, "data is null");
  return static_cast<int>(hnn::peek_object_type(as_bytes(data), size));
}

// ------------------------------------------------------------------------------------------ threads

inline std::size_t get_thread_count() { return hnn::thread_count(); }
inline void set_thread_count(std::size_t threads) { hnn::set_thread_count(threads); }
/// The vector kernels in use (ring/simd.h): portable, avx2, avx512 or avx512-ifma.
inline std::string simd_level() { return hnn::to_string(hnn::active_simd_level()); }

}  // namespace jni
}  // namespace hnn

// Client-aided refresh (dev.hnn.ckks.RefreshPrimitives).
#include "hnn/jni/refresh_jni.h"
// Non-interactive bootstrapping (dev.hnn.ckks.Bootstrapper).
#include "hnn/jni/boot_jni.h"
