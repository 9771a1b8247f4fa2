// Object codecs: what the descriptor and the body of each object type hold, and the validation of every
// field against the context. Framing (header, checksum, limits) lives in framing.cpp.
//
// Descriptors (all little-endian):
//   parameters : u64 n, u32 special prime count, u32 prime count, u64 primes[count]          (body empty)
//   plaintext  : u64 n, u32 level, f64 scale, u8 width[level+1]
//   ciphertext : u64 n, u32 level, u32 size, f64 scale, u8 seeded, [32-byte seed of c_1 if seeded],
//   public key   u8 width[stored polys * (level+1)]   (stored polys = size, or size - 1 without c_1)
//   secret key : u64 n, u32 limb count                                 (body: n/4 bytes of 2-bit ternary)
//   relin keys : u64 n, key block
//   Galois keys: u64 n, u32 count, count * (u64 Galois element, key block), elements strictly increasing
//   key block  : u32 digits, u32 limbs, u8 seeded, [32-byte seed if seeded],
//                u8 width[digits * (seeded ? 1 : 2) * limbs]   (per digit: b's limbs, then a's if stored)
//                limbs = level + 1 + special primes, digits = those in use at that level: the top level for a
//                relinearization key, any level for a Galois key (a key restricted to a level, keys.h)
// Bodies hold the packed limbs in exactly the order of their widths (coefficient_packing.h).
#include "hnn/serial/serialization.h"

#include <cmath>
#include <cstring>
#include <istream>
#include <ostream>
#include <string>

#include "framing.h"
#include "hnn/ring/primes.h"
#include "hnn/rlwe/encryptor.h"
#include "hnn/rlwe/key_generator.h"
#include "hnn/rlwe/key_shape.h"
#include "hnn/serial/byte_io.h"
#include "hnn/serial/coefficient_packing.h"
#include "hnn/serial/compression.h"
#include "hnn/util/bits.h"
#include "hnn/util/errors.h"
#include "hnn/util/memory.h"

