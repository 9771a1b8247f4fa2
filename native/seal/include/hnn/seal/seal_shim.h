// The SEAL backend's C++ shim: a flat API over Microsoft SEAL's CKKS classes for the JavaCPP binding
// dev.hnn.ckks.sealjni.SealNative (issue 19). Built only when CMake finds SEAL 4.x (native/seal/CMakeLists.txt).
//
// The header deliberately includes no SEAL header: SEAL's types are forward-declared and only handled through
// pointers and references, so the generated JNI code compiles against this file alone and links with
// libhnn_seal.a (the shim) and SEAL's static library. Every function:
//  - validates its arguments and throws a std::runtime_error whose message is "hnn:<Tag>:<text>" with the tags
//    of hnn_jni.h (InvalidParameters, InvalidArgument, IncompatibleObjects, DepthExhausted, CorruptData,
//    MissingKey, OutOfMemory, Error), so dev.hnn.ckks.Native translates them into the same HeException types;
//  - converts SEAL's own exceptions to those tags (messages never contain key or plaintext material).
// Levels follow the engine's convention: level l = the data primes q_0 .. q_l remain (SEAL's chain index).
#pragma once
#include <cstddef>
#include <cstdint>
#include <exception>
#include <vector>

namespace seal {
class Plaintext;
class Ciphertext;
class SecretKey;
class PublicKey;
class RelinKeys;
class GaloisKeys;
class Encryptor;
class Decryptor;
}  // namespace seal

// JavaCPP's generated handler catches GENERIC_EXCEPTION_CLASS and uses GENERIC_EXCEPTION_TOSTRING as the
// Java exception's message: every exception leaving the shim already carries its "hnn:<Tag>:" prefix.
#undef GENERIC_EXCEPTION_CLASS
#define GENERIC_EXCEPTION_CLASS std::exception
#undef GENERIC_EXCEPTION_TOSTRING
#define GENERIC_EXCEPTION_TOSTRING what() == nullptr ? "hnn:Internal:" : e.what()

