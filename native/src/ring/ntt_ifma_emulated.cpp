// The IFMA NTT kernel instantiated with scalar-emulated lanes (simd_lanes_emulated.h): plain C++, runs on
// any CPU. Not used for computing; it exists so that the tests can check the IFMA kernel's arithmetic and
// data movement bit for bit on machines without IFMA.
#include "ntt_kernels.h"
#include "ntt_vector.h"
#include "shoup_vector.h"
#include "simd_lanes_emulated.h"

namespace hnn::ntt_kernels {

using EmulatedIfmaNtt = simd::VectorNtt<simd::EmulatedLanes, simd::ShoupIfma52>;
using EmulatedAvx512Ntt = simd::VectorNtt<simd::EmulatedLanes, simd::Shoup64>;

void forward_ifma_emulated(const NttTables& t, std::uint64_t* a) {
  if (t.n() < EmulatedIfmaNtt::kMinN) return forward_portable(t, a);
  if (!ifma_supports(t.modulus())) return EmulatedAvx512Ntt::forward(t, a);
  EmulatedIfmaNtt::forward(t, a);
}

void inverse_ifma_emulated(const NttTables& t, std::uint64_t* a) {
  if (t.n() < EmulatedIfmaNtt::kMinN) return inverse_portable(t, a);
  if (!ifma_supports(t.modulus())) return EmulatedAvx512Ntt::inverse(t, a);
  EmulatedIfmaNtt::inverse(t, a);
}

}  // namespace hnn::ntt_kernels