namespace hnn {

using serial::BodyReader;
using serial::ByteReader;
using serial::ByteWriter;

namespace {

using Bytes = std::vector<std::uint8_t>;

// ------------------------------------------------------------------------------------------------ saving

// Common shape checks for context-free saving: the packer needs n to be a multiple of 8.
void check_saveable_n(std::size_t n, const char* what) {
  if (n == 0) throw InvalidArgumentError(std::string("cannot serialize an empty ") + what);
  if (n % 8 != 0 || !is_power_of_two(n))
    throw InvalidArgumentError(std::string("cannot serialize ") + what + ": ring degree is not a power of two >= 8");
}

// Appends one limb: its width to the descriptor, its packed bytes to the body. With a context, the
// residues are first checked against their prime (a value >= q would not survive the loader).
void put_limb(const std::uint64_t* limb, std::size_t n, const Modulus* q, ByteWriter& desc, Bytes& body,
              const char* what) {
  int w = 0;
  if (q) {  // the range check and the width in one pass
    std::uint64_t bad = 0, all = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bad |= static_cast<std::uint64_t>(limb[i] >= q->value());
      all |= limb[i];
    }
    if (bad) throw InvalidArgumentError(std::string("cannot serialize ") + what + ": a coefficient is not reduced");
    w = bit_length(all);
  } else {
    w = serial::limb_width(limb, n);
  }
  if (w > kMaxModulusBits)
    throw InvalidArgumentError(std::string("cannot serialize ") + what + ": a coefficient exceeds 60 bits");
  desc.u8(static_cast<std::uint8_t>(w));
  const std::size_t at = body.size();
  body.resize(at + serial::packed_limb_bytes(n, w));
  serial::pack_limb(limb, n, w, body.data() + at);
}

// A ciphertext-shaped object (ciphertext or public key). `ctx` may be null (context-free save).
Bytes save_ciphertext_like(ObjectType type, const Ciphertext& ct, const Context* ctx, Compression c) {
  const char* what = object_type_name(type);
  check_saveable_n(ct.n(), what);
  if (ct.size() < 2 || ct.size() > 3)
    throw InvalidArgumentError(std::string("cannot serialize ") + what + " of size " + std::to_string(ct.size()));
  const std::size_t limbs = ct.limb_count();
  if (ct.word_count() != ct.size() * limbs * ct.n())
    throw InvalidArgumentError(std::string("cannot serialize ") + what + ": storage does not match its shape");
  if (ctx) {
    if (ct.params_hash() != ctx->params_hash())
      throw IncompatibleObjectsError(std::string("cannot serialize ") + what + " with another context's parameters");
    if (ct.n() != ctx->n() || ct.level() > ctx->max_level())
      throw InvalidArgumentError(std::string("cannot serialize ") + what + ": shape does not match the context");
  }
  // Seed compression: c_1 is replaced by its seed when the ciphertext still carries one. Ciphertext drops the
  // seed on any mutable access, so c_1 is its expansion by construction; with a context, limb 0 is compared
  // anyway (every operation that changes c_1 changes that limb), a guard at 1/(level + 1) of the cost of a
  // full expansion. A mismatch stores c_1 instead.
  bool seeded = ct.c1_seed().has_value() && ct.size() == 2;
  if (seeded && ctx) {
    U64Vector expanded(ct.n());
    expand_symmetric_c1_limb(*ctx, *ct.c1_seed(), 0, expanded.data());
    seeded = std::memcmp(expanded.data(), ct.poly(1), expanded.size() * sizeof(std::uint64_t)) == 0;
  }
  Bytes desc, body;
  ByteWriter d(desc);
  d.u64(ct.n());
  d.u32(static_cast<std::uint32_t>(ct.level()));
  d.u32(static_cast<std::uint32_t>(ct.size()));
  d.f64(ct.scale());
  d.u8(seeded ? 1 : 0);
  if (seeded) d.bytes(ct.c1_seed()->data(), ct.c1_seed()->size());
  const std::size_t stored = seeded ? 1 : ct.size();
  // Room for the widest packing up front (a limb's width is at most its prime's): one allocation, not a
  // reallocation and copy per limb.
  std::size_t bound = 0;
  for (std::size_t i = 0; i < limbs; ++i)
    bound += serial::packed_limb_bytes(ct.n(), ctx ? ctx->prime(i).bit_count() : kMaxModulusBits);
  body.reserve(stored * bound);
  for (std::size_t p = 0; p < stored; ++p)
    for (std::size_t i = 0; i < limbs; ++i)
      put_limb(ct.limb(p, i), ct.n(), ctx ? &ctx->prime(i) : nullptr, d, body, what);
  return serial::assemble(type, c, ct.params_hash(), desc, body.data(), body.size(), false);
}

Bytes save_plaintext(const Plaintext& pt, const Context* ctx, Compression c) {
  const char* what = "plaintext";
  check_saveable_n(pt.n(), what);
  if (pt.word_count() != pt.limb_count() * pt.n())
    throw InvalidArgumentError("cannot serialize plaintext: storage does not match its shape");
  if (ctx) {
    if (pt.params_hash() != ctx->params_hash())
      throw IncompatibleObjectsError("cannot serialize plaintext with another context's parameters");
    if (pt.n() != ctx->n() || pt.level() > ctx->max_level())
      throw InvalidArgumentError("cannot serialize plaintext: shape does not match the context");
  }
  Bytes desc, body;
  ByteWriter d(desc);
  d.u64(pt.n());
  d.u32(static_cast<std::uint32_t>(pt.level()));
  d.f64(pt.scale());
  for (std::size_t i = 0; i < pt.limb_count(); ++i)
    put_limb(pt.limb(i), pt.n(), ctx ? &ctx->prime(i) : nullptr, d, body, what);
  return serial::assemble(ObjectType::kPlaintext, c, pt.params_hash(), desc, body.data(), body.size(), false);
}

// One key-switching key: its block goes to the descriptor, its b's (and a's if not seed-compressed) to the
// body. With a context, every a_j is compared against its expansion from the seed.
void put_switch_key(const KeySwitchKey& k, const Context* ctx, ByteWriter& d, Bytes& body, const char* what) {
  const std::size_t n = k.n(), limbs = k.limb_count(), digits = k.digit_count();
  if (digits == 0 || limbs == 0 || n == 0)
    throw InvalidArgumentError(std::string("cannot serialize ") + what + ": the key is empty");
  bool seeded = k.has_seed();
  std::vector<std::size_t> primes;  // with a context: the prime of each limb
  if (ctx) {
    if (k.params_hash() != ctx->params_hash())
      throw IncompatibleObjectsError(std::string("cannot serialize ") + what + " with another context's parameters");
    std::size_t level = 0;
    try {
      level = switch_key_level(*ctx, k);
    } catch (const IncompatibleObjectsError&) {
      throw InvalidArgumentError(std::string("cannot serialize ") + what + ": key shape does not match the context");
    }
    if (n != ctx->n())
      throw InvalidArgumentError(std::string("cannot serialize ") + what + ": key shape does not match the context");
    primes = switch_key_primes(*ctx, level);
    U64Vector expanded(limbs * n), stored(n);
    for (std::size_t j = 0; j < digits && seeded; ++j) {
      expand_switch_key_a(*ctx, k.seed(), j, level, expanded.data());
      for (std::size_t i = 0; i < limbs && seeded; ++i) {
        k.get_limb(j, 1, i, stored.data());
        seeded = std::memcmp(expanded.data() + i * n, stored.data(), n * sizeof(std::uint64_t)) == 0;
      }
    }
  }
  d.u32(static_cast<std::uint32_t>(digits));
  d.u32(static_cast<std::uint32_t>(limbs));
  d.u8(seeded ? 1 : 0);
  if (seeded) d.bytes(k.seed().data(), k.seed().size());
  U64Vector limb(n);
  for (std::size_t j = 0; j < digits; ++j)
    for (std::size_t p = 0; p < (seeded ? 1u : 2u); ++p)
      for (std::size_t i = 0; i < limbs; ++i) {
        k.get_limb(j, p, i, limb.data());
        put_limb(limb.data(), n, ctx ? &ctx->prime(primes[i]) : nullptr, d, body, what);
      }
}

Bytes save_relin(const RelinKeys& rk, const Context* ctx, Compression c) {
  const char* what = "relinearization keys";
  check_saveable_n(rk.key().n(), what);
  Bytes desc, body;
  ByteWriter d(desc);
  d.u64(rk.key().n());
  put_switch_key(rk.key(), ctx, d, body, what);
  return serial::assemble(ObjectType::kRelinKeys, c, rk.params_hash(), desc, body.data(), body.size(), false);
}

Bytes save_galois(const GaloisKeys& gk, const Context* ctx, Compression c) {
  const char* what = "Galois keys";
  if (gk.size() == 0) throw InvalidArgumentError("cannot serialize an empty set of Galois keys");
  const KeySwitchKey& first = gk.keys().begin()->second;
  check_saveable_n(first.n(), what);
  Bytes desc, body;
  ByteWriter d(desc);
  d.u64(first.n());
  d.u32(static_cast<std::uint32_t>(gk.size()));
  for (const auto& [elt, key] : gk.keys()) {  // std::map: increasing elements, as the format requires
    // Keys may serve different levels (KeySwitchKey): each block records its own digit and limb counts.
    if (key.params_hash() != first.params_hash() || key.n() != first.n())
      throw InvalidArgumentError("cannot serialize Galois keys: the keys do not all have the same parameters");
    if (elt % 2 == 0 || elt >= 2 * static_cast<std::uint64_t>(first.n()))
      throw InvalidArgumentError("cannot serialize Galois keys: element " + std::to_string(elt) +
                                 " is not an odd number below 2N");
    d.u64(elt);
    put_switch_key(key, ctx, d, body, what);
  }
  return serial::assemble(ObjectType::kGaloisKeys, c, first.params_hash(), desc, body.data(), body.size(), false);
}

// The secret key as 2-bit ternary coefficients. The NTT-form limbs are brought back to coefficients and
// every limb must agree with limb 0's ternary vector, so the encoding is exact (the loader rebuilds all
// limbs from it). All scratch is wiped.
Bytes save_secret(const SecretKey& sk, const Context& ctx, Compression c) {
  if (sk.empty()) throw InvalidArgumentError("cannot serialize an empty secret key");
  if (sk.params_hash() != ctx.params_hash())
    throw IncompatibleObjectsError("cannot serialize a secret key with another context's parameters");
  const std::size_t n = ctx.n();
  if (sk.n() != n || sk.limb_count() != ctx.prime_count() || sk.word_count() != n * ctx.prime_count())
    throw InvalidArgumentError("cannot serialize secret key: shape does not match the context");
  SecretU64Vector coeffs(n);
  std::vector<std::int8_t, WipingAllocator<std::int8_t>> ternary(n);
  std::uint64_t bad = 0;
  for (std::size_t i = 0; i < ctx.prime_count(); ++i) {
    const std::uint64_t q = ctx.prime(i).value();
    std::memcpy(coeffs.data(), sk.limb(i), n * sizeof(std::uint64_t));
    ctx.ntt(i).inverse(coeffs.data());
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t v = coeffs[j];
      if (i == 0) {
        // Branch-free: -1 is q-1; anything other than 0, 1, q-1 is flagged.
        const std::uint64_t is_one = static_cast<std::uint64_t>(v == 1), is_neg = static_cast<std::uint64_t>(v == q - 1);
        bad |= static_cast<std::uint64_t>(v != 0) & (1 ^ is_one) & (1 ^ is_neg);
        ternary[j] = static_cast<std::int8_t>(static_cast<int>(is_one) - static_cast<int>(is_neg));
      } else {
        const std::int8_t t = ternary[j];
        const std::uint64_t expect = static_cast<std::uint64_t>(t > 0) + static_cast<std::uint64_t>(t < 0) * (q - 1);
        bad |= static_cast<std::uint64_t>(v != expect);
      }
    }
  }
  if (bad) throw InvalidArgumentError("cannot serialize secret key: it is not a consistent ternary key");
  std::vector<std::uint8_t, WipingAllocator<std::uint8_t>> body(n / 4);
  serial::pack_ternary(ternary.data(), n, body.data());
  Bytes desc;
  ByteWriter d(desc);
  d.u64(n);
  d.u32(static_cast<std::uint32_t>(ctx.prime_count()));
  return serial::assemble(ObjectType::kSecretKey, c, sk.params_hash(), desc, body.data(), body.size(), true);
}

