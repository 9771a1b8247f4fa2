// The NTT for AVX-512F/DQ (no IFMA): 64-bit lanes, Shoup products composed from 32-bit multiplies. Any
// modulus below 2^60. Compiled with the AVX-512 flags; called only after run-time detection.
#include "ntt_kernels.h"
#include "ntt_vector.h"
#include "shoup_vector.h"
#include "simd_lanes_avx512.h"

namespace hnn::ntt_kernels {

using Avx512Ntt = simd::VectorNtt<simd::Avx512Lanes, simd::Shoup64>;

void forward_avx512(const NttTables& t, std::uint64_t* a) {
  if (t.n() < Avx512Ntt::kMinN) return forward_portable(t, a);
  Avx512Ntt::forward(t, a);
}

void inverse_avx512(const NttTables& t, std::uint64_t* a) {
  if (t.n() < Avx512Ntt::kMinN) return inverse_portable(t, a);
  Avx512Ntt::inverse(t, a);
}

}  // namespace hnn::ntt_kernels
