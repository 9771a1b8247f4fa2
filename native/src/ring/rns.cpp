#include "hnn/ring/rns.h"

#include <algorithm>
#include <string>

#include "hnn/ring/poly_arith.h"
#include "hnn/ring/simd.h"
#include "poly_arith_kernels.h"

namespace hnn {

RnsBase::RnsBase(std::vector<Modulus> primes) : primes_(std::move(primes)) {
  for (std::size_t i = 0; i < primes_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (primes_[i] == primes_[j])
        throw InvalidParametersError("RNS base has the prime " + std::to_string(primes_[i].value()) + " twice");
  inv_punctured_.reserve(primes_.size());
  for (std::size_t i = 0; i < primes_.size(); ++i)
    inv_punctured_.emplace_back(inverse_mod(punctured_product_mod(i, primes_[i]), primes_[i]), primes_[i]);
}

std::uint64_t RnsBase::product_mod(const Modulus& p) const {
  std::uint64_t r = 1 % p.value();
  for (const Modulus& q : primes_) r = mul_mod(r, p.reduce(q.value()), p);
  return r;
}

std::uint64_t RnsBase::punctured_product_mod(std::size_t i, const Modulus& p) const {
  std::uint64_t r = 1 % p.value();
  for (std::size_t j = 0; j < primes_.size(); ++j)
    if (j != i) r = mul_mod(r, p.reduce(primes_[j].value()), p);
  return r;
}

BaseConverter::BaseConverter(const RnsBase& from, const RnsBase& to) : from_(from), to_(to) {
  if (from.size() == 0 || to.size() == 0) throw InvalidParametersError("base conversion needs non-empty bases");
  if (from.size() > 256) throw InvalidParametersError("base conversion supports at most 256 source primes");
  matrix_.resize(to.size() * from.size());
  for (std::size_t j = 0; j < to.size(); ++j)
    for (std::size_t i = 0; i < from.size(); ++i) matrix_[j * from.size() + i] = from.punctured_product_mod(i, to[j]);
  for (std::size_t j = 0; j < to.size(); ++j) q_mod_to_.push_back(from.product_mod(to[j]));
  for (std::size_t i = 0; i < from.size(); ++i) inv_from_.push_back(1.0 / static_cast<double>(from[i].value()));
  for (std::size_t i = 0; i < from.size(); ++i) from_values_.push_back(from[i].value());
  for (std::size_t j = 0; j < to.size(); ++j) {
    const auto row = matrix_.begin() + j * from.size();
    exact_matrix_.insert(exact_matrix_.end(), row, row + from.size());
    exact_matrix_.push_back(q_mod_to_[j] == 0 ? 0 : to[j].value() - q_mod_to_[j]);
  }
  for (const Modulus& q : from.primes()) from_bits_ = std::max(from_bits_, q.bit_count());
  init_signed_terms();
  init_exact_sums_fit();
}

// Whether an exact conversion's sums fit 64 bits, from the actual bounds: terms below q_i, the overflow count
// below |from|, each times its multiplier.
void BaseConverter::init_exact_sums_fit() {
  const std::size_t k = from_.size();
  for (std::size_t j = 0; j < to_.size(); ++j) {
    bool fits = to_[j].bit_count() <= 32;
    u128 sum = 0;
    for (std::size_t i = 0; i <= k; ++i) {
      const std::uint64_t term_max = i < k ? from_[i].value() - 1 : k - 1;
      fits = fits && term_max < (std::uint64_t{1} << 32);
      sum += static_cast<u128>(term_max) * exact_matrix_[j * (k + 1) + i];
    }
    exact_sums_fit_.push_back(fits && sum < (static_cast<u128>(1) << 64) ? 1 : 0);
  }
}

void BaseConverter::init_signed_terms() {
  const auto below_2_32 = [](const RnsBase& b) {
    return std::all_of(b.primes().begin(), b.primes().end(), [](const Modulus& q) { return q.bit_count() <= 32; });
  };
  if (from_.size() < 2 || !below_2_32(from_) || !below_2_32(to_)) return;
  u128 term_bound = 0;  // sum_i max |t_i|
  for (const Modulus& q : from_.primes()) term_bound += q.value() / 2;
  for (std::size_t j = 0; j < to_.size(); ++j) {
    const std::uint64_t p = to_[j].value();
    if (term_bound * (p / 2) >= (static_cast<u128>(1) << 63) - p) return;
  }
  signed_matrix_.resize(matrix_.size());
  for (std::size_t j = 0; j < to_.size(); ++j) {
    const std::uint64_t p = to_[j].value();
    for (std::size_t i = 0; i < from_.size(); ++i) {
      const std::uint64_t m = matrix_[j * from_.size() + i];
      signed_matrix_[j * from_.size() + i] = m > p / 2 ? m - p : m;  // wraps to the two's complement of p - m
    }
    signed_offset_.push_back(((std::uint64_t{1} << 63) / p) * p);
  }
  signed_terms_ = true;
}

void BaseConverter::fast_convert_centered(const std::uint64_t* in, std::uint64_t* out, std::size_t n) const {
  std::vector<std::uint64_t*> limbs(to_.size());
  for (std::size_t j = 0; j < to_.size(); ++j) limbs[j] = out + j * n;
  fast_convert_centered(in, limbs.data(), n);
}

namespace {

// One source prime q: the centered lift of x in [0, q) is x, or x - q when x > q/2. The branches on the
// sizes of q and p keep the common cases free of multiplications: a 40-bit residue is already below a 60-bit
// target, and below twice another 40-bit one. The AVX-512 body (poly_arith_vector.h) has the same cases.
void lift_single_prime_centered(const std::uint64_t* in, std::uint64_t q, const Modulus& p, std::uint64_t* o,
                                std::size_t n) {
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (active_simd_level() >= SimdLevel::kAvx512) return poly_kernels::centered_lift_avx512(in, q, p, o, n);
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
  if (active_simd_level() == SimdLevel::kAvx2 && poly_kernels::fp64_products_apply(p))
    return poly_kernels::centered_lift_fp64_avx2(in, q, p, o, n);
#endif
  // Masks instead of branches: whether x stands for a negative value is a coin flip on real data, and a
  // mispredicted branch per coefficient cost four times the arithmetic.
  const std::uint64_t pv = p.value(), half = q >> 1, q_mod_p = p.reduce(q);
  const std::uint64_t minus_q = q_mod_p == 0 ? 0 : pv - q_mod_p;  // -q mod p
  if (q <= pv) {
    for (std::size_t c = 0; c < n; ++c) {
      const std::uint64_t x = in[c];
      const std::uint64_t negative = 0 - static_cast<std::uint64_t>(x > half);
      o[c] = x + (minus_q & negative);  // x - q + p < p when negative
    }
  } else if (q <= 2 * pv) {
    for (std::size_t c = 0; c < n; ++c) {
      const std::uint64_t x = in[c];
      const std::uint64_t negative = 0 - static_cast<std::uint64_t>(x > half);
      std::uint64_t r = x - (pv & (0 - static_cast<std::uint64_t>(x >= pv)));
      r += minus_q & negative;
      o[c] = r - (pv & (0 - static_cast<std::uint64_t>(r >= pv)));
    }
  } else {
    for (std::size_t c = 0; c < n; ++c) {
      const std::uint64_t x = in[c];
      const std::uint64_t negative = 0 - static_cast<std::uint64_t>(x > half);
      std::uint64_t r = p.reduce(x) + (minus_q & negative);
      o[c] = r - (pv & (0 - static_cast<std::uint64_t>(r >= pv)));
    }
  }
}

}  // namespace

void centered_lift(const std::uint64_t* in, const Modulus& from, const Modulus& to, std::uint64_t* out,
                   std::size_t n) {
  lift_single_prime_centered(in, from.value(), to, out, n);
}

void BaseConverter::fast_convert_centered(const std::uint64_t* in, std::uint64_t* const* out_limbs,
                                          std::size_t n) const {
  if (from_.size() == 1) {
    for (std::size_t j = 0; j < to_.size(); ++j) fast_convert_centered_to(in, j, out_limbs[j], n);
    return;
  }
  RawU64Vector terms(from_.size() * n);
  centered_terms(in, terms.data(), n);
  for (std::size_t j = 0; j < to_.size(); ++j) centered_convert_terms_to(terms.data(), j, out_limbs[j], n);
}

void BaseConverter::fast_convert_centered_to(const std::uint64_t* in, std::size_t target, std::uint64_t* out,
                                             std::size_t n) const {
  if (from_.size() == 1) return centered_convert_terms_to(in, target, out, n);  // the terms are x itself
  RawU64Vector terms(from_.size() * n);
  centered_terms(in, terms.data(), n);
  centered_convert_terms_to(terms.data(), target, out, n);
}

void BaseConverter::conversion_terms(const std::uint64_t* in, std::uint64_t* terms, std::size_t n) const {
  for (std::size_t i = 0; i < from_.size(); ++i)
    mul_scalar_mod(in + i * n, from_.inv_punctured(i).operand, terms + i * n, n, from_[i]);
}

void BaseConverter::centered_terms(const std::uint64_t* in, std::uint64_t* terms, std::size_t n) const {
  for (std::size_t i = 0; i < from_.size(); ++i) centered_term(i, in + i * n, terms + i * n, n);
}

void BaseConverter::centered_term(std::size_t i, const std::uint64_t* in, std::uint64_t* term, std::size_t n) const {
  mul_scalar_mod(in, from_.inv_punctured(i).operand, term, n, from_[i]);
  if (!signed_terms_) return;
  const std::uint64_t q = from_[i].value();
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (active_simd_level() >= SimdLevel::kAvx512) return poly_kernels::to_signed_avx512(term, term, n, q);
#endif
  for (std::size_t c = 0; c < n; ++c) term[c] -= q & (0 - static_cast<std::uint64_t>(term[c] > q / 2));
}

void BaseConverter::centered_convert_terms_to(const std::uint64_t* y, std::size_t target, std::uint64_t* out,
                                              std::size_t n) const {
  const std::size_t k = from_.size();
  const Modulus& p = to_[target];
  if (signed_terms_) {
    const std::uint64_t* m = signed_matrix_.data() + target * k;
#if defined(HNN_HAVE_AVX512_KERNELS)
    if (active_simd_level() >= SimdLevel::kAvx512)
      return poly_kernels::base_convert_signed_avx512(y, k, m, signed_offset_[target], out, n, p);
#endif
    // The same sums in wrapping 64-bit arithmetic: the true sum is bounded (init_signed_terms), so offset + sum
    // is its exact non-negative representative.
    for (std::size_t c = 0; c < n; ++c) {
      std::uint64_t s = signed_offset_[target];
      for (std::size_t i = 0; i < k; ++i)
        s += static_cast<std::uint64_t>(static_cast<std::int64_t>(y[i * n + c]) * static_cast<std::int64_t>(m[i]));
      out[c] = p.reduce(s);
    }
    return;
  }
  if (k == 1) {
    // (Q/q)^-1 = 1 for a single prime: the lift is x itself, centered.
    lift_single_prime_centered(y, from_[0].value(), p, out, n);
    return;
  }
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (active_simd_level() >= SimdLevel::kAvx512)
    return poly_kernels::base_convert_avx512(y, k, from_values_.data(), matrix_.data() + target * k, true,
                                             from_bits_, false, out, n, p);
#endif
  U128Vector acc(n, 0);
  for (std::size_t i = 0; i < k; ++i) {
    const std::uint64_t q = from_[i].value(), half = q >> 1;
    const std::uint64_t m = matrix_[target * k + i], neg_m = m == 0 ? 0 : p.value() - m;
    const std::uint64_t* yi = y + i * n;
    // y > q/2 stands for y - q < 0: (y - q) m = (q - y)(p - m) mod p.
    for (std::size_t c = 0; c < n; ++c) {
      const bool negative = yi[c] > half;
      acc[c] += static_cast<u128>(negative ? q - yi[c] : yi[c]) * (negative ? neg_m : m);
    }
  }
  reduce_u128(acc.data(), out, n, p);
}

void BaseConverter::exact_convert(const std::uint64_t* in, std::uint64_t* out, std::size_t n) const {
  RawU64Vector prepared(exact_prepared_limbs() * n);
  exact_prepare(in, prepared.data(), n);
  for (std::size_t j = 0; j < to_.size(); ++j) exact_convert_prepared_to(prepared.data(), j, out + j * n, n);
}

void BaseConverter::exact_prepare(const std::uint64_t* in, std::uint64_t* prepared, std::size_t n) const {
  const std::size_t k = from_.size();
  // y_i = x_i (Q/q_i)^-1 mod q_i; u = floor(sum_i y_i / q_i) < k is the multiple of Q the plain sum overshoots
  // (0 for a single prime, whose y / q < 1).
  conversion_terms(in, prepared, n);
  std::uint64_t* u = prepared + k * n;
  if (k == 1) {
    std::fill(u, u + n, 0);
    return;
  }
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (active_simd_level() >= SimdLevel::kAvx512 && from_bits_ <= 50)
    return poly_kernels::overflow_count_avx512(prepared, k, inv_from_.data(), u, n);
#endif
  std::vector<double> frac(n, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    const double inv = inv_from_[i];
    const std::uint64_t* y = prepared + i * n;
    for (std::size_t c = 0; c < n; ++c) frac[c] += static_cast<double>(y[c]) * inv;
  }
  for (std::size_t c = 0; c < n; ++c) u[c] = static_cast<std::uint8_t>(frac[c]);
}

void BaseConverter::exact_convert_prepared_to(const std::uint64_t* prepared, std::size_t target,
                                              std::uint64_t* out, std::size_t n) const {
  const std::size_t k = from_.size();
  const std::uint64_t* u = prepared + k * n;
#if defined(HNN_HAVE_AVX512_KERNELS)
  // u is converted as one more term with multiplier -Q mod p (u < k <= 256, so 9 bits).
  if (active_simd_level() >= SimdLevel::kAvx512)
    return poly_kernels::base_convert_avx512(prepared, k + 1, nullptr, exact_matrix_.data() + target * (k + 1), false,
                                             std::max(from_bits_, 9), exact_sums_fit_[target] != 0, out, n,
                                             to_[target]);
#endif
  const Modulus& p = to_[target];
  U128Vector acc(n, 0);
  for (std::size_t i = 0; i < k; ++i) {
    const std::uint64_t m = matrix_[target * k + i];
    const std::uint64_t* yi = prepared + i * n;
    for (std::size_t c = 0; c < n; ++c) acc[c] += static_cast<u128>(yi[c]) * m;
  }
  reduce_u128(acc.data(), out, n, p);
  // Subtract u Q mod p from a table of the k possible multiples.
  std::vector<std::uint64_t> multiples(k);
  for (std::size_t t = 0; t < k; ++t) multiples[t] = mul_mod(t, q_mod_to_[target], p);
  for (std::size_t c = 0; c < n; ++c) out[c] = sub_mod(out[c], multiples[u[c]], p);
}

void BaseConverter::fast_convert(const std::uint64_t* in, std::uint64_t* out, std::size_t n) const {
  const std::size_t k = from_.size();
  // y_i = x_i * (Q/q_i)^-1 mod q_i; then out_j = sum_i y_i * (Q/q_i) mod p_j.
  U64Vector y(k * n);
  for (std::size_t i = 0; i < k; ++i) {
    const std::uint64_t* x = in + i * n;
    std::uint64_t* yi = y.data() + i * n;
    const ShoupMultiplier& w = from_.inv_punctured(i);
    const std::uint64_t q = from_[i].value();
    for (std::size_t c = 0; c < n; ++c) yi[c] = mul_shoup(x[c], w, q);
  }
  if (k == 1) {
    for (std::size_t j = 0; j < to_.size(); ++j) {
      const Modulus& p = to_[j];
      const std::uint64_t m = matrix_[j];
      std::uint64_t* o = out + j * n;
      if (m == 1) {
        for (std::size_t c = 0; c < n; ++c) o[c] = p.reduce(y[c]);
      } else {
        for (std::size_t c = 0; c < n; ++c) o[c] = mul_mod(p.reduce(y[c]), m, p);
      }
    }
    return;
  }
  U128Vector acc(n);
  for (std::size_t j = 0; j < to_.size(); ++j) {
    std::fill(acc.begin(), acc.end(), 0);
    for (std::size_t i = 0; i < k; ++i) {
      const std::uint64_t m = matrix_[j * k + i];
      const std::uint64_t* yi = y.data() + i * n;
      for (std::size_t c = 0; c < n; ++c) acc[c] += static_cast<u128>(yi[c]) * m;
    }
    reduce_u128(acc.data(), out + j * n, n, to_[j]);
  }
}

}  // namespace hnn
