// Private: vector kernels of the CKKS encoder (encoder_avx512.cpp, encoder_avx2.cpp). They repeat the portable
// path's floating-point operations one for one (same operands, same order, no fused multiply-adds), so every SIMD
// level encodes to the same words.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hnn::detail {

/// The inverse special FFT's butterfly stages on split real / imaginary arrays of n = N/2 entries (stages
/// len = n, n/2, ..., 2). tw_re / tw_neg_im hold, stage after stage in the order the stages run, Re(w) and
/// -Im(w) of the forward twiddles w (the inverse multiplies by conj(w)).
void special_ifft_stages_avx512(double* re, double* im, std::size_t n, const double* tw_re, const double* tw_neg_im);

/// out[c] = x[c] mod q for n integer-valued doubles |x[c]| < 2^52 (n a multiple of 8).
void residues_avx512(const double* x, std::size_t n, std::uint64_t q, std::uint64_t* out);

/// The same on 4 lanes for AVX2 CPUs (encoder_avx2.cpp): n = N/2 a multiple of 8; residues for n a multiple
/// of 4.
void special_ifft_stages_avx2(double* re, double* im, std::size_t n, const double* tw_re, const double* tw_neg_im);
void residues_avx2(const double* x, std::size_t n, std::uint64_t q, std::uint64_t* out);

}  // namespace hnn::detail
