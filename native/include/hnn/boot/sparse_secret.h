// Sparse ternary secrets: exactly h coefficients in {-1, 1}, at uniformly random positions with uniform signs.
// Bootstrapping's ModRaise leaves t = m + q_0 I with |I| about sqrt(h / 12) standard deviations, so a sparse
// secret keeps EvalMod's interval [-K, K] small. A sparse secret over the whole modulus is not covered by the
// HE Standard's table; sparse_secret_encapsulation.h uses one only at a small modulus.
#pragma once
#include <cstddef>

#include "hnn/rlwe/context.h"
#include "hnn/rlwe/keys.h"

namespace hnn::boot {

/// A fresh sparse ternary secret of Hamming weight h over all primes of `ctx` (NTT form), from OpenSSL's CSPRNG.
void create_sparse_secret_key(const Context& ctx, std::size_t hamming_weight, SecretKey& out);

/// Re-expresses `sk` (a ternary secret of `from`) over the primes of `to` (same N). For moving one secret
/// between a large and a small modulus.
void convert_secret_key(const Context& from, const SecretKey& sk, const Context& to, SecretKey& out);

}  // namespace hnn::boot
