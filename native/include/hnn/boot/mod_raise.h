// ModRaise, the first step of CKKS bootstrapping (Cheon-Han-Kim-Kim-Song 2018): a ciphertext modulo q_0 is
// read as one with centered integer coefficients and re-embedded modulo Q_L. It then decrypts to
// t = m + q_0 I, where I is a small integer polynomial (|I| grows with the secret's Hamming weight); the rest of
// bootstrapping removes q_0 I homomorphically.
#pragma once
#include <cstddef>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/context.h"

namespace hnn::boot {

/// `in` at level 0 (size 2, NTT form) -> `out` at `level`, each coefficient the centered lift of in's residue
/// modulo q_0. The scale is kept (the caller reinterprets it). Throws InvalidArgumentError if `in` is not at
/// level 0.
void mod_raise(const Context& ctx, const Ciphertext& in, std::size_t level, Ciphertext& out);

}  // namespace hnn::boot
