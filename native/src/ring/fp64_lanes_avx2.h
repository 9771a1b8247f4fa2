// Private: double-precision modular arithmetic on 4 AVX2 lanes, shared by the AVX2 kernels
// (ntt_fp64_avx2.cpp, poly_arith_fp64_avx2.cpp, ../ckks/encoder_avx2.cpp). Integers below 2^52 are held exactly
// in doubles; AVX2 has no 64-bit integer conversions, so they go through the mantissa of 2^52 + x. The error
// analysis of product() and reduce() is in poly_arith_fp64_avx512.cpp and ntt_fp64_avx512.cpp. Include only
// from files compiled with -mavx2 -mfma -ffp-contract=off; everything is in an anonymous namespace, as in
// simd_lanes_avx512.h.
#pragma once
#include <immintrin.h>

#include <cstdint>

#ifndef HNN_AVX2_INLINE
#define HNN_AVX2_INLINE inline __attribute__((always_inline))
#endif

namespace hnn::fp64_avx2 {
namespace {

using V = __m256d;

/// A modulus q < 2^52 and the constants of its arithmetic, broadcast to the lanes.
struct Fp64Consts {
  V q, qinv, magic, zero, two52;
  explicit Fp64Consts(std::uint64_t qv)
      : q(_mm256_set1_pd(static_cast<double>(qv))),
        qinv(_mm256_set1_pd(1.0 / static_cast<double>(qv))),
        magic(_mm256_set1_pd(6755399441055744.0)),  // 1.5 * 2^52: fma(x, y, magic) - magic rounds x*y to an integer
        zero(_mm256_setzero_pd()),
        two52(_mm256_set1_pd(4503599627370496.0)) {}  // 2^52: the low mantissa bits of 2^52 + x are x
};

/// 64-bit integers below 2^52 as doubles, exactly.
HNN_AVX2_INLINE V to_double(__m256i x, const Fp64Consts& c) {
  return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(x, _mm256_castpd_si256(c.two52))), c.two52);
}
/// Integral doubles in [0, 2^52) as 64-bit integers.
HNN_AVX2_INLINE __m256i to_integer(V x, const Fp64Consts& c) {
  return _mm256_xor_si256(_mm256_castpd_si256(_mm256_add_pd(x, c.two52)), _mm256_castpd_si256(c.two52));
}
/// a * b - k * q in (-q, q), exactly, for integers |a|, |b| < q < 2^50 (k: the rounded quotient).
HNN_AVX2_INLINE V product(V a, V b, const Fp64Consts& c) {
  const V h = _mm256_mul_pd(a, b);
  const V l = _mm256_fmsub_pd(a, b, h);
  const V k = _mm256_sub_pd(_mm256_fmadd_pd(h, c.qinv, c.magic), c.magic);
  return _mm256_add_pd(_mm256_fnmadd_pd(k, c.q, h), l);
}
/// |x| < 2^52 -> x - round(x / q) q in [-q/2 - 1, q/2 + 1].
HNN_AVX2_INLINE V reduce(V x, const Fp64Consts& c) {
  const V k = _mm256_sub_pd(_mm256_fmadd_pd(x, c.qinv, c.magic), c.magic);
  return _mm256_fnmadd_pd(k, c.q, x);
}
/// |x| < q -> [0, q).
HNN_AVX2_INLINE V make_nonnegative(V x, const Fp64Consts& c) {
  return _mm256_add_pd(x, _mm256_and_pd(_mm256_cmp_pd(x, c.zero, _CMP_LT_OQ), c.q));
}

}  // namespace
}  // namespace hnn::fp64_avx2