Bytes save_params(const EncryptionParameters& p, Compression c) {
  Bytes desc;
  ByteWriter d(desc);
  d.u64(p.poly_modulus_degree());
  if (p.special_prime_count() > 0xFFFFFFFFu || p.coeff_modulus().size() > 0xFFFFFFFFu)
    throw InvalidArgumentError("cannot serialize parameters: absurd prime counts");
  d.u32(static_cast<std::uint32_t>(p.special_prime_count()));
  d.u32(static_cast<std::uint32_t>(p.coeff_modulus().size()));
  for (const Modulus& q : p.coeff_modulus()) d.u64(q.value());
  return serial::assemble(ObjectType::kParameters, c, ParamsHash{}, desc, nullptr, 0, false);
}

// ----------------------------------------------------------------------------------------------- loading

void check_n(std::uint64_t n, const Context& ctx, const char* what) {
  if (n != ctx.n())
    throw CorruptDataError(std::string(what) + ": ring degree " + std::to_string(n) + " does not match the context's " +
                           std::to_string(ctx.n()));
}

std::size_t read_level(ByteReader& r, const Context& ctx, const char* what) {
  const std::uint32_t level = r.u32("level");
  if (level > ctx.max_level())
    throw CorruptDataError(std::string(what) + ": level " + std::to_string(level) + " exceeds the maximum level " +
                           std::to_string(ctx.max_level()));
  return level;
}

