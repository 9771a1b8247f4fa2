#include "crt_composer.h"

#include <cmath>

#include "hnn/util/errors.h"

namespace hnn::detail {
namespace {

// a[0..w) *= m, returns carry.
std::uint64_t mul_word(std::uint64_t* a, std::size_t w, std::uint64_t m) {
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < w; ++i) {
    u128 t = static_cast<u128>(a[i]) * m + carry;
    a[i] = static_cast<std::uint64_t>(t);
    carry = static_cast<std::uint64_t>(t >> 64);
  }
  return carry;
}
// a[0..w) += b[0..w) * m (a has w + 1 words).
void add_mul_word(std::uint64_t* a, const std::uint64_t* b, std::size_t w, std::uint64_t m) {
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < w; ++i) {
    u128 t = static_cast<u128>(b[i]) * m + a[i] + carry;
    a[i] = static_cast<std::uint64_t>(t);
    carry = static_cast<std::uint64_t>(t >> 64);
  }
  u128 t = static_cast<u128>(a[w]) + carry;
  a[w] = static_cast<std::uint64_t>(t);
}
// a[0..w] -= b[0..w) * m; requires a >= b * m.
void sub_mul_word(std::uint64_t* a, const std::uint64_t* b, std::size_t w, std::uint64_t m) {
  std::uint64_t borrow = 0, carry = 0;
  for (std::size_t i = 0; i <= w; ++i) {
    u128 prod = (i < w ? static_cast<u128>(b[i]) * m : 0) + carry;
    carry = static_cast<std::uint64_t>(prod >> 64);
    std::uint64_t p = static_cast<std::uint64_t>(prod);
    u128 d = static_cast<u128>(a[i]) - p - borrow;
    a[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) ? 1 : 0;
  }
}
// Compare a[0..w] (w + 1 words) with b[0..w) (w words).
bool geq(const std::uint64_t* a, const std::uint64_t* b, std::size_t w) {
  if (a[w] != 0) return true;
  for (std::size_t i = w; i-- > 0;) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}

}  // namespace

CrtComposer::CrtComposer(const std::vector<Modulus>& primes) : primes_(primes), words_(primes.size()) {
  const std::size_t k = primes.size();
  if (k == 0 || k > 64) throw InvalidParametersError("decoding supports 1 to 64 primes per level");
  q_.assign(words_, 0);
  q_[0] = 1;
  for (const Modulus& p : primes) mul_word(q_.data(), words_, p.value());
  half_q_ = q_;
  for (std::size_t i = 0; i < words_; ++i) {
    half_q_[i] = (q_[i] >> 1) | (i + 1 < words_ ? (q_[i + 1] << 63) : 0);
  }
  punctured_.assign(k * words_, 0);
  for (std::size_t i = 0; i < k; ++i) {
    std::uint64_t* p = punctured_.data() + i * words_;
    p[0] = 1;
    std::uint64_t inv = 1;
    for (std::size_t j = 0; j < k; ++j) {
      if (j == i) continue;
      mul_word(p, words_, primes[j].value());
      inv = mul_mod(inv, primes[i].reduce(primes[j].value()), primes[i]);
    }
    inv_punctured_.emplace_back(inverse_mod(inv, primes[i]), primes[i]);
    inv_primes_.push_back(1.0 / static_cast<double>(primes[i].value()));
  }
  if (k >= 2) {
    q01_ = static_cast<u128>(primes[0].value()) * primes[1].value();
    half_q01_ = q01_ >> 1;
    inv_q0_mod_q1_ = inverse_mod(primes[1].reduce(primes[0].value()), primes[1]);
  }
}

// Most decoded coefficients are far below Q: reconstruct from q_0 and q_1 alone (centered, |v| < q_0 q_1 / 2)
// and accept it only if it matches every other residue, which proves it is the centered value modulo Q
// (both lie in (-Q/2, Q/2] and agree modulo every prime). Otherwise fall back to the multi-word path.
double CrtComposer::compose(const std::uint64_t* residues, std::size_t stride) const {
  const std::size_t k = primes_.size();
  if (k == 1) return static_cast<double>(to_centered(residues[0], primes_[0]));
  const Modulus& q0 = primes_[0];
  const Modulus& q1 = primes_[1];
  const std::uint64_t x0 = residues[0], x1 = residues[stride];
  // v = x0 + q0 * ((x1 - x0) q0^-1 mod q1), in [0, q0 q1)
  const std::uint64_t t = mul_mod(sub_mod(x1, q1.reduce(x0), q1), inv_q0_mod_q1_, q1);
  const u128 v = static_cast<u128>(t) * q0.value() + x0;
  const bool negative = v > half_q01_;
  const u128 magnitude = negative ? q01_ - v : v;
  for (std::size_t i = 2; i < k; ++i) {
    const Modulus& q = primes_[i];
    std::uint64_t r = q.reduce128(magnitude);
    if (negative) r = negate_mod(r, q);
    if (r != residues[i * stride]) return compose_multiword(residues, stride);
  }
  const double m = static_cast<double>(static_cast<std::uint64_t>(magnitude >> 64)) * 18446744073709551616.0 +
                   static_cast<double>(static_cast<std::uint64_t>(magnitude));
  return negative ? -m : m;
}

double CrtComposer::compose_multiword(const std::uint64_t* residues, std::size_t stride) const {
  const std::size_t k = primes_.size();
  // v = sum_i y_i (Q/q_i) with y_i = x_i (Q/q_i)^-1 mod q_i; then v mod Q = v - floor(sum y_i / q_i) Q.
  std::uint64_t acc[64 + 1] = {0};
  double frac = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const std::uint64_t y = mul_shoup(residues[i * stride], inv_punctured_[i], primes_[i].value());
    add_mul_word(acc, punctured_.data() + i * words_, words_, y);
    frac += static_cast<double>(y) * inv_primes_[i];
  }
  // The floating estimate of floor(v / Q) may be off by one; subtract one less, then correct exactly.
  // frac = v / Q exactly in real arithmetic; the double sum is within ~k 2^-52 of it.
  const double t = std::floor(frac);
  if (t >= 1) sub_mul_word(acc, q_.data(), words_, static_cast<std::uint64_t>(t) - 1);
  while (geq(acc, q_.data(), words_)) sub_mul_word(acc, q_.data(), words_, 1);
  // Centered: values above Q/2 are negative.
  bool negative = false;
  for (std::size_t i = words_; i-- > 0;) {
    if (acc[i] != half_q_[i]) {
      negative = acc[i] > half_q_[i];
      break;
    }
  }
  if (negative) {
    // |v| = Q - v
    std::uint64_t borrow = 0;
    for (std::size_t i = 0; i < words_; ++i) {
      u128 d = static_cast<u128>(q_[i]) - acc[i] - borrow;
      acc[i] = static_cast<std::uint64_t>(d);
      borrow = static_cast<std::uint64_t>(d >> 64) ? 1 : 0;
    }
  }
  double value = 0;
  for (std::size_t i = words_; i-- > 0;) value = value * 18446744073709551616.0 + static_cast<double>(acc[i]);
  return static_cast<double>(negative ? -value : value);
}

}  // namespace hnn::detail
