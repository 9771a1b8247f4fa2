#include "hnn/ring/simd.h"
#include "ntt_kernels.h"

namespace hnn::ntt_kernels {

void forward(const NttTables& t, std::uint64_t* a) {
  switch (active_simd_level()) {
#if defined(HNN_HAVE_IFMA_KERNELS)
    case SimdLevel::kAvx512Ifma: return forward_ifma(t, a);
#endif
#if defined(HNN_HAVE_AVX512_KERNELS)
    case SimdLevel::kAvx512: return forward_avx512(t, a);
#endif
    default: return forward_portable(t, a);
  }
}

void inverse(const NttTables& t, std::uint64_t* a) {
  switch (active_simd_level()) {
#if defined(HNN_HAVE_IFMA_KERNELS)
    case SimdLevel::kAvx512Ifma: return inverse_ifma(t, a);
#endif
#if defined(HNN_HAVE_AVX512_KERNELS)
    case SimdLevel::kAvx512: return inverse_avx512(t, a);
#endif
    default: return inverse_portable(t, a);
  }
}

}  // namespace hnn::ntt_kernels