double read_scale(ByteReader& r, const Context& ctx, std::size_t level, const char* what) {
  const double scale = r.f64("scale");
  if (!std::isfinite(scale) || !(scale > 0))
    throw CorruptDataError(std::string(what) + ": scale is not a finite positive number");
  if (!(std::log2(scale) < ctx.log2_modulus_at(level)))
    throw CorruptDataError(std::string(what) + ": scale is not below the modulus at level " + std::to_string(level));
  return scale;
}

std::uint8_t read_flag(ByteReader& r, const char* field, const char* what) {
  const std::uint8_t f = r.u8(field);
  if (f > 1) throw CorruptDataError(std::string(what) + ": " + field + " flag must be 0 or 1");
  return f;
}

// Widths of a run of limbs over primes [0, limbs) (ciphertext-like) or all primes (keys); each must be at
// most the prime's bit count. Adds the packed bytes they imply to `body_bytes` (no overflow: n <= 2^17).
std::uint8_t read_width(ByteReader& r, const Modulus& q, const char* what) {
  const std::uint8_t w = r.u8("limb bit width");
  if (w > q.bit_count())
    throw CorruptDataError(std::string(what) + ": limb bit width " + std::to_string(w) + " exceeds its prime's " +
                           std::to_string(q.bit_count()) + " bits");
  return w;
}

// Reads and unpacks one limb from the body into `out`.
void get_limb(BodyReader& body, std::vector<std::uint8_t>& scratch, std::size_t n, int width, const Modulus& q,
              std::uint64_t* out, const char* what) {
  const std::size_t bytes = serial::packed_limb_bytes(n, width);
  scratch.resize(bytes);
  body.read(scratch.data(), bytes, what);
  serial::unpack_limb(scratch.data(), n, width, q.value(), out, what);
}

void check_body_size(const serial::OpenedBlob& b, std::uint64_t expected, const char* what) {
  if (b.header.body_raw_size != expected)
    throw CorruptDataError(std::string(what) + ": body size " + std::to_string(b.header.body_raw_size) +
                           " does not match the " + std::to_string(expected) + " bytes its descriptor implies");
}

Ciphertext load_ciphertext_like(const Context& ctx, const std::uint8_t* data, std::size_t size, ObjectType type) {
  const char* what = object_type_name(type);
  const serial::OpenedBlob b = serial::open_blob(data, size, type, &ctx);
  ByteReader r(b.descriptor, b.descriptor_size, what);
  const std::size_t n = ctx.n();
  check_n(r.u64("ring degree"), ctx, what);
  const std::size_t level = read_level(r, ctx, what);
  const std::uint32_t ct_size = r.u32("ciphertext size");
  if (ct_size != 2 && ct_size != 3)
    throw CorruptDataError(std::string(what) + ": size " + std::to_string(ct_size) + " (must be 2 or 3)");
  const double scale = read_scale(r, ctx, level, what);
  const bool seeded = read_flag(r, "seeded", what) != 0;
  Seed seed{};
  if (seeded) {
    if (ct_size != 2) throw CorruptDataError(std::string(what) + ": only a size-2 ciphertext can have a seeded c_1");
    r.bytes(seed.data(), seed.size(), "seed");
  }
  if (type == ObjectType::kPublicKey && (level != ctx.max_level() || ct_size != 2))
    throw CorruptDataError("public key: must be a size-2 encryption at the top level");
  const std::size_t stored = seeded ? 1 : ct_size;
  const std::size_t limbs = level + 1;
  std::vector<std::uint8_t> widths(stored * limbs);
  std::uint64_t body_bytes = 0;
  for (std::size_t p = 0; p < stored; ++p)
    for (std::size_t i = 0; i < limbs; ++i) {
      widths[p * limbs + i] = read_width(r, ctx.prime(i), what);
      body_bytes += serial::packed_limb_bytes(n, widths[p * limbs + i]);
    }
  r.expect_end();
  check_body_size(b, body_bytes, what);

  Ciphertext ct;
  ct.allocate(ctx.params_hash(), n, level, ct_size);  // every word is written below: unpacked or expanded
  BodyReader body(b.body, b.body_size, b.header.body_raw_size, b.header.compression, false);
  std::vector<std::uint8_t> scratch;
  for (std::size_t p = 0; p < stored; ++p)
    for (std::size_t i = 0; i < limbs; ++i)
      get_limb(body, scratch, n, widths[p * limbs + i], ctx.prime(i), ct.limb(p, i), what);
  body.finish();
  if (seeded) {
    expand_symmetric_c1(ctx, seed, level, ct.poly(1));
    ct.set_c1_seed(seed);  // after every write: write access forgets the seed
  }
  ct.set_scale(scale);
  return ct;
}

