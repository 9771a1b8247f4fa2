#include <algorithm>

#include "hnn/ring/rns.h"
#include "hnn/ring/simd.h"
#include "ntt_kernels.h"

// At the AVX-512F level, primes below 2^50 take the double-precision FMA kernels (about twice as fast as the
// integer ones on Cascade Lake: two FMA ports against one 32-bit multiplier port); IFMA keeps its own path.
// At the AVX2 level the same arithmetic on 4 lanes takes primes below 2^50, integer kernels the larger ones.
namespace hnn::ntt_kernels {

void forward(const NttTables& t, std::uint64_t* a) {
  switch (active_simd_level()) {
#if defined(HNN_HAVE_IFMA_KERNELS)
    case SimdLevel::kAvx512Ifma: return forward_ifma(t, a);
#endif
#if defined(HNN_HAVE_AVX512_KERNELS)
    case SimdLevel::kAvx512: return fp64_supports(t) ? forward_fp64_avx512(t, a) : forward_avx512(t, a);
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
    case SimdLevel::kAvx2: return fp64_avx2_supports(t) ? forward_fp64_avx2(t, a) : forward_avx2(t, a);
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
    case SimdLevel::kAvx512: return fp64_supports(t) ? inverse_fp64_avx512(t, a) : inverse_avx512(t, a);
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
    case SimdLevel::kAvx2: return fp64_avx2_supports(t) ? inverse_fp64_avx2(t, a) : inverse_avx2(t, a);
#endif
    default: return inverse_portable(t, a);
  }
}

void inverse(const NttTables& t, const std::uint64_t* in, std::uint64_t* out) {
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (active_simd_level() == SimdLevel::kAvx512 && fp64_supports(t)) return inverse_fp64_avx512(t, in, out);
#endif
  if (in != out) std::copy(in, in + t.n(), out);
  inverse(t, out);
}

void forward_lifted(const NttTables& t, const std::uint64_t* in, const Modulus& from, std::uint64_t* out) {
#if defined(HNN_HAVE_AVX512_KERNELS)
  // The FP64 kernels (the AVX-512F level's choice for q < 2^50) read the lift in their first pass; IFMA and
  // the integer kernels get it as a separate pass.
  if (active_simd_level() == SimdLevel::kAvx512 && fp64_supports_lifted(t, from.value()))
    return forward_lifted_fp64_avx512(t, in, from.value(), out);
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
  if (active_simd_level() == SimdLevel::kAvx2 && fp64_avx2_supports_lifted(t, from.value()))
    return forward_lifted_fp64_avx2(t, in, from.value(), out);
#endif
  centered_lift(in, from, t.modulus(), out, t.n());
  forward(t, out);
}

}  // namespace hnn::ntt_kernels
