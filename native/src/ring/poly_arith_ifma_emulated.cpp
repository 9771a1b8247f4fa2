// The IFMA element-wise kernels on scalar-emulated lanes (simd_lanes_emulated.h): plain C++, any CPU. Not used
// for computing; the tests check the IFMA kernels' arithmetic with them on machines without IFMA.
#include "poly_arith_kernels.h"
#include "poly_arith_vector.h"
#include "simd_lanes_emulated.h"

namespace hnn::poly_kernels {

using EmulatedIfmaKernels = simd::IfmaPolyArith<simd::EmulatedLanes>;

bool ifma_applies(const Modulus& q) { return EmulatedIfmaKernels::ifma_applies(q); }

void mul_ifma_emulated(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                       const Modulus& q) {
  EmulatedIfmaKernels::mul(a, b, out, n, q);
}
void mul_add_ifma_emulated(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c,
                           std::uint64_t* out, std::size_t n, const Modulus& q) {
  EmulatedIfmaKernels::mul_add(a, b, c, out, n, q);
}
void mul_scalar_ifma_emulated(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                              const Modulus& q) {
  EmulatedIfmaKernels::mul_scalar(a, s, out, n, q);
}
void sub_mul_scalar_ifma_emulated(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s,
                                  std::uint64_t* out, std::size_t n, const Modulus& q) {
  EmulatedIfmaKernels::sub_mul_scalar(a, b, s, out, n, q);
}

}  // namespace hnn::poly_kernels
