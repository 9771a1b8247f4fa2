// Primes for RNS-CKKS: NTT-friendly primes (q = 1 mod 2N, so Z_q holds a primitive 2N-th root of unity and the
// negacyclic NTT of length N exists) and their roots.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/ring/modulus.h"

namespace hnn {

/// Deterministic Miller-Rabin for 64-bit integers.
bool is_prime(std::uint64_t n);

/// The `count` largest primes of exactly `bits` bits with q = 1 mod 2n, skipping those in `exclude`, in
/// decreasing order. Throws InvalidParametersError if there are not enough.
std::vector<Modulus> generate_ntt_primes(int bits, std::size_t count, std::size_t n,
                                         const std::vector<Modulus>& exclude = {});

/// The smallest primitive 2n-th root of unity modulo q (a canonical choice, so tables are reproducible).
std::uint64_t minimal_primitive_root(std::size_t two_n, const Modulus& q);

}  // namespace hnn
