// AVX2 kernels of the CKKS encoder (see encoder_kernels.h), for CPUs without AVX-512: the AVX-512 kernels'
// operations on 4 lanes. Built with -ffp-contract=off (as every *_avx2.cpp): the butterflies must round
// exactly like the portable path's, and the residues' fma is the one exact step written as such.
#include <immintrin.h>

#include "encoder_kernels.h"
#include "fp64_lanes_avx2.h"

namespace hnn::detail {
namespace {

using V = __m256d;

// One inverse butterfly on 4 lanes: (a, b) -> (a + b, (a - b) conj(w)), with conj(w) = (wr, wni) written out
// exactly as the portable complex product computes it.
inline void butterfly(V& ar, V& ai, V& br, V& bi, V wr, V wni) {
  const V dr = _mm256_sub_pd(ar, br), di = _mm256_sub_pd(ai, bi);
  ar = _mm256_add_pd(ar, br);
  ai = _mm256_add_pd(ai, bi);
  br = _mm256_sub_pd(_mm256_mul_pd(dr, wr), _mm256_mul_pd(di, wni));
  bi = _mm256_add_pd(_mm256_mul_pd(dr, wni), _mm256_mul_pd(di, wr));
}

// The stages with half = 2 and half = 1 pair elements inside a register: two consecutive registers are split
// into the a and b halves of their butterflies and merged back by the same shuffle (half = 2: the 128-bit
// halves; half = 1: even and odd lanes).
template <unsigned kHalf>
void small_stage(double* re, double* im, std::size_t n, const double* twr, const double* twni) {
  static_assert(kHalf == 1 || kHalf == 2, "small stages");
  const V wr = kHalf == 2 ? _mm256_setr_pd(twr[0], twr[1], twr[0], twr[1]) : _mm256_set1_pd(twr[0]);
  const V wni = kHalf == 2 ? _mm256_setr_pd(twni[0], twni[1], twni[0], twni[1]) : _mm256_set1_pd(twni[0]);
  const auto split = [](V x0, V x1, V& a, V& b) {
    if constexpr (kHalf == 2) {
      a = _mm256_permute2f128_pd(x0, x1, 0x20);
      b = _mm256_permute2f128_pd(x0, x1, 0x31);
    } else {
      a = _mm256_unpacklo_pd(x0, x1);
      b = _mm256_unpackhi_pd(x0, x1);
    }
  };
  for (std::size_t i = 0; i < n; i += 8) {
    V ar, br, ai, bi;
    split(_mm256_loadu_pd(re + i), _mm256_loadu_pd(re + i + 4), ar, br);
    split(_mm256_loadu_pd(im + i), _mm256_loadu_pd(im + i + 4), ai, bi);
    butterfly(ar, ai, br, bi, wr, wni);
    V lo, hi;
    split(ar, br, lo, hi);
    _mm256_storeu_pd(re + i, lo);
    _mm256_storeu_pd(re + i + 4, hi);
    split(ai, bi, lo, hi);
    _mm256_storeu_pd(im + i, lo);
    _mm256_storeu_pd(im + i + 4, hi);
  }
}

}  // namespace

void special_ifft_stages_avx2(double* re, double* im, std::size_t n, const double* tw_re, const double* tw_neg_im) {
  // Twiddles of the last stage (len = n) sit at the end: n/2 - 1 entries precede them.
  std::size_t tw_offset = n - 1;
  for (std::size_t len = n; len >= 2; len >>= 1) {
    const std::size_t half = len >> 1;
    tw_offset -= half;
    const double* twr = tw_re + tw_offset;
    const double* twni = tw_neg_im + tw_offset;
    if (half == 2) {
      small_stage<2>(re, im, n, twr, twni);
      continue;
    }
    if (half == 1) {
      small_stage<1>(re, im, n, twr, twni);
      continue;
    }
    for (std::size_t i = 0; i < n; i += len) {
      for (std::size_t j = 0; j < half; j += 4) {
        double* pa_r = re + i + j;
        double* pa_i = im + i + j;
        V ar = _mm256_loadu_pd(pa_r), ai = _mm256_loadu_pd(pa_i);
        V br = _mm256_loadu_pd(pa_r + half), bi = _mm256_loadu_pd(pa_i + half);
        butterfly(ar, ai, br, bi, _mm256_loadu_pd(twr + j), _mm256_loadu_pd(twni + j));
        _mm256_storeu_pd(pa_r, ar);
        _mm256_storeu_pd(pa_i, ai);
        _mm256_storeu_pd(pa_r + half, br);
        _mm256_storeu_pd(pa_i + half, bi);
      }
    }
  }
}

void residues_avx2(const double* x, std::size_t n, std::uint64_t q, std::uint64_t* out) {
  if (q >= (std::uint64_t{1} << 52)) {
    // |x| < 2^51 < q: the residue is x or q + x. x rounded to the nearest integer (ties to even) as a 64-bit
    // integer is the low mantissa of fl(1.5 * 2^52 + x) (in [2^52, 2^53), where doubles are the integers),
    // sign-extended by subtracting the constant's bits.
    const V magic = _mm256_set1_pd(6755399441055744.0), zero = _mm256_setzero_pd();
    const __m256i qv = _mm256_set1_epi64x(static_cast<long long>(q));
    for (std::size_t c = 0; c < n; c += 4) {
      const V xd = _mm256_loadu_pd(x + c);
      const __m256i xi = _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(xd, magic)), _mm256_castpd_si256(magic));
      const __m256i negative = _mm256_castpd_si256(_mm256_cmp_pd(xd, zero, _CMP_LT_OQ));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), _mm256_add_epi64(xi, _mm256_and_si256(negative, qv)));
    }
    return;
  }
  // q < 2^52, exact in a double. x is first rounded to the nearest integer (ties to even, as the integer path's
  // nearbyint). k = floor(x / q) estimated in doubles is off by at most one for |x| < 2^52, so x - k q is an
  // integer in [-q, 2q): exact in a double, and the fma that forms it rounds nothing. Two corrections bring it
  // into [0, q); the integer is then the low mantissa of 2^52 + r.
  const fp64_avx2::Fp64Consts m(q);
  for (std::size_t c = 0; c < n; c += 4) {
    const V xd = _mm256_round_pd(_mm256_loadu_pd(x + c), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const V kd = _mm256_round_pd(_mm256_mul_pd(xd, m.qinv), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    V r = fp64_avx2::make_nonnegative(_mm256_fnmadd_pd(kd, m.q, xd), m);
    r = _mm256_sub_pd(r, _mm256_and_pd(_mm256_cmp_pd(r, m.q, _CMP_GE_OQ), m.q));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), fp64_avx2::to_integer(r, m));
  }
}

}  // namespace hnn::detail
