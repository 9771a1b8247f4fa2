// Private: the NTT kernels behind NttTables, one set per SIMD level, and the dispatcher that picks one.
// Every kernel computes exactly the same outputs (fully reduced, so bit-identical).
#pragma once
#include <cstdint>

#include "hnn/ring/ntt.h"

namespace hnn::ntt_kernels {

void forward_portable(const NttTables& t, std::uint64_t* a);
void inverse_portable(const NttTables& t, std::uint64_t* a);

/// Whether the IFMA52 kernels handle this modulus: their lazy values (< 4q) must fit 52 bits.
inline bool ifma_supports(const Modulus& q) { return q.bit_count() <= 50; }

#if defined(HNN_HAVE_AVX512_KERNELS)
// Require AVX-512F/DQ/VL/BW. Any n (small ones are passed to the portable kernels).
void forward_avx512(const NttTables& t, std::uint64_t* a);
void inverse_avx512(const NttTables& t, std::uint64_t* a);
// Double-precision FMA kernels (ntt_fp64_avx512.cpp), also AVX-512F/DQ/VL/BW only, for q < 2^50. Other
// moduli and n < 16 are passed to the AVX-512F integer kernels. Tests call them directly.
bool fp64_supports(const NttTables& t);
void forward_fp64_avx512(const NttTables& t, std::uint64_t* a);
void inverse_fp64_avx512(const NttTables& t, std::uint64_t* a);
/// Out of place (in may equal out); for q < 2^50 the first pass reads `in`.
void inverse_fp64_avx512(const NttTables& t, const std::uint64_t* in, std::uint64_t* out);
/// Whether forward_lifted_fp64_avx512 applies: fp64_supports(t) and from <= 2q (the centered inputs must be
/// within [-q, q]).
bool fp64_supports_lifted(const NttTables& t, std::uint64_t from);
/// NttTables::forward_lifted with the centered lift fused into the first pass (requires fp64_supports_lifted).
void forward_lifted_fp64_avx512(const NttTables& t, const std::uint64_t* in, std::uint64_t from,
                                std::uint64_t* out);
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
// Double-precision FMA kernels on 4 lanes (ntt_fp64_avx2.cpp) for CPUs with AVX2 and FMA, q < 2^50 and
// n >= 16; other tables are passed to the portable kernels.
bool fp64_avx2_supports(const NttTables& t);
void forward_fp64_avx2(const NttTables& t, std::uint64_t* a);
void inverse_fp64_avx2(const NttTables& t, std::uint64_t* a);
/// Whether forward_lifted_fp64_avx2 applies: fp64_avx2_supports(t) and from <= 2q.
bool fp64_avx2_supports_lifted(const NttTables& t, std::uint64_t from);
void forward_lifted_fp64_avx2(const NttTables& t, const std::uint64_t* in, std::uint64_t from, std::uint64_t* out);
// Integer kernels on 4 lanes (ntt_avx2.cpp) for any prime below 2^60 and n >= 16 (smaller n: portable); the
// dispatcher gives them the primes the FP64 kernels do not take.
void forward_avx2(const NttTables& t, std::uint64_t* a);
void inverse_avx2(const NttTables& t, std::uint64_t* a);
#endif
#if defined(HNN_HAVE_IFMA_KERNELS)
// Require AVX-512 IFMA52 as well. Moduli of more than 50 bits are passed to the AVX-512F kernels.
void forward_ifma(const NttTables& t, std::uint64_t* a);
void inverse_ifma(const NttTables& t, std::uint64_t* a);
#endif
// The IFMA kernel on emulated lanes (any CPU; for tests). Moduli of more than 50 bits use the AVX-512F
// kernel's arithmetic, also emulated.
void forward_ifma_emulated(const NttTables& t, std::uint64_t* a);
void inverse_ifma_emulated(const NttTables& t, std::uint64_t* a);

// Dispatch on active_simd_level().
void forward(const NttTables& t, std::uint64_t* a);
void inverse(const NttTables& t, std::uint64_t* a);
void inverse(const NttTables& t, const std::uint64_t* in, std::uint64_t* out);
void forward_lifted(const NttTables& t, const std::uint64_t* in, const Modulus& from, std::uint64_t* out);

}  // namespace hnn::ntt_kernels
