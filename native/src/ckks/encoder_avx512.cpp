// AVX-512 kernels of the CKKS encoder (see encoder_kernels.h). Built with -ffp-contract=off: a fused
// multiply-add rounds once where the portable path rounds twice, and the words would differ across levels.
#include <immintrin.h>

#include "encoder_kernels.h"

namespace hnn::detail {
namespace {

// One inverse butterfly on 8 lanes: (a, b) -> (a + b, (a - b) conj(w)), with conj(w) = (wr, wni) written out
// exactly as the portable complex product computes it.
inline void butterfly(__m512d& ar, __m512d& ai, __m512d& br, __m512d& bi, __m512d wr, __m512d wni) {
  const __m512d dr = _mm512_sub_pd(ar, br), di = _mm512_sub_pd(ai, bi);
  ar = _mm512_add_pd(ar, br);
  ai = _mm512_add_pd(ai, bi);
  br = _mm512_sub_pd(_mm512_mul_pd(dr, wr), _mm512_mul_pd(di, wni));
  bi = _mm512_add_pd(_mm512_mul_pd(dr, wni), _mm512_mul_pd(di, wr));
}

// Stages with half < 8 pair elements inside one vector: two consecutive vectors are split into the a and b
// halves of their butterflies by a two-source permutation, and merged back by its inverse.
struct SmallStage {
  __m512i to_a, to_b, back_lo, back_hi;
  explicit SmallStage(unsigned half) {
    alignas(64) long long a[8], b[8], lo[8], hi[8];
    for (unsigned k = 0; k < 8; ++k) {
      const unsigned block = k / half, off = k % half;
      a[k] = block * 2 * half + off;
      b[k] = block * 2 * half + half + off;
    }
    for (unsigned p = 0; p < 16; ++p) {
      const unsigned block = p / (2 * half), off = p % (2 * half);
      const long long src = off < half ? block * half + off : 8 + block * half + off - half;
      (p < 8 ? lo[p] : hi[p - 8]) = src;
    }
    to_a = _mm512_load_si512(a);
    to_b = _mm512_load_si512(b);
    back_lo = _mm512_load_si512(lo);
    back_hi = _mm512_load_si512(hi);
  }
};

void small_stage(double* re, double* im, std::size_t n, unsigned half, const double* twr, const double* twni) {
  const SmallStage s(half);
  // Lane k of an a/b vector belongs to butterfly j = k % half.
  alignas(64) double wr8[8], wn8[8];
  for (unsigned k = 0; k < 8; ++k) {
    wr8[k] = twr[k % half];
    wn8[k] = twni[k % half];
  }
  const __m512d wr = _mm512_load_pd(wr8), wni = _mm512_load_pd(wn8);
  for (std::size_t i = 0; i < n; i += 16) {
    const __m512d r0 = _mm512_loadu_pd(re + i), r1 = _mm512_loadu_pd(re + i + 8);
    const __m512d i0 = _mm512_loadu_pd(im + i), i1 = _mm512_loadu_pd(im + i + 8);
    __m512d ar = _mm512_permutex2var_pd(r0, s.to_a, r1), br = _mm512_permutex2var_pd(r0, s.to_b, r1);
    __m512d ai = _mm512_permutex2var_pd(i0, s.to_a, i1), bi = _mm512_permutex2var_pd(i0, s.to_b, i1);
    butterfly(ar, ai, br, bi, wr, wni);
    _mm512_storeu_pd(re + i, _mm512_permutex2var_pd(ar, s.back_lo, br));
    _mm512_storeu_pd(re + i + 8, _mm512_permutex2var_pd(ar, s.back_hi, br));
    _mm512_storeu_pd(im + i, _mm512_permutex2var_pd(ai, s.back_lo, bi));
    _mm512_storeu_pd(im + i + 8, _mm512_permutex2var_pd(ai, s.back_hi, bi));
  }
}

}  // namespace

void special_ifft_stages_avx512(double* re, double* im, std::size_t n, const double* tw_re, const double* tw_neg_im) {
  // Twiddles of the last stage (len = n) sit at the end: n/2 - 1 entries precede them.
  std::size_t tw_offset = n - 1;
  for (std::size_t len = n; len >= 2; len >>= 1) {
    const std::size_t half = len >> 1;
    tw_offset -= half;
    const double* twr = tw_re + tw_offset;
    const double* twni = tw_neg_im + tw_offset;
    if (half < 8) {
      small_stage(re, im, n, static_cast<unsigned>(half), twr, twni);
      continue;
    }
    for (std::size_t i = 0; i < n; i += len) {
      for (std::size_t j = 0; j < half; j += 8) {
        double* pa_r = re + i + j;
        double* pa_i = im + i + j;
        __m512d ar = _mm512_loadu_pd(pa_r), ai = _mm512_loadu_pd(pa_i);
        __m512d br = _mm512_loadu_pd(pa_r + half), bi = _mm512_loadu_pd(pa_i + half);
        butterfly(ar, ai, br, bi, _mm512_loadu_pd(twr + j), _mm512_loadu_pd(twni + j));
        _mm512_storeu_pd(pa_r, ar);
        _mm512_storeu_pd(pa_i, ai);
        _mm512_storeu_pd(pa_r + half, br);
        _mm512_storeu_pd(pa_i + half, bi);
      }
    }
  }
}

void residues_avx512(const double* x, std::size_t n, std::uint64_t q, std::uint64_t* out) {
  // k = floor(x / q) estimated in doubles: for |x| < 2^52 the estimate is off by at most one either way, so
  // r = x - k q lies in [-q, 2q) and two conditional corrections bring it into [0, q). All integer steps
  // are exact in 64-bit lanes (|k q| < 2^53 + q).
  const __m512d qinv = _mm512_set1_pd(1.0 / static_cast<double>(q));
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i zero = _mm512_setzero_si512();
  for (std::size_t c = 0; c < n; c += 8) {
    const __m512d xd = _mm512_loadu_pd(x + c);
    const __m512d kd = _mm512_roundscale_pd(_mm512_mul_pd(xd, qinv), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512i r = _mm512_sub_epi64(_mm512_cvtpd_epi64(xd), _mm512_mullo_epi64(_mm512_cvtpd_epi64(kd), qv));
    r = _mm512_mask_add_epi64(r, _mm512_cmplt_epi64_mask(r, zero), r, qv);
    r = _mm512_mask_sub_epi64(r, _mm512_cmpge_epi64_mask(r, qv), r, qv);
    _mm512_storeu_si512(out + c, r);
  }
}

}  // namespace hnn::detail
