// Element-wise arithmetic on one RNS limb (n residues modulo one prime). These loops are where CKKS spends
// the time the NTT does not take; each has a portable body and, where it pays, an AVX-512 one chosen at run
// time. All variants give bit-identical results. Inputs are in [0, q) and so are outputs; `out` may alias
// an input.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hnn/ring/modulus.h"

namespace hnn {

void add_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q);
void sub_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q);
void negate_mod(const std::uint64_t* a, std::uint64_t* out, std::size_t n, const Modulus& q);
/// out = a * b (pointwise).
void mul_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q);
/// out += a * b (pointwise).
void mul_add_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                 const Modulus& q);
/// out = a * b + c (pointwise) in one pass; c may be out.
void mul_add_mod(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c, std::uint64_t* out,
                 std::size_t n, const Modulus& q);
/// out = a * s for a scalar s < q.
void mul_scalar_mod(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q);
/// out = a + s for a scalar s < q.
void add_scalar_mod(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q);
/// out = (a - b) * s, the step of rescaling and of key-switching's mod-down.
void sub_mul_scalar_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                        std::size_t n, const Modulus& q);
/// out = c + (a - b) * s in one pass where the kernel has it (c may be out): the mod-down adding its result to
/// a ciphertext.
void sub_mul_scalar_add_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, const std::uint64_t* c,
                            std::uint64_t* out, std::size_t n, const Modulus& q);
/// out = a * s + c in one pass where the kernel has it (c may be out).
void mul_scalar_add_mod(const std::uint64_t* a, std::uint64_t s, const std::uint64_t* c, std::uint64_t* out,
                        std::size_t n, const Modulus& q);

/// Accumulator of sums of products without intermediate reduction: holds 128-bit sums; up to 256 products
/// of residues (< 2^120 each) fit before reduce_into() must be called.
void mul_accumulate_u128(const std::uint64_t* a, const std::uint64_t* b, u128* acc, std::size_t n);
void reduce_u128(const u128* acc, std::uint64_t* out, std::size_t n, const Modulus& q);

/// Largest `count` of dot_product_pair: the exact sums (< count q^2) must fit 128 bits.
constexpr std::size_t kMaxDotProductTerms = 256;
/// out0 = sum_j a[j] * b0[j] and out1 = sum_j a[j] * b1[j] (pointwise, j < count <= kMaxDotProductTerms),
/// inputs in [0, q): the inner product of key switching on one limb (a: the digits, b0/b1: the key's two
/// halves), each sum reduced once.
void dot_product_pair(const std::uint64_t* const* a, const std::uint64_t* const* b0, const std::uint64_t* const* b1,
                      std::size_t count, std::uint64_t* out0, std::uint64_t* out1, std::size_t n, const Modulus& q);
/// The same with the key halves stored as 32-bit words (the limbs of a key modulo a prime below 2^32,
/// KeySwitchKey::narrow): half the key bytes to read.
void dot_product_pair(const std::uint64_t* const* a, const std::uint32_t* const* b0, const std::uint32_t* const* b1,
                      std::size_t count, std::uint64_t* out0, std::uint64_t* out1, std::size_t n, const Modulus& q);

}  // namespace hnn
