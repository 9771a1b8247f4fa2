// Element-wise products modulo primes below 2^50 in double-precision FMA arithmetic, for AVX-512F/DQ CPUs
// without IFMA: the two 512-bit FMA units do a 53-bit multiply per lane and cycle each, where the integer
// kernels (poly_arith_vector.h) compose a 128-bit product and a Barrett reduction from about ten 32-bit
// multiplies. Outputs are fully reduced, so they equal the other kernels' bit for bit.
//
// For residues a, b < q < 2^50 (exact as doubles; eps = 2^-53):
//   h = fl(a*b), l = fma(a, b, -h)         a*b = h + l exactly (a product of two doubles and its rounding
//                                          error; no overflow or underflow here);
//   c = round(h * fl(1/q))                 by adding and subtracting M = 1.5 * 2^52 (the fma rounds once and
//                                          doubles in [2^52, 2^53) are integers); |h*fl(1/q)| < 2^50 < 2^51;
//   r = fma(-c, q, h) + l                  h - c*q and then + l are exact: both are integers below 2^53 in
//                                          magnitude (|a*b - c*q| < q, |l| <= ulp(h)/2 <= 2^47).
// h*fl(1/q) = (a*b/q)(1 + d) with |d| <= 3 eps, and a*b/q < 2^50, so |c - a*b/q| <= 1/2 + 3/8 < 1: r is in
// (-q, q), and one conditional addition of q gives [0, q). With an addend acc < q (mul_add), r + acc is in
// (-q, 2q): one conditional addition or subtraction. Products by a scalar s < q are the same with b = s.
#include <immintrin.h>

#include "poly_arith_kernels.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace hnn::poly_kernels {
namespace {

using V = __m512d;
constexpr int kRN = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

struct Fp64Modulus {
  V q, inv, magic, zero;
  explicit Fp64Modulus(const Modulus& m)
      : q(_mm512_set1_pd(static_cast<double>(m.value()))),
        inv(_mm512_set1_pd(1.0 / static_cast<double>(m.value()))),
        magic(_mm512_set1_pd(6755399441055744.0)),
        zero(_mm512_setzero_pd()) {}
};

// a * b - c * q in (-q, q) (see above); the intrinsics with a rounding argument are never contracted.
inline V product(V a, V b, const Fp64Modulus& m) {
  const V h = _mm512_mul_round_pd(a, b, kRN);
  const V l = _mm512_fmsub_round_pd(a, b, h, kRN);
  const V c = _mm512_sub_round_pd(_mm512_fmadd_round_pd(h, m.inv, m.magic, kRN), m.magic, kRN);
  return _mm512_add_round_pd(_mm512_fnmadd_round_pd(c, m.q, h, kRN), l, kRN);
}

// x in (-q, 2q) -> [0, q).
inline V to_canonical(V x, const Fp64Modulus& m) {
  x = _mm512_mask_add_pd(x, _mm512_cmp_pd_mask(x, m.zero, _CMP_LT_OQ), x, m.q);
  return _mm512_mask_sub_pd(x, _mm512_cmp_pd_mask(x, m.q, _CMP_GE_OQ), x, m.q);
}

inline V load(const std::uint64_t* p, __mmask8 lanes) { return _mm512_cvtepu64_pd(_mm512_maskz_loadu_epi64(lanes, p)); }

// out[i..i+8) = to_integer(f(i, lanes)) over groups of 8, the last group masked to the lanes below n.
template <class F>
void for_each_group(std::uint64_t* out, std::size_t n, const Fp64Modulus& m, F f) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_si512(out + i, _mm512_cvtpd_epu64(to_canonical(f(i, __mmask8(0xff)), m)));
  if (i < n) {
    const __mmask8 lanes = static_cast<__mmask8>((1u << (n - i)) - 1);
    _mm512_mask_storeu_epi64(out + i, lanes, _mm512_cvtpd_epu64(to_canonical(f(i, lanes), m)));
  }
}

}  // namespace

void mul_fp64_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                     const Modulus& q) {
  const Fp64Modulus m(q);
  for_each_group(out, n, m, [&](std::size_t i, __mmask8 k) { return product(load(a + i, k), load(b + i, k), m); });
}

void mul_add_fp64_avx512(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c,
                         std::uint64_t* out, std::size_t n, const Modulus& q) {
  const Fp64Modulus m(q);
  for_each_group(out, n, m, [&](std::size_t i, __mmask8 k) {
    return _mm512_add_round_pd(product(load(a + i, k), load(b + i, k), m), load(c + i, k), kRN);
  });
}

void mul_scalar_fp64_avx512(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                            const Modulus& q) {
  const Fp64Modulus m(q);
  const V vs = _mm512_set1_pd(static_cast<double>(s));
  for_each_group(out, n, m, [&](std::size_t i, __mmask8 k) { return product(load(a + i, k), vs, m); });
}

// (a - b) s: the difference in (-q, q) keeps |(a - b) s| below q^2 and the analysis above holds for
// negative operands (the rounding constant works on both sides of zero).
void sub_mul_scalar_fp64_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s,
                                std::uint64_t* out, std::size_t n, const Modulus& q) {
  const Fp64Modulus m(q);
  const V vs = _mm512_set1_pd(static_cast<double>(s));
  for_each_group(out, n, m, [&](std::size_t i, __mmask8 k) {
    return product(_mm512_sub_round_pd(load(a + i, k), load(b + i, k), kRN), vs, m);
  });
}

void sub_mul_scalar_add_fp64_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s,
                                    const std::uint64_t* c, std::uint64_t* out, std::size_t n, const Modulus& q) {
  const Fp64Modulus m(q);
  const V vs = _mm512_set1_pd(static_cast<double>(s));
  for_each_group(out, n, m, [&](std::size_t i, __mmask8 k) {
    const V product_value = product(_mm512_sub_round_pd(load(a + i, k), load(b + i, k), kRN), vs, m);
    return _mm512_add_round_pd(product_value, load(c + i, k), kRN);
  });
}

void mul_scalar_add_fp64_avx512(const std::uint64_t* a, std::uint64_t s, const std::uint64_t* c, std::uint64_t* out,
                                std::size_t n, const Modulus& q) {
  const Fp64Modulus m(q);
  const V vs = _mm512_set1_pd(static_cast<double>(s));
  for_each_group(out, n, m, [&](std::size_t i, __mmask8 k) {
    return _mm512_add_round_pd(product(load(a + i, k), vs, m), load(c + i, k), kRN);
  });
}

}  // namespace hnn::poly_kernels
