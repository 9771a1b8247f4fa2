// Element-wise products modulo primes below 2^50 in double-precision FMA arithmetic on 4 lanes, for CPUs with
// AVX2 and FMA but no AVX-512, and the key-switching inner product on them. The arithmetic and its error
// analysis are those of poly_arith_fp64_avx512.cpp: for residues a, b < q < 2^50, product() returns
// a*b - c*q in (-q, q) exactly. Outputs are fully reduced, so they equal every other kernel's bit for bit.
// The element-wise kernels finish lengths that are not a multiple of 4 with the portable formulas; the inner
// product pads its last group with zeros. Compiled with -ffp-contract=off.
//
// The inner product sums reduced products in doubles: |sum| stays below 2^52 (the bound of reduce()) when the
// accumulator is brought back to [-q/2 - 1, q/2 + 1] every k terms with 0.51q + k q < 2^52, i.e. k =
// floor(2^52 / q) - 1: every 3 terms for a 50-bit prime, every 4095 for a 40-bit one (in practice never).
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "fp64_lanes_avx2.h"
#include "hnn/ring/poly_arith.h"
#include "poly_arith_kernels.h"

namespace hnn::poly_kernels {
namespace {

using fp64_avx2::product;
using fp64_avx2::reduce;
using fp64_avx2::to_double;
using V = fp64_avx2::V;
using Fp64Modulus = fp64_avx2::Fp64Consts;

HNN_AVX2_INLINE V load(const std::uint64_t* p, const Fp64Modulus& m) {
  return to_double(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), m);
}
HNN_AVX2_INLINE V load(const std::uint32_t* p, const Fp64Modulus& m) {
  return to_double(_mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), m);
}
// x in [0, q), integral.
HNN_AVX2_INLINE void store(std::uint64_t* p, V x, const Fp64Modulus& m) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), fp64_avx2::to_integer(x, m));
}
// x in (-q, 2q) -> [0, q).
HNN_AVX2_INLINE V to_canonical(V x, const Fp64Modulus& m) {
  x = fp64_avx2::make_nonnegative(x, m);
  return _mm256_sub_pd(x, _mm256_and_pd(_mm256_cmp_pd(x, m.q, _CMP_GE_OQ), m.q));
}

// out[i] = vector(i) for the groups of 4, scalar(i) for the rest.
template <class Vector, class Scalar>
HNN_AVX2_INLINE void for_each(std::uint64_t* out, std::size_t n, const Fp64Modulus& m, Vector vector, Scalar scalar) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) store(out + i, to_canonical(vector(i), m), m);
  for (; i < n; ++i) out[i] = scalar(i);
}

// Coefficients [c, c + 4) of both sums.
template <class KeyWord>
HNN_AVX2_INLINE void dot_product_pair_4(const std::uint64_t* const* a, const KeyWord* const* b0,
                                        const KeyWord* const* b1, std::size_t count, std::size_t c,
                                        std::uint64_t* out0, std::uint64_t* out1, std::size_t terms_per_reduce,
                                        const Fp64Modulus& m) {
  V s0 = m.zero, s1 = m.zero;
  for (std::size_t j = 0, unreduced = 0; j < count; ++j) {
    const V x = load(a[j] + c, m);
    s0 = _mm256_add_pd(s0, product(x, load(b0[j] + c, m), m));
    s1 = _mm256_add_pd(s1, product(x, load(b1[j] + c, m), m));
    if (++unreduced == terms_per_reduce) s0 = reduce(s0, m), s1 = reduce(s1, m), unreduced = 0;
  }
  store(out0 + c, to_canonical(reduce(s0, m), m), m);
  store(out1 + c, to_canonical(reduce(s1, m), m), m);
}

template <class KeyWord>
void dot_product_pair_impl(const std::uint64_t* const* a, const KeyWord* const* b0, const KeyWord* const* b1,
                           std::size_t count, std::uint64_t* out0, std::uint64_t* out1, std::size_t n,
                           const Modulus& q) {
  const Fp64Modulus m(q.value());
  const std::size_t terms_per_reduce = static_cast<std::size_t>(0x1p52 / static_cast<double>(q.value())) - 1;
  std::size_t c = 0;
  for (; c + 4 <= n; c += 4) dot_product_pair_4(a, b0, b1, count, c, out0, out1, terms_per_reduce, m);
  const std::size_t rest = n - c;
  if (rest == 0) return;
  // The last rest < 4 coefficients of every stream, zero-padded to a group of 4 (zeros add nothing).
  std::vector<std::uint64_t> pad_a(4 * count, 0);
  std::vector<KeyWord> pad_b(8 * count, 0);
  std::vector<const std::uint64_t*> pa(count);
  std::vector<const KeyWord*> pb0(count), pb1(count);
  for (std::size_t j = 0; j < count; ++j) {
    std::copy(a[j] + c, a[j] + n, pad_a.begin() + 4 * j);
    std::copy(b0[j] + c, b0[j] + n, pad_b.begin() + 8 * j);
    std::copy(b1[j] + c, b1[j] + n, pad_b.begin() + 8 * j + 4);
    pa[j] = pad_a.data() + 4 * j;
    pb0[j] = pad_b.data() + 8 * j;
    pb1[j] = pad_b.data() + 8 * j + 4;
  }
  std::uint64_t r0[4], r1[4];
  dot_product_pair_4(pa.data(), pb0.data(), pb1.data(), count, 0, r0, r1, terms_per_reduce, m);
  std::copy(r0, r0 + rest, out0 + c);
  std::copy(r1, r1 + rest, out1 + c);
}

}  // namespace

