// A word-sized prime modulus with the precomputations that make reduction cheap (Barrett), and the scalar
// modular arithmetic every other layer builds on. Moduli are at most 60 bits, so sums of four residues and
// lazily-reduced NTT values ([0, 4q)) fit a 64-bit word, and products of two residues fit 120 bits.
#pragma once
#include <cstdint>

#include "hnn/util/errors.h"

namespace hnn {

using u128 = unsigned __int128;

/// Largest modulus bit count the engine accepts.
constexpr int kMaxModulusBits = 60;

class Modulus {
 public:
  Modulus() = default;
  /// Throws InvalidParametersError unless 2 <= value < 2^60.
  explicit Modulus(std::uint64_t value);

  std::uint64_t value() const { return value_; }
  int bit_count() const { return bits_; }
  /// floor(2^128 / q), high and low words.
  std::uint64_t ratio_hi() const { return ratio_hi_; }
  std::uint64_t ratio_lo() const { return ratio_lo_; }

  /// x mod q for any 64-bit x.
  std::uint64_t reduce(std::uint64_t x) const {
    std::uint64_t qhat = static_cast<std::uint64_t>((static_cast<u128>(x) * ratio_hi_) >> 64);
    std::uint64_t r = x - qhat * value_;  // r < 2q: ratio_hi = floor(2^64/q) up to 1
    return r >= value_ ? r - value_ : r;
  }

  /// x mod q for x < 2^120 (a product of two residues, or a short sum of them).
  std::uint64_t reduce128(u128 x) const {
    const std::uint64_t xl = static_cast<std::uint64_t>(x), xh = static_cast<std::uint64_t>(x >> 64);
    // floor(x * ratio / 2^128), exact; it undershoots floor(x / q) by at most 1.
    const u128 ll = (static_cast<u128>(xl) * ratio_lo_) >> 64;
    const u128 lh = static_cast<u128>(xl) * ratio_hi_;
    const u128 hl = static_cast<u128>(xh) * ratio_lo_;
    const u128 mid = ll + static_cast<std::uint64_t>(lh) + static_cast<std::uint64_t>(hl);
    const std::uint64_t qhat = xh * ratio_hi_ + static_cast<std::uint64_t>(lh >> 64) +
                               static_cast<std::uint64_t>(hl >> 64) + static_cast<std::uint64_t>(mid >> 64);
    std::uint64_t r = xl - qhat * value_;
    return r >= value_ ? r - value_ : r;
  }

  bool operator==(const Modulus& o) const { return value_ == o.value_; }
  bool operator!=(const Modulus& o) const { return value_ != o.value_; }

 private:
  std::uint64_t value_ = 0;
  int bits_ = 0;
  std::uint64_t ratio_hi_ = 0, ratio_lo_ = 0;
};

inline std::uint64_t add_mod(std::uint64_t a, std::uint64_t b, const Modulus& q) {
  std::uint64_t s = a + b;
  return s >= q.value() ? s - q.value() : s;
}
inline std::uint64_t sub_mod(std::uint64_t a, std::uint64_t b, const Modulus& q) {
  return a >= b ? a - b : a + q.value() - b;
}
inline std::uint64_t negate_mod(std::uint64_t a, const Modulus& q) { return a == 0 ? 0 : q.value() - a; }
inline std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b, const Modulus& q) {
  return q.reduce128(static_cast<u128>(a) * b);
}
std::uint64_t pow_mod(std::uint64_t base, std::uint64_t exp, const Modulus& q);
/// Inverse of a modulo q; throws InvalidArgumentError if it does not exist.
std::uint64_t inverse_mod(std::uint64_t a, const Modulus& q);

/// The residue of a signed integer.
inline std::uint64_t from_signed(std::int64_t v, const Modulus& q) {
  if (v >= 0) return q.reduce(static_cast<std::uint64_t>(v));
  std::uint64_t r = q.reduce(static_cast<std::uint64_t>(-(v + 1)) + 1);
  return negate_mod(r, q);
}
/// The centered representative of a residue, in (-q/2, q/2].
inline std::int64_t to_centered(std::uint64_t r, const Modulus& q) {
  return r > q.value() / 2 ? static_cast<std::int64_t>(r) - static_cast<std::int64_t>(q.value())
                           : static_cast<std::int64_t>(r);
}

/// A constant multiplier with Shoup's precomputed quotient floor(w * 2^64 / q): the product x*w mod q then
/// costs two low multiplications and one high one, with no division.
struct ShoupMultiplier {
  std::uint64_t operand = 0;
  std::uint64_t quotient = 0;
  ShoupMultiplier() = default;
  ShoupMultiplier(std::uint64_t w, const Modulus& q)
      : operand(w), quotient(static_cast<std::uint64_t>((static_cast<u128>(w) << 64) / q.value())) {}
};

/// x * w mod q in [0, 2q), for any 64-bit x, given w's Shoup quotient wq.
inline std::uint64_t mul_shoup_lazy(std::uint64_t x, std::uint64_t w, std::uint64_t wq, std::uint64_t q) {
  std::uint64_t hi = static_cast<std::uint64_t>((static_cast<u128>(x) * wq) >> 64);
  return x * w - hi * q;
}
inline std::uint64_t mul_shoup_lazy(std::uint64_t x, const ShoupMultiplier& w, std::uint64_t q) {
  return mul_shoup_lazy(x, w.operand, w.quotient, q);
}
/// x * w mod q in [0, q).
inline std::uint64_t mul_shoup(std::uint64_t x, const ShoupMultiplier& w, std::uint64_t q) {
  std::uint64_t r = mul_shoup_lazy(x, w, q);
  return r >= q ? r - q : r;
}

}  // namespace hnn
