// Structure-aware mutations of serialized HNN objects, shared by the serialization tests and the standalone
// fuzz driver. Each mutation says whether the loader *must* reject its result (corrupt bytes, or a field
// set to a value no valid object can have) or may accept it (a random edit behind a recomputed checksum
// can yield another valid object, e.g. a different coefficient below its prime).
//
// The descriptor walker below knows the format (see src/serial/serialization.cpp); it is only ever run on
// blobs the library produced, so it need not be defensive beyond staying in bounds.
#pragma once
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "hnn/serial/header.h"

namespace hnn_fuzz {

/// Small deterministic PRNG (SplitMix64): reproducible mutation sequences from a seed.
struct Rng {
  std::uint64_t s;
  explicit Rng(std::uint64_t seed) : s(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound), bound > 0.
  std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }
};

enum class Expect { kReject, kAny };

struct Mutation {
  std::vector<std::uint8_t> bytes;
  std::string kind;
  Expect expect;
};

enum class FieldKind {
  kN, kLevel, kSize, kScale, kSeeded, kWidth, kDigits, kLimbs, kCount, kElement, kSpecial, kPrimeCount, kPrime
};

struct Field {
  std::size_t offset;  // absolute, in the blob
  int bytes;
  FieldKind kind;
};

inline std::uint64_t get_le(const std::vector<std::uint8_t>& b, std::size_t off, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n && off + static_cast<std::size_t>(i) < b.size(); ++i)
    v |= static_cast<std::uint64_t>(b[off + static_cast<std::size_t>(i)]) << (8 * i);
  return v;
}
inline void put_le(std::vector<std::uint8_t>& b, std::size_t off, int n, std::uint64_t v) {
  for (int i = 0; i < n && off + static_cast<std::size_t>(i) < b.size(); ++i)
    b[off + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

inline void reseal(std::vector<std::uint8_t>& b) {
  if (b.size() >= hnn::serial::kHeaderSize) hnn::serial::seal_checksum(b.data(), b.size());
}

/// The numeric fields of a (valid) blob's descriptor, by walking the format.
inline std::vector<Field> descriptor_fields(const std::vector<std::uint8_t>& b) {
  std::vector<Field> f;
  if (b.size() < hnn::serial::kHeaderSize) return f;
  const auto type = static_cast<hnn::ObjectType>(b[6]);
  const std::size_t dsize = static_cast<std::size_t>(get_le(b, 8, 4));
  const std::size_t end = std::min(b.size(), hnn::serial::kHeaderSize + dsize);
  std::size_t p = hnn::serial::kHeaderSize;
  auto add = [&](int bytes, FieldKind k) {
    if (p + static_cast<std::size_t>(bytes) > end) return false;
    f.push_back({p, bytes, k});
    p += static_cast<std::size_t>(bytes);
    return true;
  };
  auto widths_rest = [&]() {
    while (p < end) add(1, FieldKind::kWidth);
  };
  auto key_block = [&](bool last) {
    if (!add(4, FieldKind::kDigits)) return;
    const std::uint64_t digits = get_le(b, p - 4, 4);
    if (!add(4, FieldKind::kLimbs)) return;
    const std::uint64_t limbs = get_le(b, p - 4, 4);
    if (!add(1, FieldKind::kSeeded)) return;
    const bool seeded = b[p - 1] == 1;
    if (seeded) p += 32;
    const std::uint64_t w = digits * limbs * (seeded ? 1 : 2);
    if (last) return widths_rest();
    for (std::uint64_t i = 0; i < w && p < end; ++i) add(1, FieldKind::kWidth);
  };
  switch (type) {
    case hnn::ObjectType::kParameters: {
      add(8, FieldKind::kN);
      add(4, FieldKind::kSpecial);
      add(4, FieldKind::kPrimeCount);
      while (p + 8 <= end) add(8, FieldKind::kPrime);
      break;
    }
    case hnn::ObjectType::kPlaintext:
      add(8, FieldKind::kN), add(4, FieldKind::kLevel), add(8, FieldKind::kScale);
      widths_rest();
      break;
    case hnn::ObjectType::kCiphertext:
    case hnn::ObjectType::kPublicKey:
      add(8, FieldKind::kN), add(4, FieldKind::kLevel), add(4, FieldKind::kSize), add(8, FieldKind::kScale);
      if (add(1, FieldKind::kSeeded) && b[p - 1] == 1) p += 32;
      widths_rest();
      break;
    case hnn::ObjectType::kSecretKey:
      add(8, FieldKind::kN), add(4, FieldKind::kLimbs);
      break;
    case hnn::ObjectType::kRelinKeys:
      add(8, FieldKind::kN);
      key_block(true);
      break;
    case hnn::ObjectType::kGaloisKeys: {
      add(8, FieldKind::kN);
      if (!add(4, FieldKind::kCount)) break;
      const std::uint64_t count = get_le(b, p - 4, 4);
      for (std::uint64_t k = 0; k < count && p < end; ++k) {
        add(8, FieldKind::kElement);
        key_block(false);
      }
      break;
    }
  }
  return f;
}

/// A value for `field` that no valid object can have (given the blob it came from).
inline std::uint64_t invalid_value(const std::vector<std::uint8_t>& b, const Field& fld, Rng& rng,
                                   const std::vector<Field>& all) {
  const std::uint64_t cur = get_le(b, fld.offset, fld.bytes);
  const std::uint64_t max32 = 0xFFFFFFFFu;
  auto pick = [&](std::initializer_list<std::uint64_t> xs) { return *(xs.begin() + rng.below(xs.size())); };
  auto dbl = [](double d) {
    std::uint64_t v;
    std::memcpy(&v, &d, 8);
    return v;
  };
  switch (fld.kind) {
    case FieldKind::kN:
      // For parameters, 2N can be valid (every prime may happen to be 1 mod 4N): only impossible degrees.
      if (static_cast<hnn::ObjectType>(b[6]) == hnn::ObjectType::kParameters)
        return pick({0, cur + 1, 512, 1ULL << 18, 1ULL << 63, ~0ULL});
      return pick({cur * 2, cur / 2, 0, cur + 1, 1ULL << 63, ~0ULL});
    case FieldKind::kLevel: return pick({cur + 1000, max32, cur == 0 ? max32 - 1 : cur - 1, 0x80000000u});
    case FieldKind::kSize: return pick({0, 1, 4, max32});
    case FieldKind::kScale:
      return pick({dbl(std::numeric_limits<double>::quiet_NaN()), dbl(-1.0), dbl(0.0), dbl(-0.0),
                   dbl(std::numeric_limits<double>::infinity()), dbl(-std::numeric_limits<double>::infinity()),
                   dbl(std::ldexp(1.0, 1000)), dbl(std::ldexp(1.0, 200))});
    case FieldKind::kSeeded: return pick({2, 3, 0x80, 0xFF});
    case FieldKind::kWidth:
      // Above any prime, or one less than the (minimal) width -- the body then no longer matches.
      return cur == 0 ? pick({61, 64, 200, 255}) : pick({61, 64, 255, cur - 1});
    case FieldKind::kDigits:
    case FieldKind::kLimbs: return pick({0, cur + 1, cur - 1, max32, 1000});
    case FieldKind::kCount: return pick({0, cur + 1, max32, 1u << 20});
    case FieldKind::kElement: {
      const std::uint64_t n = get_le(b, hnn::serial::kHeaderSize, 8);
      // The previous element (a duplicate) when there is one.
      std::uint64_t prev = 0;
      for (const Field& g : all)
        if (g.kind == FieldKind::kElement && g.offset < fld.offset) prev = get_le(b, g.offset, 8);
      if (prev != 0 && rng.below(4) == 0) return prev;
      return pick({0, 1, cur + 1, 2 * n, 2 * n + 1, ~0ULL, 4 * n + 1});
    }
    case FieldKind::kSpecial: {
      std::uint64_t count = 0;
      for (const Field& g : all)
        if (g.kind == FieldKind::kPrimeCount) count = get_le(b, g.offset, 4);
      return pick({0, count, count + 5, max32});
    }
    case FieldKind::kPrimeCount: return pick({0, 1, cur + 1, cur == 0 ? 0 : cur - 1, 257, max32});
    case FieldKind::kPrime: {
      // cur + 2 is 3 mod 2N; a duplicate of another prime; values outside [2, 2^60).
      std::uint64_t other = 0;
      for (const Field& g : all)
        if (g.kind == FieldKind::kPrime && g.offset != fld.offset) other = get_le(b, g.offset, 8);
      return pick({cur + 2, other != 0 ? other : 4, 0, 1, 1ULL << 60, (1ULL << 61) + 1});
    }
  }
  return ~cur;
}

/// One mutation of a valid blob.
inline Mutation mutate(const std::vector<std::uint8_t>& blob, Rng& rng) {
  using hnn::serial::kHeaderSize;
  Mutation m{blob, "", Expect::kReject};
  std::vector<std::uint8_t>& b = m.bytes;
  const std::size_t dsize = blob.size() >= kHeaderSize ? static_cast<std::size_t>(get_le(blob, 8, 4)) : 0;
  const std::size_t body_at = kHeaderSize + dsize;
  const auto compression = blob.size() >= kHeaderSize ? blob[7] : 0;
  const auto type = blob.size() >= kHeaderSize ? static_cast<hnn::ObjectType>(blob[6]) : hnn::ObjectType::kParameters;
  // Stacked mutations feed mutated (possibly tiny or headerless) blobs back in: only byte-level mutations
  // apply then, and every structural edit below re-checks its bounds.
  if (blob.empty()) {
    b.resize(1 + rng.below(200));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng.next());
    m.kind = "random garbage";
    return m;
  }
  const bool has_header = blob.size() >= kHeaderSize;
  switch (rng.below(has_header ? 13 : 4)) {
    case 0: {  // byte flips, checksum left stale
      m.kind = "byte flip";
      const std::size_t flips = 1 + rng.below(4);
      for (std::size_t i = 0; i < flips; ++i) b[rng.below(b.size())] ^= static_cast<std::uint8_t>(1 + rng.below(255));
      break;
    }
    case 1: {  // truncation at a structural boundary or anywhere
      m.kind = "truncation";
      const std::size_t cuts[] = {0, 1, 4, 8, kHeaderSize - 1, kHeaderSize, kHeaderSize + 1, body_at - 1, body_at,
                                  body_at + 1, b.size() - 1, rng.below(b.size())};
      std::size_t cut = cuts[rng.below(sizeof(cuts) / sizeof(cuts[0]))];
      if (cut >= b.size()) cut = b.size() - 1;
      b.resize(cut);
      break;
    }
    case 2: {  // trailing bytes
      m.kind = "appended bytes";
      const std::size_t extra = 1 + rng.below(16);
      for (std::size_t i = 0; i < extra; ++i) b.push_back(static_cast<std::uint8_t>(rng.next()));
      break;
    }
    case 3: {  // garbage
      m.kind = "random garbage";
      b.resize(rng.below(400));
      for (auto& x : b) x = static_cast<std::uint8_t>(rng.next());
      if (b.size() >= 8 && blob.size() >= 8 && rng.below(2) == 0) std::memcpy(b.data(), blob.data(), 8);  // plausible start
      break;
    }
    case 4: {  // header field edits, checksum recomputed: every one is invalid
      m.kind = "header edit (resealed)";
      switch (rng.below(8)) {
        case 0: put_le(b, 4, 2, rng.below(2) ? 0 : 2 + rng.below(60000)); break;                // version
        case 1: b[6] = static_cast<std::uint8_t>(b[6] == 7 ? 1 + rng.below(6) : b[6] + 1 + rng.below(7 - b[6])); break;  // type
        case 2: b[7] = static_cast<std::uint8_t>(rng.below(2) ? (b[7] ^ 1) : 2 + rng.below(254)); break;  // compression
        case 3: put_le(b, 8, 4, get_le(b, 8, 4) + (rng.below(2) ? 1 : -1)); break;         // descriptor size
        case 4: {                                                                            // raw size
          const std::uint64_t raw = get_le(b, 16, 8);
          const std::uint64_t vals[] = {raw + 1, raw - 1, raw * 2 + 8, 1ULL << 40, ~0ULL, raw + (1ULL << 32)};
          put_le(b, 16, 8, vals[rng.below(6)]);
          break;
        }
        case 5: {                                                                            // stored size
          const std::uint64_t st = get_le(b, 24, 8);
          const std::uint64_t vals[] = {st + 1, st - 1, ~0ULL, 1ULL << 40, st + (1ULL << 32)};
          put_le(b, 24, 8, vals[rng.below(5)]);
          break;
        }
        case 6: b[0] ^= static_cast<std::uint8_t>(1 + rng.below(255)); break;                   // magic
        default:                                                                             // parameter hash
          b[32 + rng.below(32)] ^= static_cast<std::uint8_t>(1 + rng.below(255));
          m.kind = "parameter hash edit (resealed)";
          break;
      }
      // A compressed empty body (parameters) toggled to "none" etc. is still invalid; raw-size edits of an
      // empty body may wrap to ~0: also invalid.
      reseal(b);
      break;
    }
    case 5:
    case 6: {  // descriptor field set to an invalid value, checksum recomputed
      const auto fields = descriptor_fields(blob);
      if (fields.empty()) return mutate(blob, rng);
      const Field& f = fields[rng.below(fields.size())];
      const std::uint64_t v = invalid_value(blob, f, rng, fields);
      put_le(b, f.offset, f.bytes, v);
      m.kind = "invalid descriptor field (resealed)";
      reseal(b);
      break;
    }
    case 7: {  // body: a coefficient >= its prime / an invalid ternary code / a non-minimal width
      if (compression != 0 || b.size() <= body_at) return mutate(blob, rng);
      if (type == hnn::ObjectType::kSecretKey) {
        b[body_at + rng.below(b.size() - body_at)] |= static_cast<std::uint8_t>(3u << (2 * rng.below(4)));
        m.kind = "invalid ternary code (resealed)";
      } else {
        // The first limb's width is the first width field of the descriptor.
        const auto fields = descriptor_fields(blob);
        int w = 0;
        for (const Field& f : fields)
          if (f.kind == FieldKind::kWidth) {
            w = static_cast<int>(get_le(blob, f.offset, 1));
            break;
          }
        const std::size_t n = static_cast<std::size_t>(get_le(blob, kHeaderSize, 8));
        if (w == 0 || w > 60 || n == 0 || n > (1u << 17) || body_at + (n * static_cast<std::size_t>(w) + 7) / 8 > b.size())
          return mutate(blob, rng);
        if (rng.below(2) == 0) {
          // Coefficient 0 of limb 0 := 2^w - 1 >= q (a w-bit NTT prime is never 2^w - 1).
          for (int bit = 0; bit < w; ++bit) b[body_at + static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>(1u << (bit % 8));
          m.kind = "coefficient >= prime (resealed)";
        } else {
          // Clear the top bit of every coefficient of limb 0: the width is no longer minimal.
          for (std::size_t i = 0; i < n; ++i) {
            const std::size_t bit = i * static_cast<std::size_t>(w) + static_cast<std::size_t>(w - 1);
            b[body_at + bit / 8] &= static_cast<std::uint8_t>(~(1u << (bit % 8)));
          }
          m.kind = "non-minimal width (resealed)";
        }
      }
      reseal(b);
      break;
    }
    case 8: {  // compressed body truncated or extended, sizes kept consistent, checksum recomputed
      if (compression != 1 || b.size() <= body_at) return mutate(blob, rng);
      const std::size_t stored = b.size() - body_at;
      if (rng.below(2) == 0) {
        const std::size_t cut = 1 + rng.below(stored);
        b.resize(b.size() - cut);
        m.kind = "compressed body truncated (resealed)";
      } else {
        const std::size_t extra = 1 + rng.below(8);
        for (std::size_t i = 0; i < extra; ++i) b.push_back(static_cast<std::uint8_t>(rng.next()));
        m.kind = "bytes after zlib stream (resealed)";
        // Beyond zlib's bound for the raw size is rejected too, by the size check.
      }
      put_le(b, 24, 8, b.size() - body_at);
      reseal(b);
      break;
    }
    default: {  // random edits behind a recomputed checksum: may or may not stay valid
      const std::size_t flips = 1 + rng.below(3);
      for (std::size_t i = 0; i < flips; ++i) b[rng.below(b.size())] ^= static_cast<std::uint8_t>(1 + rng.below(255));
      m.kind = "random edit (resealed)";
      m.expect = Expect::kAny;
      reseal(b);
      break;
    }
  }
  // Two flips can cancel out; a "must reject" mutation has to change something.
  if (m.expect == Expect::kReject && m.bytes == blob) return mutate(blob, rng);
  return m;
}

}  // namespace hnn_fuzz
