// Samplers for RLWE: uniform residues (from a seeded stream, so a seed can replace the polynomial), uniform
// ternary secrets, and the discrete Gaussian error of the Homomorphic Encryption Standard (sigma = 3.2,
// tail cut at 6 sigma). Small samples are produced once as signed integers and then reduced into each RNS
// limb, so every limb sees the same value.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hnn/ring/modulus.h"
#include "hnn/util/random.h"

namespace hnn {

constexpr double kNoiseStandardDeviation = 3.2;
/// Largest |e| the error sampler returns: floor(6 * sigma).
constexpr int kNoiseBound = 19;

/// n uniform residues modulo q (rejection sampling, so exactly uniform).
void sample_uniform(SeededStream& stream, const Modulus& q, std::uint64_t* out, std::size_t n);
/// n values uniform in {-1, 0, 1}.
void sample_ternary(SeededStream& stream, std::int8_t* out, std::size_t n);
/// n values from the discrete Gaussian with sigma = 3.2, |value| <= kNoiseBound (inversion of a 64-bit CDT).
void sample_gaussian(SeededStream& stream, std::int8_t* out, std::size_t n);
/// Reduces small signed values into one limb.
void small_to_limb(const std::int8_t* in, const Modulus& q, std::uint64_t* out, std::size_t n);

}  // namespace hnn
