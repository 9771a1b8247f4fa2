// The element-wise limb kernels for AVX-512F/DQ. Compiled with the AVX-512 flags; called only after run-time
// detection (poly_arith.cpp).
#include <immintrin.h>

#include "poly_arith_kernels.h"
#include "poly_arith_vector.h"
#include "simd_lanes_avx512.h"

namespace hnn::poly_kernels {

using Kernels = simd::VectorPolyArith<simd::Avx512Lanes>;

void add_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                const Modulus& q) {
  Kernels::add(a, b, out, n, q);
}
void sub_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                const Modulus& q) {
  Kernels::sub(a, b, out, n, q);
}
void negate_avx512(const std::uint64_t* a, std::uint64_t* out, std::size_t n, const Modulus& q) {
  Kernels::negate(a, out, n, q);
}
void mul_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                const Modulus& q) {
  Kernels::mul(a, b, out, n, q);
}
void mul_add_avx512(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c, std::uint64_t* out,
                    std::size_t n, const Modulus& q) {
  Kernels::mul_add(a, b, c, out, n, q);
}
void mul_scalar_avx512(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                       const Modulus& q) {
  Kernels::mul_scalar(a, s, out, n, q);
}
void add_scalar_avx512(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                       const Modulus& q) {
  Kernels::add_scalar(a, s, out, n, q);
}
void sub_mul_scalar_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                           std::size_t n, const Modulus& q) {
  Kernels::sub_mul_scalar(a, b, s, out, n, q);
}

void mul_accumulate_u128_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* acc_words,
                                std::size_t n) {
  Kernels::mul_accumulate_u128(a, b, acc_words, n);
}
void reduce_u128_avx512(const std::uint64_t* acc_words, std::uint64_t* out, std::size_t n, const Modulus& q) {
  Kernels::reduce_u128(acc_words, out, n, q);
}
void permute_blocks_avx512(const std::uint64_t* in, const std::uint32_t* perm, std::uint64_t* out, std::size_t n) {
  for (std::size_t j = 0; j < n; j += 8) {
    // The eight source indices share their block; vpermq reads only their low three bits (the lane).
    const __m512i lanes = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(perm + j)));
    const __m512i block = _mm512_loadu_si512(in + (perm[j] & ~std::uint32_t{7}));
    _mm512_storeu_si512(out + j, _mm512_permutexvar_epi64(lanes, block));
  }
}
void dot_product_pair_avx512(const std::uint64_t* const* a, const std::uint64_t* const* b0,
                             const std::uint64_t* const* b1, std::size_t count, std::uint64_t* out0,
                             std::uint64_t* out1, std::size_t n, const Modulus& q) {
  Kernels::dot_product_pair(a, b0, b1, count, out0, out1, n, q);
}
void dot_product_pair_narrow_avx512(const std::uint64_t* const* a, const std::uint32_t* const* b0,
                                    const std::uint32_t* const* b1, std::size_t count, std::uint64_t* out0,
                                    std::uint64_t* out1, std::size_t n, const Modulus& q) {
  Kernels::dot_product_pair(a, b0, b1, count, out0, out1, n, q);
}
void base_convert_avx512(const std::uint64_t* terms, std::size_t k, const std::uint64_t* q, const std::uint64_t* m,
                         bool centered, int term_bits, bool sums_fit_u64, std::uint64_t* out, std::size_t n,
                         const Modulus& p) {
  Kernels::base_convert(terms, k, q, m, centered, term_bits, sums_fit_u64, out, n, p);
}
// Summed in the order i = 0, 1, ... with one rounding per product and per sum, as the portable loop in rns.cpp
// (the explicit-rounding intrinsics are never contracted into fused multiply-adds), so the counts agree bit for
// bit; the truncation is the floor of a non-negative sum.
void overflow_count_avx512(const std::uint64_t* terms, std::size_t k, const double* inv, std::uint64_t* u,
                           std::size_t n) {
  constexpr int kRN = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
  const auto count = [&](std::size_t at, int rest) {
    const auto mask = static_cast<__mmask8>((1u << rest) - 1);
    __m512d sum = _mm512_setzero_pd();
    for (std::size_t i = 0; i < k; ++i) {
      const std::uint64_t* y = terms + i * n + at;
      const __m512i v = rest == 8 ? _mm512_loadu_si512(y) : _mm512_maskz_loadu_epi64(mask, y);
      sum = _mm512_add_round_pd(sum, _mm512_mul_round_pd(_mm512_cvtepu64_pd(v), _mm512_set1_pd(inv[i]), kRN), kRN);
    }
    const __m512i r = _mm512_cvtt_roundpd_epu64(sum, _MM_FROUND_NO_EXC);
    if (rest == 8) _mm512_storeu_si512(u + at, r);
    else _mm512_mask_storeu_epi64(u + at, mask, r);
  };
  std::size_t c = 0;
  for (; c + 8 <= n; c += 8) count(c, 8);
  if (c < n) count(c, static_cast<int>(n - c));
}
void to_signed_avx512(const std::uint64_t* a, std::uint64_t* out, std::size_t n, std::uint64_t q) {
  Kernels::to_signed(a, out, n, q);
}
void base_convert_signed_avx512(const std::uint64_t* terms, std::size_t k, const std::uint64_t* m,
                                std::uint64_t offset, std::uint64_t* out, std::size_t n, const Modulus& p) {
  Kernels::base_convert_signed(terms, k, m, offset, out, n, p);
}
void centered_lift_avx512(const std::uint64_t* in, std::uint64_t from, const Modulus& p, std::uint64_t* out,
                          std::size_t n) {
  Kernels::centered_lift(in, from, p, out, n);
}

}  // namespace hnn::poly_kernels
