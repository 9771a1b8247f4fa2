// The products of the element-wise limb kernels with AVX-512 IFMA52, for moduli of at most 50 bits.
// Compiled with the IFMA flags; called only after run-time detection (poly_arith.cpp). The same template is
// instantiated on emulated lanes in poly_arith_ifma_emulated.cpp, which the tests check on every CPU.
#include "poly_arith_kernels.h"
#include "poly_arith_vector.h"
#include "simd_lanes_avx512.h"

namespace hnn::poly_kernels {

using IfmaKernels = simd::IfmaPolyArith<simd::Avx512IfmaLanes>;

void mul_ifma(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
              const Modulus& q) {
  IfmaKernels::mul(a, b, out, n, q);
}
void mul_add_ifma(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c, std::uint64_t* out,
                  std::size_t n, const Modulus& q) {
  IfmaKernels::mul_add(a, b, c, out, n, q);
}
void mul_scalar_ifma(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                     const Modulus& q) {
  IfmaKernels::mul_scalar(a, s, out, n, q);
}
void sub_mul_scalar_ifma(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                         std::size_t n, const Modulus& q) {
  IfmaKernels::sub_mul_scalar(a, b, s, out, n, q);
}

}  // namespace hnn::poly_kernels
