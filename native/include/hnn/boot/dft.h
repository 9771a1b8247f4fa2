// The special FFT of CKKS encoding (slots z = V u, V[k][j] = zeta^(5^k j), zeta a primitive 4n-th root for n
// slots) as a product of radix-2 butterfly stages, each a matrix with three diagonals (0, +h, -h). Grouping
// consecutive stages into one matrix trades depth for diagonals: log2(n) stages in `levels` groups cost one
// level per group and about 2^(stages per group + 1) diagonals each (Chen-Chillotti-Song 2019; Han-Ki 2020).
//
// The bit-reversal permutation that the FFT needs is left out of both directions: CoeffsToSlots produces the
// coefficients in bit-reversed slot order, the slot-wise EvalMod does not care, and SlotsToCoeffs consumes them
// in that order.
#pragma once
#include <complex>
#include <cstddef>
#include <vector>

#include "hnn/boot/linear_transform.h"

namespace hnn::boot {

/// Factors of scale * brv(V^-1) in the order they are applied (the first factor first), `levels` of them
/// (clamped to [1, log2 n]). n = period, a power of two >= 2.
std::vector<Diagonals> coeffs_to_slots_factors(std::size_t n, std::size_t levels, std::complex<double> scale);
/// Factors of scale * V brv in the order they are applied.
std::vector<Diagonals> slots_to_coeffs_factors(std::size_t n, std::size_t levels, std::complex<double> scale);

/// Reference (double precision, O(n^2)): z = V u.
std::vector<std::complex<double>> special_dft(const std::vector<std::complex<double>>& u);
/// Applies diagonal-form factors to a vector in plain arithmetic (the first factor first).
std::vector<std::complex<double>> apply_factors(const std::vector<Diagonals>& factors,
                                                std::vector<std::complex<double>> v);

}  // namespace hnn::boot