Plaintext load_plaintext(const Context& ctx, const std::uint8_t* data, std::size_t size) {
  const char* what = "plaintext";
  const serial::OpenedBlob b = serial::open_blob(data, size, ObjectType::kPlaintext, &ctx);
  ByteReader r(b.descriptor, b.descriptor_size, what);
  const std::size_t n = ctx.n();
  check_n(r.u64("ring degree"), ctx, what);
  const std::size_t level = read_level(r, ctx, what);
  const double scale = read_scale(r, ctx, level, what);
  std::vector<std::uint8_t> widths(level + 1);
  std::uint64_t body_bytes = 0;
  for (std::size_t i = 0; i <= level; ++i) {
    widths[i] = read_width(r, ctx.prime(i), what);
    body_bytes += serial::packed_limb_bytes(n, widths[i]);
  }
  r.expect_end();
  check_body_size(b, body_bytes, what);
  Plaintext pt;
  pt.resize(ctx.params_hash(), n, level);
  BodyReader body(b.body, b.body_size, b.header.body_raw_size, b.header.compression, false);
  std::vector<std::uint8_t> scratch;
  for (std::size_t i = 0; i <= level; ++i) get_limb(body, scratch, n, widths[i], ctx.prime(i), pt.limb(i), what);
  body.finish();
  pt.set_scale(scale);
  return pt;
}

// The descriptor part of one key-switching key.
struct KeyBlock {
  std::size_t level = 0;  // the highest level the key serves
  bool seeded = false;
  Seed seed{};
  std::vector<std::uint8_t> widths;  // digit-major, then b/a, then limb
};

// A key serving every level has digit_count() digits of prime_count() limbs; with `any_level`, a key restricted to
// level l (KeySwitchKey) has the digits in use at l, of l + 1 + special limbs each.
KeyBlock read_key_block(ByteReader& r, const Context& ctx, std::uint64_t& body_bytes, const char* what,
                        bool any_level) {
  KeyBlock kb;
  const std::uint32_t digits = r.u32("digit count");
  const std::uint32_t limbs = r.u32("limb count");
  const std::size_t specials = ctx.special_prime_count();
  if (limbs > ctx.prime_count() || limbs <= specials || (!any_level && limbs != ctx.prime_count()))
    throw CorruptDataError(std::string(what) + ": " + std::to_string(limbs) + " limbs, the context has " +
                           std::to_string(ctx.prime_count()) + " primes");
  kb.level = limbs - specials - 1;
  if (digits != ctx.digit_count_at(kb.level))
    throw CorruptDataError(std::string(what) + ": " + std::to_string(digits) + " digits, the context uses " +
                           std::to_string(ctx.digit_count_at(kb.level)) + " at level " + std::to_string(kb.level));
  const std::vector<std::size_t> primes = switch_key_primes(ctx, kb.level);
  kb.seeded = read_flag(r, "seeded", what) != 0;
  if (kb.seeded) r.bytes(kb.seed.data(), kb.seed.size(), "seed");
  const std::size_t polys = kb.seeded ? 1 : 2;
  kb.widths.resize(static_cast<std::size_t>(digits) * polys * limbs);
  std::size_t k = 0;
  for (std::size_t j = 0; j < digits; ++j)
    for (std::size_t p = 0; p < polys; ++p)
      for (std::size_t i = 0; i < limbs; ++i) {
        const Modulus& q = ctx.prime(primes[i]);
        kb.widths[k] = read_width(r, q, what);
        // Key limbs are uniform modulo their prime: all N values below q/256 has probability < 2^-8N. The
        // rule keeps a key's allocation proportional to its stored bytes -- without it, a few hundred
        // bytes of zero-width limbs could make a Galois key set claim terabytes.
        if (kb.widths[k] + 8 < q.bit_count())
          throw CorruptDataError(std::string(what) + ": a key limb of bit width " + std::to_string(kb.widths[k]) +
                                 " is not uniformly distributed modulo its " + std::to_string(q.bit_count()) +
                                 "-bit prime");
        body_bytes += serial::packed_limb_bytes(ctx.n(), kb.widths[k]);
        ++k;
      }
  return kb;
}

