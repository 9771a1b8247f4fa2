// Private: the pass structure shared by the AVX2 NTT kernels (ntt_fp64_avx2.cpp for primes below 2^50,
// ntt_avx2.cpp for the larger ones): one radix-2 pass per stage over 4-lane registers, the stages of span 2
// and 1 by in-register shuffles. Lanes are 64-bit words held in __m256d registers: doubles, or integers' bit
// patterns (the casts between the two are free). Include only from files compiled with -mavx2 -mfma; like
// simd_lanes_avx512.h, everything is in an anonymous namespace so that no other translation unit's copy is
// ever linked in its place.
#pragma once
#include <immintrin.h>

#include <cstddef>

#ifndef HNN_AVX2_INLINE
#define HNN_AVX2_INLINE inline __attribute__((always_inline))
#endif

namespace hnn::ntt_kernels::avx2 {
namespace {

using Lanes = __m256d;

/// A stage's twiddles for the butterflies in the lanes of x and y: the root and its quotient, in the
/// tables' word format (doubles for the FP64 kernel, integers for the integer one).
struct StageTwiddles {
  Lanes w, wq;
};

// Twiddles of the shuffled stages, in the lane order of the shuffled registers.
HNN_AVX2_INLINE Lanes twiddle_pairs(const double* w) {  // [w0 w0 w1 w1]
  return _mm256_permute4x64_pd(_mm256_castpd128_pd256(_mm_loadu_pd(w)), 0x50);
}
HNN_AVX2_INLINE Lanes twiddle_interleaved(const double* w) {  // [w0 w2 w1 w3]
  return _mm256_permute4x64_pd(_mm256_loadu_pd(w), 0xD8);
}

/// One stage of m butterfly groups (gap = n / 2m words apart; n >= 8), in place: the groups' x and y lanes
/// go through body(x, y, twiddles) with twiddles w[m + i], wq[m + i] of group i. load(i) reads the 4 words
/// from i, store(i, v) writes them: the kernels convert, lift or reduce there.
template <class Load, class Store, class Body>
HNN_AVX2_INLINE void stage(std::size_t n, std::size_t m, const double* w, const double* wq, Load load, Store store,
                           Body body) {
  const std::size_t gap = n / (2 * m);
  if (gap >= 4) {
    for (std::size_t i = 0; i < m; ++i) {
      const StageTwiddles t{_mm256_broadcast_sd(w + m + i), _mm256_broadcast_sd(wq + m + i)};
      const std::size_t x0 = 2 * i * gap;
      for (std::size_t j = x0; j < x0 + gap; j += 4) {
        Lanes x = load(j), y = load(j + gap);
        body(x, y, t);
        store(j, x);
        store(j + gap, y);
      }
    }
  } else if (gap == 2) {
    // Groups [x0 x1 y0 y1]: two groups a register pair, x halves and y halves swapped across.
    for (std::size_t i = 0; i < m; i += 2) {
      const StageTwiddles t{twiddle_pairs(w + m + i), twiddle_pairs(wq + m + i)};
      const Lanes lo = load(4 * i), hi = load(4 * i + 4);
      Lanes x = _mm256_permute2f128_pd(lo, hi, 0x20), y = _mm256_permute2f128_pd(lo, hi, 0x31);
      body(x, y, t);
      store(4 * i, _mm256_permute2f128_pd(x, y, 0x20));
      store(4 * i + 4, _mm256_permute2f128_pd(x, y, 0x31));
    }
  } else {
    // Groups [x y]: four groups a register pair; unpacking puts them in lanes 0, 2, 1, 3.
    for (std::size_t i = 0; i < m; i += 4) {
      const StageTwiddles t{twiddle_interleaved(w + m + i), twiddle_interleaved(wq + m + i)};
      const Lanes lo = load(2 * i), hi = load(2 * i + 4);
      Lanes x = _mm256_unpacklo_pd(lo, hi), y = _mm256_unpackhi_pd(lo, hi);
      body(x, y, t);
      store(2 * i, _mm256_unpacklo_pd(x, y));
      store(2 * i + 4, _mm256_unpackhi_pd(x, y));
    }
  }
}

}  // namespace
}  // namespace hnn::ntt_kernels::avx2
