// Saving and loading every engine object in HNN's versioned binary format (layout: serial/header.h).
//
//   auto bytes = hnn::save(ct);                          // or save(ct, Compression::kZlib)
//   hnn::Ciphertext back; hnn::load(*ctx, bytes.data(), bytes.size(), back);
//
// Sizes: coefficients are bit-packed at the width of their prime (5 bytes for a 40-bit limb instead of 8);
// a symmetric ciphertext sends the 32-byte seed of c_1 instead of c_1; key-switching keys send one seed
// instead of all their a_j; the secret key is 2 bits per coefficient. zlib is optional and gains little on
// uniform residues (it helps on zero or small limbs).
//
// Loading validates everything and throws:
//   CorruptDataError         -- truncated or altered bytes, wrong magic/version/type, bad sizes, a
//                               coefficient >= its prime, level/scale/size out of range, non-canonical data;
//   IncompatibleObjectsError -- an intact object that belongs to other parameters (parameter hash mismatch).
// `out` is replaced only when loading succeeded: bad input loses nothing (strong exception guarantee).
// Memory used while loading is bounded before anything is allocated: by the context for one object's
// shape (a ciphertext holds at most 3 x (L+1) x N words), and for key sets -- whose key count the context
// only bounds by N -- by a small multiple of the bytes actually present: key limbs must look uniform
// (bit width within 8 of their prime's) and a key body may not inflate more than 2x, which uniform
// residues never do. Compressed bodies are inflated on demand, never beyond the declared size.
//
// save(const T&) needs no context: the encoding is self-describing. save(const Context&, const T&) also
// checks the object against the context (its parameter hash, every coefficient below its prime) and
// verifies that each seed really reproduces the polynomial it replaces, storing the polynomial instead if
// not. The secret key can only be saved with its context (the ternary form is recovered by an inverse NTT).
#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <vector>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/keys.h"
#include "hnn/rlwe/parameters.h"
#include "hnn/rlwe/plaintext.h"
#include "hnn/serial/header.h"

namespace hnn {

// --- To bytes.
std::vector<std::uint8_t> save(const EncryptionParameters& params, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const Plaintext& pt, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const Ciphertext& ct, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const PublicKey& pk, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const RelinKeys& rk, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const GaloisKeys& gk, Compression compression = Compression::kNone);
/// Not available: the 2-bit form of the secret key is recovered with the context's inverse NTT. Use
/// save(ctx, secret_key).
std::vector<std::uint8_t> save(const SecretKey& sk, Compression compression = Compression::kNone) = delete;

std::vector<std::uint8_t> save(const Context& ctx, const Plaintext& pt, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const Context& ctx, const Ciphertext& ct, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const Context& ctx, const SecretKey& sk, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const Context& ctx, const PublicKey& pk, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const Context& ctx, const RelinKeys& rk, Compression compression = Compression::kNone);
std::vector<std::uint8_t> save(const Context& ctx, const GaloisKeys& gk, Compression compression = Compression::kNone);

// --- From bytes: [data, data + size) must hold exactly one object (trailing bytes are an error).
EncryptionParameters load_parameters(const std::uint8_t* data, std::size_t size);
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, Plaintext& out);
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, Ciphertext& out);
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, SecretKey& out);
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, PublicKey& out);
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, RelinKeys& out);
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, GaloisKeys& out);

// --- Streams. save() writes one object; load() reads exactly one object's bytes, so several objects can
// follow each other in one stream. A stream that ends early is a CorruptDataError; a failing output stream
// throws hnn::Error.
void save(std::ostream& os, const EncryptionParameters& params, Compression compression = Compression::kNone);
void save(std::ostream& os, const Plaintext& pt, Compression compression = Compression::kNone);
void save(std::ostream& os, const Ciphertext& ct, Compression compression = Compression::kNone);
void save(std::ostream& os, const PublicKey& pk, Compression compression = Compression::kNone);
void save(std::ostream& os, const RelinKeys& rk, Compression compression = Compression::kNone);
void save(std::ostream& os, const GaloisKeys& gk, Compression compression = Compression::kNone);
void save(std::ostream& os, const Context& ctx, const SecretKey& sk, Compression compression = Compression::kNone);

EncryptionParameters load_parameters(std::istream& is);
void load(const Context& ctx, std::istream& is, Plaintext& out);
void load(const Context& ctx, std::istream& is, Ciphertext& out);
void load(const Context& ctx, std::istream& is, SecretKey& out);
void load(const Context& ctx, std::istream& is, PublicKey& out);
void load(const Context& ctx, std::istream& is, RelinKeys& out);
void load(const Context& ctx, std::istream& is, GaloisKeys& out);

/// The type of a serialized object, from its header alone (magic and version checked, nothing else):
/// lets a reader dispatch on what it received. Throws CorruptDataError.
ObjectType peek_object_type(const std::uint8_t* data, std::size_t size);

}  // namespace hnn