// Uniform residues do not compress: a key body that zlib inflates by more than 2x is not key material,
// and refusing it bounds the memory a compressed key blob can claim by a small multiple of its size.
void check_key_inflation(const serial::OpenedBlob& b, const char* what) {
  if (b.header.compression == Compression::kZlib && b.header.body_raw_size / 2 > b.header.body_stored_size + 1024)
    throw CorruptDataError(std::string(what) + ": compressed body inflates far more than uniform key material can");
}

void load_key_body(const Context& ctx, const KeyBlock& kb, BodyReader& body, std::vector<std::uint8_t>& scratch,
                   KeySwitchKey& key, const char* what) {
  const std::size_t n = ctx.n();
  shape_switch_key(ctx, kb.level, key);
  const std::vector<std::size_t> primes = switch_key_primes(ctx, kb.level);
  const std::size_t limbs = primes.size(), digits = key.digit_count();
  U64Vector words(limbs * n);
  std::size_t k = 0;
  for (std::size_t j = 0; j < digits; ++j) {
    for (std::size_t p = 0; p < (kb.seeded ? 1u : 2u); ++p)
      for (std::size_t i = 0; i < limbs; ++i) {
        get_limb(body, scratch, n, kb.widths[k++], ctx.prime(primes[i]), words.data(), what);  // checked below q
        key.set_limb(j, p, i, words.data());
      }
    if (kb.seeded) {
      expand_switch_key_a(ctx, kb.seed, j, kb.level, words.data());
      for (std::size_t i = 0; i < limbs; ++i) key.set_limb(j, 1, i, words.data() + i * n);
    }
  }
  if (kb.seeded) key.set_seed(kb.seed);
}

RelinKeys load_relin(const Context& ctx, const std::uint8_t* data, std::size_t size) {
  const char* what = "relinearization keys";
  const serial::OpenedBlob b = serial::open_blob(data, size, ObjectType::kRelinKeys, &ctx);
  ByteReader r(b.descriptor, b.descriptor_size, what);
  check_n(r.u64("ring degree"), ctx, what);
  std::uint64_t body_bytes = 0;
  const KeyBlock kb = read_key_block(r, ctx, body_bytes, what, false);
  r.expect_end();
  check_body_size(b, body_bytes, what);
  check_key_inflation(b, what);
  RelinKeys rk;
  BodyReader body(b.body, b.body_size, b.header.body_raw_size, b.header.compression, false);
  std::vector<std::uint8_t> scratch;
  load_key_body(ctx, kb, body, scratch, rk.key(), what);
  body.finish();
  return rk;
}

GaloisKeys load_galois(const Context& ctx, const std::uint8_t* data, std::size_t size) {
  const char* what = "Galois keys";
  const serial::OpenedBlob b = serial::open_blob(data, size, ObjectType::kGaloisKeys, &ctx);
  ByteReader r(b.descriptor, b.descriptor_size, what);
  check_n(r.u64("ring degree"), ctx, what);
  const std::uint32_t count = r.u32("key count");
  if (count == 0 || count > ctx.n())
    throw CorruptDataError("Galois keys: key count " + std::to_string(count) + " outside [1, N]");
  // Each key block takes at least its fixed part in the descriptor: reject a count the descriptor cannot
  // hold before reserving anything for it.
  if (count > r.remaining() / (8 + 4 + 4 + 1))
    throw CorruptDataError("Galois keys: key count " + std::to_string(count) + " does not fit the descriptor");
  std::vector<std::pair<std::uint64_t, KeyBlock>> blocks;
  blocks.reserve(count);
  std::uint64_t body_bytes = 0, previous = 0;
  for (std::uint32_t k = 0; k < count; ++k) {
    const std::uint64_t elt = r.u64("Galois element");
    // The identity (1) is excluded as the key generator excludes it: it would be a key for nothing.
    if (elt % 2 == 0 || elt <= 1 || elt >= 2 * static_cast<std::uint64_t>(ctx.n()))
      throw CorruptDataError("Galois keys: element " + std::to_string(elt) + " is not an odd number in (1, 2N)");
    if (k > 0 && elt <= previous)
      throw CorruptDataError("Galois keys: elements are not strictly increasing (duplicate or out of order)");
    previous = elt;
    blocks.emplace_back(elt, read_key_block(r, ctx, body_bytes, what, true));
  }
  r.expect_end();
  check_body_size(b, body_bytes, what);
  check_key_inflation(b, what);
  GaloisKeys gk;
  BodyReader body(b.body, b.body_size, b.header.body_raw_size, b.header.compression, false);
  std::vector<std::uint8_t> scratch;
  // One key at a time: memory grows only as far as the body actually delivers data.
  for (const auto& [elt, kb] : blocks) load_key_body(ctx, kb, body, scratch, gk.insert(elt), what);
  body.finish();
  return gk;
}

