// Private: the vector bodies of the element-wise limb kernels (poly_arith.h), chosen at run time by the
// public functions in poly_arith.cpp. Same contracts as the public functions.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hnn/ring/modulus.h"

namespace hnn::poly_kernels {

#if defined(HNN_HAVE_AVX512_KERNELS)
void add_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q);
void sub_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q);
void negate_avx512(const std::uint64_t* a, std::uint64_t* out, std::size_t n, const Modulus& q);
/// Require q not a power of two (always true of the engine's primes); see poly_arith_vector.h.
void mul_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q);
/// out = a * b + c (c may be out).
void mul_add_avx512(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c, std::uint64_t* out,
                    std::size_t n, const Modulus& q);
void mul_scalar_avx512(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q);
void add_scalar_avx512(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q);
void sub_mul_scalar_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                           std::size_t n, const Modulus& q);
/// acc_words: the accumulators of poly_arith.h's mul_accumulate_u128 / reduce_u128 as (low, high) word pairs.
void mul_accumulate_u128_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* acc_words,
                                std::size_t n);
void reduce_u128_avx512(const std::uint64_t* acc_words, std::uint64_t* out, std::size_t n, const Modulus& q);
/// out[j] = in[perm[j]] for a permutation that maps every aligned block of 8 outputs into one aligned block
/// of 8 inputs (every NTT-domain automorphism does: ntt_automorphism_permutation), n a multiple of 8: one
/// 64-byte load, one lane permutation and one store per block.
void permute_blocks_avx512(const std::uint64_t* in, const std::uint32_t* perm, std::uint64_t* out, std::size_t n);
void dot_product_pair_avx512(const std::uint64_t* const* a, const std::uint64_t* const* b0,
                             const std::uint64_t* const* b1, std::size_t count, std::uint64_t* out0,
                             std::uint64_t* out1, std::size_t n, const Modulus& q);
void dot_product_pair_narrow_avx512(const std::uint64_t* const* a, const std::uint32_t* const* b0,
                                    const std::uint32_t* const* b1, std::size_t count, std::uint64_t* out0,
                                    std::uint64_t* out1, std::size_t n, const Modulus& q);
/// The products in double-precision FMA arithmetic (poly_arith_fp64_avx512.cpp), for moduli of at most 50
/// bits: fp64_products_apply(q). Same contracts as mul_avx512 / mul_add_avx512.
void mul_fp64_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                     const Modulus& q);
void mul_add_fp64_avx512(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c,
                         std::uint64_t* out, std::size_t n, const Modulus& q);
void mul_scalar_fp64_avx512(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                            const Modulus& q);
void sub_mul_scalar_fp64_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s,
                                std::uint64_t* out, std::size_t n, const Modulus& q);
/// out = c + (a - b) * s and out = a * s + c (c may be out).
void sub_mul_scalar_add_fp64_avx512(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s,
                                    const std::uint64_t* c, std::uint64_t* out, std::size_t n, const Modulus& q);
void mul_scalar_add_fp64_avx512(const std::uint64_t* a, std::uint64_t s, const std::uint64_t* c, std::uint64_t* out,
                                std::size_t n, const Modulus& q);
/// Fast base conversion into p from the terms y_i (VectorPolyArith::base_convert): k limbs of n, source primes
/// q[i], multipliers m[i] = (Q/q_i) mod p, centered or not; every term below 2^term_bits; sums_fit_u64: the
/// caller's bound that every sum of products fits 64 bits (with terms and multipliers below 2^32).
void base_convert_avx512(const std::uint64_t* terms, std::size_t k, const std::uint64_t* q, const std::uint64_t* m,
                         bool centered, int term_bits, bool sums_fit_u64, std::uint64_t* out, std::size_t n,
                         const Modulus& p);
/// u[c] = floor(sum_i terms[i][c] * inv[i]) in doubles (terms below 2^50), bit-identical to the portable loop of
/// BaseConverter::exact_prepare.
void overflow_count_avx512(const std::uint64_t* terms, std::size_t k, const double* inv, std::uint64_t* u,
                           std::size_t n);
