// Galois automorphisms X -> X^g of Z_q[X]/(X^N + 1) for odd g. In the NTT domain an automorphism only
// permutes the evaluation points, so it costs one gather per limb and commutes with everything pointwise.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/ring/modulus.h"

namespace hnn {

/// Galois element of a rotation of the CKKS slots by `steps` (positive: left): 5^steps mod 2N.
std::uint64_t galois_element_for_step(long long steps, std::size_t n);
/// Galois element of complex conjugation of the slots: 2N - 1.
inline std::uint64_t galois_element_conjugate(std::size_t n) { return 2 * n - 1; }

/// Permutation for the NTT domain (bit-reversed order of ntt.h): out[j] = in[perm[j]]. It maps every aligned block
/// of 8 outputs from one aligned block of 8 inputs (checked here), which the vector path below relies on.
std::vector<std::uint32_t> ntt_automorphism_permutation(std::size_t n, std::uint64_t galois_elt);
/// perm: from ntt_automorphism_permutation (any other permutation must keep blocks of 8 together too).
void apply_ntt_automorphism(const std::uint64_t* in, const std::uint32_t* perm, std::uint64_t* out, std::size_t n);
/// Outputs [begin, begin + count) only, written to out[0, count): begin and count multiples of 8.
void apply_ntt_automorphism_range(const std::uint64_t* in, const std::uint32_t* perm, std::size_t begin,
                                  std::size_t count, std::uint64_t* out);

/// Coefficient-domain automorphism (for tests and for data outside the NTT domain).
void apply_coeff_automorphism(const std::uint64_t* in, std::uint64_t galois_elt, const Modulus& q,
                              std::uint64_t* out, std::size_t n);

}  // namespace hnn