SecretKey load_secret(const Context& ctx, const std::uint8_t* data, std::size_t size) {
  const char* what = "secret key";
  const serial::OpenedBlob b = serial::open_blob(data, size, ObjectType::kSecretKey, &ctx);
  ByteReader r(b.descriptor, b.descriptor_size, what);
  const std::size_t n = ctx.n();
  check_n(r.u64("ring degree"), ctx, what);
  const std::uint32_t limbs = r.u32("limb count");
  if (limbs != ctx.prime_count())
    throw CorruptDataError("secret key: " + std::to_string(limbs) + " limbs, the context has " +
                           std::to_string(ctx.prime_count()) + " primes");
  r.expect_end();
  check_body_size(b, n / 4, what);
  std::vector<std::uint8_t, WipingAllocator<std::uint8_t>> packed(n / 4);
  std::vector<std::int8_t, WipingAllocator<std::int8_t>> ternary(n);
  BodyReader body(b.body, b.body_size, b.header.body_raw_size, b.header.compression, true);
  body.read(packed.data(), packed.size(), "ternary coefficients");
  body.finish();
  serial::unpack_ternary(packed.data(), n, ternary.data());
  SecretKey sk;
  sk.resize(ctx.params_hash(), n, limbs);
  for (std::size_t i = 0; i < limbs; ++i) {
    const std::uint64_t q = ctx.prime(i).value();
    std::uint64_t* limb = sk.limb(i);
    for (std::size_t j = 0; j < n; ++j) {
      const std::int8_t t = ternary[j];
      limb[j] = static_cast<std::uint64_t>(t > 0) + static_cast<std::uint64_t>(t < 0) * (q - 1);
    }
    ctx.ntt(i).forward(limb);
  }
  return sk;
}

EncryptionParameters load_params_blob(const std::uint8_t* data, std::size_t size) {
  const char* what = "encryption parameters";
  const serial::OpenedBlob b = serial::open_blob(data, size, ObjectType::kParameters, nullptr);
  ByteReader r(b.descriptor, b.descriptor_size, what);
  const std::uint64_t n = r.u64("ring degree");
  if (!is_power_of_two(n) || n < (1u << 10) || n > (1u << 17))
    throw CorruptDataError("encryption parameters: ring degree " + std::to_string(n) +
                           " is not a power of two in [2^10, 2^17]");
  const std::uint32_t special = r.u32("special prime count");
  const std::uint32_t count = r.u32("prime count");
  if (count < 2 || count > 256)
    throw CorruptDataError("encryption parameters: prime count " + std::to_string(count) + " outside [2, 256]");
  if (special < 1 || special >= count)
    throw CorruptDataError("encryption parameters: special prime count " + std::to_string(special) +
                           " must be at least 1 and below the prime count " + std::to_string(count));
  std::vector<Modulus> primes;
  primes.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t q = r.u64("prime");
    if (q < 2 || q >= (std::uint64_t{1} << kMaxModulusBits))
      throw CorruptDataError("encryption parameters: modulus " + std::to_string(q) + " is not in [2, 2^60)");
    if (q % (2 * n) != 1)
      throw CorruptDataError("encryption parameters: modulus " + std::to_string(q) + " is not 1 mod 2N");
    if (!is_prime(q)) throw CorruptDataError("encryption parameters: modulus " + std::to_string(q) + " is not prime");
    for (const Modulus& p : primes)
      if (p.value() == q) throw CorruptDataError("encryption parameters: prime " + std::to_string(q) + " repeats");
    primes.emplace_back(q);
  }
  r.expect_end();
  check_body_size(b, 0, what);
  BodyReader body(b.body, b.body_size, 0, b.header.compression, false);
  body.finish();
  EncryptionParameters p(static_cast<std::size_t>(n));
  p.set_coeff_modulus(std::move(primes));
  p.set_special_prime_count(special);
  return p;
}

void require(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr && size != 0) throw InvalidArgumentError("load: null data pointer with nonzero size");
}

}  // namespace

// ------------------------------------------------------------------------------------------ public API

std::vector<std::uint8_t> save(const EncryptionParameters& params, Compression c) { return save_params(params, c); }
std::vector<std::uint8_t> save(const Plaintext& pt, Compression c) { return save_plaintext(pt, nullptr, c); }
std::vector<std::uint8_t> save(const Ciphertext& ct, Compression c) {
  return save_ciphertext_like(ObjectType::kCiphertext, ct, nullptr, c);
}
std::vector<std::uint8_t> save(const PublicKey& pk, Compression c) {
  return save_ciphertext_like(ObjectType::kPublicKey, pk.data(), nullptr, c);
}
std::vector<std::uint8_t> save(const RelinKeys& rk, Compression c) { return save_relin(rk, nullptr, c); }
std::vector<std::uint8_t> save(const GaloisKeys& gk, Compression c) { return save_galois(gk, nullptr, c); }