/// Residues modulo q as signed representatives in (-q/2, q/2] (two's complement words).
void to_signed_avx512(const std::uint64_t* a, std::uint64_t* out, std::size_t n, std::uint64_t q);
/// Centered base conversion from signed terms and signed multipliers m[i] (VectorPolyArith::base_convert_signed).
void base_convert_signed_avx512(const std::uint64_t* terms, std::size_t k, const std::uint64_t* m,
                                std::uint64_t offset, std::uint64_t* out, std::size_t n, const Modulus& p);
/// rns.h's centered_lift of residues modulo `from` into p.
void centered_lift_avx512(const std::uint64_t* in, std::uint64_t from, const Modulus& p, std::uint64_t* out,
                          std::size_t n);
#endif

#if defined(HNN_HAVE_AVX2_KERNELS)
/// The double-precision products on 4 lanes for AVX2 + FMA CPUs (poly_arith_fp64_avx2.cpp), any length, for
/// fp64_products_apply(q); same contracts as the public functions of the same names, and the inner product of
/// key switching (dot_product_pair, 64- and 32-bit key words).
void mul_fp64_avx2(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                   const Modulus& q);
void mul_add_fp64_avx2(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c, std::uint64_t* out,
                       std::size_t n, const Modulus& q);
void mul_scalar_fp64_avx2(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                          const Modulus& q);
void sub_mul_scalar_fp64_avx2(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                              std::size_t n, const Modulus& q);
void sub_mul_scalar_add_fp64_avx2(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s,
                                  const std::uint64_t* c, std::uint64_t* out, std::size_t n, const Modulus& q);
void mul_scalar_add_fp64_avx2(const std::uint64_t* a, std::uint64_t s, const std::uint64_t* c, std::uint64_t* out,
                              std::size_t n, const Modulus& q);
void dot_product_pair_fp64_avx2(const std::uint64_t* const* a, const std::uint64_t* const* b0,
                                const std::uint64_t* const* b1, std::size_t count, std::uint64_t* out0,
                                std::uint64_t* out1, std::size_t n, const Modulus& q);
void dot_product_pair_narrow_fp64_avx2(const std::uint64_t* const* a, const std::uint32_t* const* b0,
                                       const std::uint32_t* const* b1, std::size_t count, std::uint64_t* out0,
                                       std::uint64_t* out1, std::size_t n, const Modulus& q);
/// rns.h's centered_lift of residues modulo `from` (< 2^60) into p, for fp64_products_apply(p).
void centered_lift_fp64_avx2(const std::uint64_t* in, std::uint64_t from, const Modulus& p, std::uint64_t* out,
                             std::size_t n);
#endif

/// Whether the double-precision products (mul_fp64_avx512 and the others above) handle q: residues and
/// quotients below 2^50 are exact in doubles.
inline bool fp64_products_apply(const Modulus& q) { return q.bit_count() <= 50; }

// The products with IFMA52 for moduli of at most 50 bits (and not a power of two): ifma_applies(q).
bool ifma_applies(const Modulus& q);
#if defined(HNN_HAVE_IFMA_KERNELS)
void mul_ifma(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q);
void mul_add_ifma(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c, std::uint64_t* out,
                  std::size_t n, const Modulus& q);
void mul_scalar_ifma(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q);
void sub_mul_scalar_ifma(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                         std::size_t n, const Modulus& q);
#endif
// The same IFMA kernels on emulated lanes (any CPU; for tests). Require ifma_applies(q).
void mul_ifma_emulated(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                       const Modulus& q);
void mul_add_ifma_emulated(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c,
                           std::uint64_t* out, std::size_t n, const Modulus& q);
void mul_scalar_ifma_emulated(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                              const Modulus& q);
void sub_mul_scalar_ifma_emulated(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s,
                                  std::uint64_t* out, std::size_t n, const Modulus& q);

}  // namespace hnn::poly_kernels