namespace hnn {
namespace sealjni {

using Bytes = std::vector<std::uint8_t>;
/// A SEALContext with its encoder and evaluator and the parms_id of every level (defined in seal_shim.cpp).
struct ContextHandle;

// ---- bytes
std::size_t bytes_size(const Bytes& b);
void bytes_copy(const Bytes& b, std::size_t offset, std::size_t count, signed char* out);
void delete_bytes(Bytes* b);

// ---- parameters and context
/// SEAL's HE Standard bound (CoeffModulus::MaxBitCount at tc128).
int max_bit_count(std::size_t n);
/// bits: all primes, data primes first; SEAL uses exactly one special prime (the last): special must be 1.
ContextHandle* new_context(std::size_t n, const int* bits, std::size_t count, std::size_t special, bool secure);
/// A context from SEAL-serialized EncryptionParameters (validated; CorruptData if not CKKS or malformed).
ContextHandle* load_context(const signed char* data, std::size_t size, bool secure);
Bytes* save_parameters(const ContextHandle& c);
void delete_context(ContextHandle* c);
std::size_t context_n(const ContextHandle& c);
std::size_t context_slot_count(const ContextHandle& c);
std::size_t context_max_level(const ContextHandle& c);
/// All primes, special ones included.
std::size_t context_prime_count(const ContextHandle& c);
std::uint64_t context_prime(const ContextHandle& c, std::size_t i);
double context_log2_modulus_at(const ContextHandle& c, std::size_t level);

// ---- plaintexts and ciphertexts
seal::Plaintext* new_plaintext();
seal::Plaintext* copy_plaintext(const seal::Plaintext& p);
void delete_plaintext(seal::Plaintext* p);
std::size_t plaintext_words(const seal::Plaintext& p);
std::size_t plaintext_level(const ContextHandle& c, const seal::Plaintext& p);
double plaintext_scale(const seal::Plaintext& p);
seal::Ciphertext* new_ciphertext();
seal::Ciphertext* copy_ciphertext(const seal::Ciphertext& ct);
void delete_ciphertext(seal::Ciphertext* ct);
std::size_t ciphertext_words(const seal::Ciphertext& ct);
std::size_t ciphertext_level(const ContextHandle& c, const seal::Ciphertext& ct);
double ciphertext_scale(const seal::Ciphertext& ct);
std::size_t ciphertext_size(const seal::Ciphertext& ct);

// ---- keys
seal::SecretKey* generate_secret_key(const ContextHandle& c);
seal::PublicKey* create_public_key(const ContextHandle& c, const seal::SecretKey& sk);
seal::RelinKeys* create_relin_keys(const ContextHandle& c, const seal::SecretKey& sk);
seal::GaloisKeys* create_galois_keys(const ContextHandle& c, const seal::SecretKey& sk, const std::int64_t* elements,
                                     std::size_t count);
seal::GaloisKeys* new_galois_keys();
std::size_t galois_key_count(const seal::GaloisKeys& gk);
void galois_elements(const seal::GaloisKeys& gk, std::int64_t* out);
std::uint64_t galois_element_for_step(const ContextHandle& c, long long steps);
std::uint64_t galois_element_conjugate(const ContextHandle& c);
seal::GaloisKeys* galois_single(const ContextHandle& c, const seal::GaloisKeys& gk, std::uint64_t elt);
void galois_merge(const ContextHandle& c, seal::GaloisKeys& into, const seal::GaloisKeys& from);
/// Overwrites the key's coefficients with zeros, then frees it.
void delete_secret_key(seal::SecretKey* k);
void delete_public_key(seal::PublicKey* k);
void delete_relin_keys(seal::RelinKeys* k);
void delete_galois_keys(seal::GaloisKeys* k);

// ---- encryption
seal::Encryptor* new_encryptor(const ContextHandle& c, const seal::PublicKey* pk, const seal::SecretKey* sk);
void delete_encryptor(seal::Encryptor* e);
void encrypt(const ContextHandle& c, const seal::Encryptor& e, const seal::Plaintext& p, seal::Ciphertext& out);
void encrypt_symmetric(const ContextHandle& c, const seal::Encryptor& e, const seal::Plaintext& p,
                       seal::Ciphertext& out);
void encrypt_zero(const ContextHandle& c, const seal::Encryptor& e, std::size_t level, seal::Ciphertext& out);
seal::Decryptor* new_decryptor(const ContextHandle& c, const seal::SecretKey& sk);
void delete_decryptor(seal::Decryptor* d);
void decrypt(const ContextHandle& c, const seal::Decryptor& d, const seal::Ciphertext& ct, seal::Plaintext& out);

// ---- encoding
void encode(const ContextHandle& c, const double* values, std::size_t count, double scale, std::size_t level,
            seal::Plaintext& out);
void encode_complex(const ContextHandle& c, const double* interleaved, std::size_t count, double scale,
                    std::size_t level, seal::Plaintext& out);
void encode_constant(const ContextHandle& c, double value, double scale, std::size_t level, seal::Plaintext& out);
void decode(const ContextHandle& c, const seal::Plaintext& p, double* out, std::size_t count);
void decode_complex(const ContextHandle& c, const seal::Plaintext& p, double* out, std::size_t count);

// ---- evaluation (out may alias an operand)
void add(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b, seal::Ciphertext& out);
void sub(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b, seal::Ciphertext& out);
void negate(const ContextHandle& c, const seal::Ciphertext& a, seal::Ciphertext& out);
void add_plain(const ContextHandle& c, const seal::Ciphertext& a, const seal::Plaintext& p, seal::Ciphertext& out);
void sub_plain(const ContextHandle& c, const seal::Ciphertext& a, const seal::Plaintext& p, seal::Ciphertext& out);
void add_scalar(const ContextHandle& c, const seal::Ciphertext& a, double value, seal::Ciphertext& out);
void multiply(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b, seal::Ciphertext& out);
void square(const ContextHandle& c, const seal::Ciphertext& a, seal::Ciphertext& out);
void multiply_plain(const ContextHandle& c, const seal::Ciphertext& a, const seal::Plaintext& p,
                    seal::Ciphertext& out);
void multiply_scalar(const ContextHandle& c, const seal::Ciphertext& a, double value, double scale,
                     seal::Ciphertext& out);
void multiply_integer(const ContextHandle& c, const seal::Ciphertext& a, long long value, seal::Ciphertext& out);
void relinearize(const ContextHandle& c, const seal::Ciphertext& a, const seal::RelinKeys& rk, seal::Ciphertext& out);
void rescale(const ContextHandle& c, const seal::Ciphertext& a, seal::Ciphertext& out);
void multiply_relin_rescale(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b,
                            const seal::RelinKeys& rk, seal::Ciphertext& out);
/// sum_i cts[i] * pts[i] (addresses), composed from SEAL's multiply_plain and add.
void multiply_plain_accumulate(const ContextHandle& c, const std::int64_t* cts, const std::int64_t* pts,
                               std::size_t count, seal::Ciphertext& out);
void multiply_scalar_accumulate(const ContextHandle& c, const std::int64_t* cts, const double* values,
                                const double* scales, std::size_t count, seal::Ciphertext& out);
void mod_switch_to(const ContextHandle& c, const seal::Ciphertext& a, std::size_t level, seal::Ciphertext& out);
void mod_switch_plain_to(const ContextHandle& c, seal::Plaintext& p, std::size_t level);
void align_inplace(const ContextHandle& c, seal::Ciphertext& a, seal::Ciphertext& b);
void set_scale(const ContextHandle& c, seal::Ciphertext& a, double scale);
void rotate(const ContextHandle& c, const seal::Ciphertext& a, long long steps, const seal::GaloisKeys& gk,
            seal::Ciphertext& out);
/// One rotation per step (SEAL has no hoisting): outs holds the result ciphertexts' addresses.
void rotate_hoisted(const ContextHandle& c, const seal::Ciphertext& a, const std::int64_t* steps, std::size_t count,
                    const seal::GaloisKeys& gk, const std::int64_t* outs);
void rotate_sum(const ContextHandle& c, const seal::Ciphertext& a, const std::int64_t* steps, std::size_t count,
                const seal::GaloisKeys& gk, seal::Ciphertext& out);
void conjugate(const ContextHandle& c, const seal::Ciphertext& a, const seal::GaloisKeys& gk, seal::Ciphertext& out);
void apply_galois(const ContextHandle& c, const seal::Ciphertext& a, std::uint64_t elt, const seal::GaloisKeys& gk,
                  seal::Ciphertext& out);

// ---- serialization (SEAL's format; every load validates the object against the context)
Bytes* save_plaintext(const seal::Plaintext& p, bool zlib);
Bytes* save_ciphertext(const seal::Ciphertext& ct, bool zlib);
Bytes* save_secret_key(const seal::SecretKey& k, bool zlib);
Bytes* save_public_key(const seal::PublicKey& k, bool zlib);
Bytes* save_relin_keys(const seal::RelinKeys& k, bool zlib);
Bytes* save_galois_keys(const seal::GaloisKeys& k, bool zlib);
void load_plaintext(const ContextHandle& c, const signed char* data, std::size_t size, seal::Plaintext& out);
void load_ciphertext(const ContextHandle& c, const signed char* data, std::size_t size, seal::Ciphertext& out);
seal::SecretKey* load_secret_key(const ContextHandle& c, const signed char* data, std::size_t size);
seal::PublicKey* load_public_key(const ContextHandle& c, const signed char* data, std::size_t size);
seal::RelinKeys* load_relin_keys(const ContextHandle& c, const signed char* data, std::size_t size);
seal::GaloisKeys* load_galois_keys(const ContextHandle& c, const signed char* data, std::size_t size);

/// "SEAL 4.4.3"-style version string of the linked library.
const char* seal_version();

}  // namespace sealjni
}  // namespace hnn
