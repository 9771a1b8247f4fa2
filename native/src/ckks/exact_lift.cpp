#include "exact_lift.h"

#include <string>
#include <utility>

#include "hnn/util/errors.h"

namespace hnn::detail {
namespace {

constexpr std::size_t kMaxPrimes = 64;

// a[0..w) = a * m + add; returns the carry out of the top word.
std::uint64_t mul_add_word(std::uint64_t* a, std::size_t w, std::uint64_t m, std::uint64_t add) {
  std::uint64_t carry = add;
  for (std::size_t i = 0; i < w; ++i) {
    const u128 t = static_cast<u128>(a[i]) * m + carry;
    a[i] = static_cast<std::uint64_t>(t);
    carry = static_cast<std::uint64_t>(t >> 64);
  }
  return carry;
}

// a = b - a over w words (b >= a).
void reverse_sub(std::uint64_t* a, const std::uint64_t* b, std::size_t w) {
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < w; ++i) {
    const u128 d = static_cast<u128>(b[i]) - a[i] - borrow;
    a[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) ? 1 : 0;
  }
}

// Bits [shift, shift + 64) of a (w words); `overflow` is set when any bit at or above shift + 64 is set.
std::uint64_t window(const std::uint64_t* a, std::size_t w, unsigned shift, bool& overflow) {
  const std::size_t word = shift / 64, bit = shift % 64;
  auto at = [&](std::size_t i) -> std::uint64_t { return i < w ? a[i] : 0; };
  std::uint64_t lo = at(word) >> bit;
  if (bit != 0) lo |= at(word + 1) << (64 - bit);
  overflow = bit != 0 && (at(word + 1) >> bit) != 0;
  for (std::size_t i = word + 2; i < w; ++i) overflow = overflow || a[i] != 0;
  return lo;
}

// Whether any of the low `shift` bits of a (w words) is set.
bool low_bits_set(const std::uint64_t* a, std::size_t w, unsigned shift) {
  for (std::size_t i = 0; i < w && i * 64 < shift; ++i) {
    const unsigned bits = shift - static_cast<unsigned>(i * 64);
    const std::uint64_t mask = bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    if (a[i] & mask) return true;
  }
  return false;
}

}  // namespace

ExactLift::ExactLift(const std::vector<Modulus>& from, const std::vector<Modulus>& to) : from_(from), to_(to) {
  const std::size_t k = from.size();
  if (k == 0 || k > kMaxPrimes) throw InvalidArgumentError("exact lifting supports 1 to 64 primes");
  q_mod_from_.assign(k * k, 0);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) q_mod_from_[i * k + j] = from[i].reduce(from[j].value());
  inv_prefix_.assign(k, 1);
  for (std::size_t i = 1; i < k; ++i) {
    std::uint64_t prod = 1;
    for (std::size_t j = 0; j < i; ++j) prod = mul_mod(prod, q_mod_from_[i * k + j], from[i]);
    inv_prefix_[i] = inverse_mod(prod, from[i]);
  }
  // Q is odd, so floor(Q / 2) = (Q - 1) / 2 = -(1/2) mod Q, whose residue modulo q_i is (q_i - 1) / 2.
  std::vector<std::uint64_t> half(k);
  for (std::size_t i = 0; i < k; ++i) half[i] = (from[i].value() - 1) / 2;
  std::vector<std::uint64_t> half_digits(k);
  digits(half.data(), 1, half_digits.data());  // half_digits_ is still empty: no sign comparison yet
  half_digits_ = std::move(half_digits);
  q_mod_to_.assign(to.size() * k, 0);
  big_q_mod_to_.assign(to.size(), 0);
  for (std::size_t t = 0; t < to.size(); ++t) {
    std::uint64_t prod = 1;
    for (std::size_t j = 0; j < k; ++j) {
      q_mod_to_[t * k + j] = to[t].reduce(from[j].value());
      prod = mul_mod(prod, q_mod_to_[t * k + j], to[t]);
    }
    big_q_mod_to_[t] = prod;
  }
  big_q_words_.assign(k + 1, 0);
  big_q_words_[0] = 1;
  for (std::size_t j = 0; j < k; ++j) mul_add_word(big_q_words_.data(), k + 1, from[j].value(), 0);
}

bool ExactLift::digits(const std::uint64_t* residues, std::size_t stride, std::uint64_t* a) const {
  const std::size_t k = from_.size();
  for (std::size_t i = 0; i < k; ++i) {
    const Modulus& q = from_[i];
    // t = a_0 + a_1 q_0 + ... + a_(i-1) q_0 ... q_(i-2) mod q_i, by Horner from the top digit.
    std::uint64_t t = 0;
    for (std::size_t j = i; j-- > 0;) t = add_mod(mul_mod(t, q_mod_from_[i * k + j], q), q.reduce(a[j]), q);
    a[i] = mul_mod(sub_mod(q.reduce(residues[i * stride]), t, q), inv_prefix_[i], q);
  }
  if (half_digits_.empty()) return false;
  for (std::size_t i = k; i-- > 0;) {
    if (a[i] != half_digits_[i]) return a[i] > half_digits_[i];
  }
  return false;  // equal to (Q - 1) / 2: the largest non-negative centered value
}

void ExactLift::lift(const std::uint64_t* residues, std::size_t stride, std::uint64_t* out,
                     std::size_t out_stride) const {
  const std::size_t k = from_.size();
  std::uint64_t a[kMaxPrimes];
  const bool negative = digits(residues, stride, a);
  for (std::size_t t = 0; t < to_.size(); ++t) {
    const Modulus& p = to_[t];
    std::uint64_t acc = p.reduce(a[k - 1]);
    for (std::size_t i = k - 1; i-- > 0;) acc = add_mod(mul_mod(acc, q_mod_to_[t * k + i], p), p.reduce(a[i]), p);
    // The centered value of a negative coefficient is v - Q.
    out[t * out_stride] = negative ? sub_mod(acc, big_q_mod_to_[t], p) : acc;
  }
  for (std::size_t i = 0; i < k; ++i) a[i] = 0;
}

std::int64_t ExactLift::shifted(const std::uint64_t* residues, std::size_t stride, unsigned shift) const {
  const std::size_t k = from_.size(), w = k + 1;
  std::uint64_t a[kMaxPrimes];
  const bool negative = digits(residues, stride, a);
  // v = sum_i a_i q_0 ... q_(i-1) as words, then |x| = v or Q - v.
  std::uint64_t m[kMaxPrimes + 1] = {0};
  for (std::size_t i = k; i-- > 0;) mul_add_word(m, w, from_[i].value(), a[i]);
  if (negative) reverse_sub(m, big_q_words_.data(), w);
  bool overflow = false;
  std::uint64_t q = window(m, w, shift, overflow);
  // floor(x / 2^s) for x = -|x| is -ceil(|x| / 2^s).
  if (negative && low_bits_set(m, w, shift)) {
    ++q;
    if (q == 0) overflow = true;
  }
  for (std::size_t i = 0; i < w; ++i) m[i] = 0;
  for (std::size_t i = 0; i < k; ++i) a[i] = 0;
  const std::uint64_t limit = negative ? (std::uint64_t{1} << 63) : (std::uint64_t{1} << 63) - 1;
  if (overflow || q > limit)
    throw InvalidArgumentError("coefficient does not fit 64 bits after a shift of " + std::to_string(shift) +
                               " bits: use a larger shift");
  return negative ? static_cast<std::int64_t>(~q + 1) : static_cast<std::int64_t>(q);
}

}  // namespace hnn::detail