void mul_fp64_avx2(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                   const Modulus& q) {
  const Fp64Modulus m(q.value());
  for_each(
      out, n, m, [&](std::size_t i) { return product(load(a + i, m), load(b + i, m), m); },
      [&](std::size_t i) { return mul_mod(a[i], b[i], q); });
}

void mul_add_fp64_avx2(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c, std::uint64_t* out,
                       std::size_t n, const Modulus& q) {
  const Fp64Modulus m(q.value());
  for_each(
      out, n, m,
      [&](std::size_t i) { return _mm256_add_pd(product(load(a + i, m), load(b + i, m), m), load(c + i, m)); },
      [&](std::size_t i) { return add_mod(mul_mod(a[i], b[i], q), c[i], q); });
}

void mul_scalar_fp64_avx2(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                          const Modulus& q) {
  const Fp64Modulus m(q.value());
  const V vs = _mm256_set1_pd(static_cast<double>(s));
  for_each(
      out, n, m, [&](std::size_t i) { return product(load(a + i, m), vs, m); },
      [&](std::size_t i) { return mul_mod(a[i], s, q); });
}

// (a - b) s: the difference in (-q, q) keeps |(a - b) s| below q^2; the rounding works on both sides of zero.
void sub_mul_scalar_fp64_avx2(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                              std::size_t n, const Modulus& q) {
  const Fp64Modulus m(q.value());
  const V vs = _mm256_set1_pd(static_cast<double>(s));
  for_each(
      out, n, m, [&](std::size_t i) { return product(_mm256_sub_pd(load(a + i, m), load(b + i, m)), vs, m); },
      [&](std::size_t i) { return mul_mod(sub_mod(a[i], b[i], q), s, q); });
}

void sub_mul_scalar_add_fp64_avx2(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s,
                                  const std::uint64_t* c, std::uint64_t* out, std::size_t n, const Modulus& q) {
  const Fp64Modulus m(q.value());
  const V vs = _mm256_set1_pd(static_cast<double>(s));
  for_each(
      out, n, m,
      [&](std::size_t i) {
        return _mm256_add_pd(product(_mm256_sub_pd(load(a + i, m), load(b + i, m)), vs, m), load(c + i, m));
      },
      [&](std::size_t i) { return add_mod(mul_mod(sub_mod(a[i], b[i], q), s, q), c[i], q); });
}

void mul_scalar_add_fp64_avx2(const std::uint64_t* a, std::uint64_t s, const std::uint64_t* c, std::uint64_t* out,
                              std::size_t n, const Modulus& q) {
  const Fp64Modulus m(q.value());
  const V vs = _mm256_set1_pd(static_cast<double>(s));
  for_each(
      out, n, m, [&](std::size_t i) { return _mm256_add_pd(product(load(a + i, m), vs, m), load(c + i, m)); },
      [&](std::size_t i) { return add_mod(mul_mod(a[i], s, q), c[i], q); });
}

// x in [0, from) centered (x - from where x > from/2) modulo p < 2^50, from < 2^60. x = h 2^20 + l with h < 2^40
// and l < 2^20: h (2^20 mod p) is a product of two operands below 2^50, so product() gives it in (-p, p) exactly;
// with l and the centering term -from mod p (< p, in the lanes that need it) the sum is in (-p, 2p + 2^20),
// below 2^52, and reduce() and one conditional addition bring it into [0, p). Any from, small or large against
// p, takes the same steps.
void centered_lift_fp64_avx2(const std::uint64_t* in, std::uint64_t from, const Modulus& p, std::uint64_t* out,
                             std::size_t n) {
  const Fp64Modulus m(p.value());
  const std::uint64_t from_mod_p = p.reduce(from);
  const V minus_from = _mm256_set1_pd(static_cast<double>(from_mod_p == 0 ? 0 : p.value() - from_mod_p));
  const V two20_mod_p = _mm256_set1_pd(static_cast<double>(p.reduce(std::uint64_t{1} << 20)));
  const __m256i half = _mm256_set1_epi64x(static_cast<long long>(from >> 1));
  const __m256i low_mask = _mm256_set1_epi64x((1 << 20) - 1);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
    const V negative = _mm256_castsi256_pd(_mm256_cmpgt_epi64(x, half));  // x < 2^60: a signed compare is exact
    const V high = to_double(_mm256_srli_epi64(x, 20), m), low = to_double(_mm256_and_si256(x, low_mask), m);
    V r = _mm256_add_pd(product(high, two20_mod_p, m), low);
    r = _mm256_add_pd(r, _mm256_and_pd(negative, minus_from));
    r = reduce(r, m);
    store(out + i, fp64_avx2::make_nonnegative(r, m), m);
  }
  for (; i < n; ++i) out[i] = from_signed(in[i] > from / 2 ? -static_cast<std::int64_t>(from - in[i])
                                                             : static_cast<std::int64_t>(in[i]), p);
}

void dot_product_pair_fp64_avx2(const std::uint64_t* const* a, const std::uint64_t* const* b0,
                                const std::uint64_t* const* b1, std::size_t count, std::uint64_t* out0,
                                std::uint64_t* out1, std::size_t n, const Modulus& q) {
  dot_product_pair_impl(a, b0, b1, count, out0, out1, n, q);
}

void dot_product_pair_narrow_fp64_avx2(const std::uint64_t* const* a, const std::uint32_t* const* b0,
                                       const std::uint32_t* const* b1, std::size_t count, std::uint64_t* out0,
                                       std::uint64_t* out1, std::size_t n, const Modulus& q) {
  dot_product_pair_impl(a, b0, b1, count, out0, out1, n, q);
}

}  // namespace hnn::poly_kernels
