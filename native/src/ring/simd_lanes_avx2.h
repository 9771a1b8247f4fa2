// Private: four 64-bit integer lanes in one AVX2 register, as the lane backend of shoup_vector.h's
// multipliers (the operations they use; AVX2 has no 64-bit multiply, so products come from vpmuludq).
// Include only from files compiled with -mavx2; anonymous namespace as in simd_lanes_avx512.h.
#pragma once
#include <immintrin.h>

#include <cstdint>

namespace hnn::simd {
namespace {

struct Avx2Lanes {
  using V = __m256i;
  static constexpr int kLanes = 4;

  static V set1(std::uint64_t x) { return _mm256_set1_epi64x(static_cast<long long>(x)); }
  static V add(V a, V b) { return _mm256_add_epi64(a, b); }
  static V sub(V a, V b) { return _mm256_sub_epi64(a, b); }
  template <int kBits>
  static V shift_right(V a) { return _mm256_srli_epi64(a, kBits); }
  template <int kBits>
  static V shift_left(V a) { return _mm256_slli_epi64(a, kBits); }
  /// Low 32 bits of each lane times low 32 bits of each lane, full 64-bit products (vpmuludq).
  static V mul_u32(V a, V b) { return _mm256_mul_epu32(a, b); }
  /// x - m where x >= m, else x, for x, m < 2^63 (a signed compare is exact there; AVX2 has no unsigned one).
  static V reduce_below(V x, V m) { return _mm256_sub_epi64(x, _mm256_andnot_si256(_mm256_cmpgt_epi64(m, x), m)); }
};

}  // namespace
}  // namespace hnn::simd