std::vector<std::uint8_t> save(const Context& ctx, const Plaintext& pt, Compression c) {
  return save_plaintext(pt, &ctx, c);
}
std::vector<std::uint8_t> save(const Context& ctx, const Ciphertext& ct, Compression c) {
  return save_ciphertext_like(ObjectType::kCiphertext, ct, &ctx, c);
}
std::vector<std::uint8_t> save(const Context& ctx, const SecretKey& sk, Compression c) { return save_secret(sk, ctx, c); }
std::vector<std::uint8_t> save(const Context& ctx, const PublicKey& pk, Compression c) {
  return save_ciphertext_like(ObjectType::kPublicKey, pk.data(), &ctx, c);
}
std::vector<std::uint8_t> save(const Context& ctx, const RelinKeys& rk, Compression c) {
  return save_relin(rk, &ctx, c);
}
std::vector<std::uint8_t> save(const Context& ctx, const GaloisKeys& gk, Compression c) {
  return save_galois(gk, &ctx, c);
}

EncryptionParameters load_parameters(const std::uint8_t* data, std::size_t size) {
  require(data, size);
  return load_params_blob(data, size);
}
// Each loader builds a complete new object and only then moves it into `out` (moves do not throw).
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, Plaintext& out) {
  require(data, size);
  out = load_plaintext(ctx, data, size);
}
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, Ciphertext& out) {
  require(data, size);
  out = load_ciphertext_like(ctx, data, size, ObjectType::kCiphertext);
}
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, SecretKey& out) {
  require(data, size);
  out = load_secret(ctx, data, size);
}
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, PublicKey& out) {
  require(data, size);
  PublicKey pk;
  pk.data() = load_ciphertext_like(ctx, data, size, ObjectType::kPublicKey);
  out = std::move(pk);
}
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, RelinKeys& out) {
  require(data, size);
  out = load_relin(ctx, data, size);
}
void load(const Context& ctx, const std::uint8_t* data, std::size_t size, GaloisKeys& out) {
  require(data, size);
  out = load_galois(ctx, data, size);
}

void save(std::ostream& os, const EncryptionParameters& params, Compression c) { serial::write_blob(os, save(params, c)); }
void save(std::ostream& os, const Plaintext& pt, Compression c) { serial::write_blob(os, save(pt, c)); }
void save(std::ostream& os, const Ciphertext& ct, Compression c) { serial::write_blob(os, save(ct, c)); }
void save(std::ostream& os, const PublicKey& pk, Compression c) { serial::write_blob(os, save(pk, c)); }
void save(std::ostream& os, const RelinKeys& rk, Compression c) { serial::write_blob(os, save(rk, c)); }
void save(std::ostream& os, const GaloisKeys& gk, Compression c) { serial::write_blob(os, save(gk, c)); }
void save(std::ostream& os, const Context& ctx, const SecretKey& sk, Compression c) {
  std::vector<std::uint8_t> blob = save(ctx, sk, c);
  try {
    serial::write_blob(os, blob);
  } catch (...) {
    secure_wipe(blob.data(), blob.size());
    throw;
  }
  secure_wipe(blob.data(), blob.size());
}

EncryptionParameters load_parameters(std::istream& is) {
  const auto blob = serial::read_blob(is, ObjectType::kParameters, nullptr);
  return load_params_blob(blob.data(), blob.size());
}
void load(const Context& ctx, std::istream& is, Plaintext& out) {
  const auto blob = serial::read_blob(is, ObjectType::kPlaintext, &ctx);
  load(ctx, blob.data(), blob.size(), out);
}
void load(const Context& ctx, std::istream& is, Ciphertext& out) {
  const auto blob = serial::read_blob(is, ObjectType::kCiphertext, &ctx);
  load(ctx, blob.data(), blob.size(), out);
}
void load(const Context& ctx, std::istream& is, SecretKey& out) {
  auto blob = serial::read_blob(is, ObjectType::kSecretKey, &ctx);
  try {
    load(ctx, blob.data(), blob.size(), out);
  } catch (...) {
    secure_wipe(blob.data(), blob.size());
    throw;
  }
  secure_wipe(blob.data(), blob.size());
}
void load(const Context& ctx, std::istream& is, PublicKey& out) {
  const auto blob = serial::read_blob(is, ObjectType::kPublicKey, &ctx);
  load(ctx, blob.data(), blob.size(), out);
}
void load(const Context& ctx, std::istream& is, RelinKeys& out) {
  const auto blob = serial::read_blob(is, ObjectType::kRelinKeys, &ctx);
  load(ctx, blob.data(), blob.size(), out);
}
void load(const Context& ctx, std::istream& is, GaloisKeys& out) {
  const auto blob = serial::read_blob(is, ObjectType::kGaloisKeys, &ctx);
  load(ctx, blob.data(), blob.size(), out);
}

ObjectType peek_object_type(const std::uint8_t* data, std::size_t size) { return serial::read_header(data, size).type; }

}  // namespace hnn
