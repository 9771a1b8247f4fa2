// Private: eight 64-bit lanes in one AVX-512 register, as the lane backend of the vector kernels
// (ntt_vector.h, poly_arith_vector.h). Include only from files compiled with the AVX-512 flags
// (*_avx512.cpp, *_ifma.cpp).
//
// Everything here lives in an anonymous namespace on purpose: the same inline code is compiled in several
// translation units with different ISA flags, and a shared (COMDAT) definition would let the linker keep
// the copy built with IFMA enabled and call it on a CPU without IFMA.
#pragma once
#include <immintrin.h>

#include <cstdint>

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_epi32() (an intentionally uninitialised register),
// which -W(maybe-)uninitialized reports at every inlined use. The files including this header are kernels only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace hnn::simd {
namespace {

struct Avx512Lanes {
  using V = __m512i;
  static constexpr int kLanes = 8;

  static V zero() { return _mm512_setzero_si512(); }
  static V set1(std::uint64_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }
  static V load(const std::uint64_t* p) { return _mm512_loadu_si512(p); }
  /// Lanes p[0], p[1], p[0], p[1], ... (a load-port broadcast, no shuffle uop).
  static V load_broadcast2(const std::uint64_t* p) {
    return _mm512_broadcast_i64x2(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  /// Lanes p[0..3], p[0..3].
  static V load_broadcast4(const std::uint64_t* p) {
    return _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static void store(std::uint64_t* p, V x) { _mm512_storeu_si512(p, x); }
  /// A hint to bring the cache line of p into L1 (no fault for any address).
  static void prefetch(const std::uint64_t* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0); }
  static void prefetch(const std::uint32_t* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0); }
  /// Eight 32-bit words widened into the lanes (vpmovzxdq from memory).
  static V load(const std::uint32_t* p) {
    return _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static V load_partial(const std::uint32_t* p, int count) {
    return _mm512_cvtepu32_epi64(_mm256_maskz_loadu_epi32(static_cast<__mmask8>((1u << count) - 1), p));
  }
  /// The first `count` (< 8) lanes only: loop tails of the element-wise kernels.
  static V load_partial(const std::uint64_t* p, int count) {
    return _mm512_maskz_loadu_epi64(static_cast<__mmask8>((1u << count) - 1), p);
  }
  static void store_partial(std::uint64_t* p, V x, int count) {
    _mm512_mask_storeu_epi64(p, static_cast<__mmask8>((1u << count) - 1), x);
  }

  static V add(V a, V b) { return _mm512_add_epi64(a, b); }
  static V sub(V a, V b) { return _mm512_sub_epi64(a, b); }
  static V bit_and(V a, V b) { return _mm512_and_si512(a, b); }
  static V min(V a, V b) { return _mm512_min_epu64(a, b); }
  template <int kBits>
  static V shift_right(V a) { return _mm512_srli_epi64(a, kBits); }
  template <int kBits>
  static V shift_left(V a) { return _mm512_slli_epi64(a, kBits); }
  /// Shifts by a count known only at run time (vpsrlq / vpsllq with the count in a register).
  static V shift_right(V a, int bits) { return _mm512_srl_epi64(a, _mm_cvtsi32_si128(bits)); }
  static V shift_left(V a, int bits) { return _mm512_sll_epi64(a, _mm_cvtsi32_si128(bits)); }
  static V bit_or(V a, V b) { return _mm512_or_si512(a, b); }
  /// 1 in the lanes where sum < addend (the carry out of sum = x + addend), else 0.
  static V carry(V sum, V addend) {
    return _mm512_maskz_set1_epi64(_mm512_cmplt_epu64_mask(sum, addend), 1);
  }
  /// x - m if x >= m, else x (for m < 2^63): the wrapped difference is larger than x exactly when x < m,
  /// so one subtraction and one unsigned minimum replace a compare and a blend.
  static V reduce_below(V x, V m) { return _mm512_min_epu64(x, _mm512_sub_epi64(x, m)); }
  /// base + addend in the lanes where x > threshold (unsigned), base elsewhere.
  static V add_where_greater(V base, V x, V threshold, V addend) {
    return _mm512_mask_add_epi64(base, _mm512_cmpgt_epu64_mask(x, threshold), base, addend);
  }
  /// x == 0 ? 0 : m - x, lane-wise.
  static V negate_nonzero(V x, V m) {
    return _mm512_maskz_sub_epi64(_mm512_test_epi64_mask(x, x), m, x);
  }

  /// Low 32 bits of each lane times low 32 bits of each lane, full 64-bit products (vpmuludq).
  static V mul_u32(V a, V b) { return _mm512_mul_epu32(a, b); }
  /// Low 32 bits of each lane as signed integers times the same of the other, full 64-bit products (vpmuldq).
  static V mul_i32(V a, V b) { return _mm512_mul_epi32(a, b); }
  /// Low 64 bits of the lane-wise 64x64 product (vpmullq, AVX-512DQ).
  static V mul_lo64(V a, V b) { return _mm512_mullo_epi64(a, b); }

  // Perfect shuffles of two registers a = [a0..a7], b = [b0..b7] (the radix-2 stages with butterfly span
  // 4, 2, 1 are done in registers with them; see ntt_vector.h).
  /// [a0 b0 a1 b1 a2 b2 a3 b3]
  static V interleave_low(V a, V b) {
    return _mm512_permutex2var_epi64(a, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), b);
  }
  /// [a4 b4 a5 b5 a6 b6 a7 b7]
  static V interleave_high(V a, V b) {
    return _mm512_permutex2var_epi64(a, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), b);
  }
  /// [a0 a2 a4 a6 b0 b2 b4 b6]
  static V deinterleave_even(V a, V b) {
    return _mm512_permutex2var_epi64(a, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), b);
  }
  /// [a1 a3 a5 a7 b1 b3 b5 b7]
  static V deinterleave_odd(V a, V b) {
    return _mm512_permutex2var_epi64(a, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), b);
  }
};

#if defined(__AVX512IFMA__)
/// Adds the IFMA52 multiply-accumulate instructions (vpmadd52luq / vpmadd52huq).
struct Avx512IfmaLanes : Avx512Lanes {
  /// acc + low 52 bits of (a mod 2^52) * (b mod 2^52), lane-wise (64-bit wrap-around addition).
  static V madd52lo(V acc, V a, V b) { return _mm512_madd52lo_epu64(acc, a, b); }
  /// acc + high 52 bits of the 104-bit product (a mod 2^52) * (b mod 2^52).
  static V madd52hi(V acc, V a, V b) { return _mm512_madd52hi_epu64(acc, a, b); }
};
#endif

}  // namespace
}  // namespace hnn::simd
