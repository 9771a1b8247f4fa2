// The NTT for AVX-512 IFMA52, for moduli below 2^50 (larger ones go to the AVX-512F kernel). Compiled with
// the IFMA flags; called only after run-time detection. The same kernel template is instantiated with an
// emulation of the lanes in ntt_ifma_emulated.cpp, which the tests check on every CPU.
#include "ntt_kernels.h"
#include "ntt_vector.h"
#include "shoup_vector.h"
#include "simd_lanes_avx512.h"

namespace hnn::ntt_kernels {

using IfmaNtt = simd::VectorNtt<simd::Avx512IfmaLanes, simd::ShoupIfma52>;

void forward_ifma(const NttTables& t, std::uint64_t* a) {
  if (!ifma_supports(t.modulus())) return forward_avx512(t, a);
  if (t.n() < IfmaNtt::kMinN) return forward_portable(t, a);
  IfmaNtt::forward(t, a);
}

void inverse_ifma(const NttTables& t, std::uint64_t* a) {
  if (!ifma_supports(t.modulus())) return inverse_avx512(t, a);
  if (t.n() < IfmaNtt::kMinN) return inverse_portable(t, a);
  IfmaNtt::inverse(t, a);
}

}  // namespace hnn::ntt_kernels
