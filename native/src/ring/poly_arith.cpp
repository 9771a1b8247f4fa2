#include "hnn/ring/poly_arith.h"

#include <algorithm>

#include <string>

#include "hnn/ring/simd.h"
#include "hnn/util/memory.h"
#include "poly_arith_kernels.h"

namespace hnn {
namespace {

// Each public kernel tries the vector bodies first (poly_arith_ifma.cpp for products modulo primes of at most
// 50 bits; at the AVX-512F level poly_arith_fp64_avx512.cpp for those products, poly_arith_avx512.cpp for the
// rest; at the AVX2 level poly_arith_fp64_avx2.cpp for those products); the loops below are the portable
// bodies, and the reference the vector ones are tested against.
#if defined(HNN_HAVE_AVX512_KERNELS)
bool use_avx512() { return active_simd_level() >= SimdLevel::kAvx512; }
#define HNN_TRY_AVX512(call)        \
  do {                              \
    if (use_avx512()) return call;  \
  } while (0)
#else
#define HNN_TRY_AVX512(call) \
  do {                       \
  } while (0)
#endif

// Products modulo primes of at most 50 bits go to the IFMA52 kernels where the CPU has them.
#if defined(HNN_HAVE_IFMA_KERNELS)
#define HNN_TRY_IFMA(q, call)                                                                          \
  do {                                                                                                 \
    if (active_simd_level() >= SimdLevel::kAvx512Ifma && poly_kernels::ifma_applies(q)) return call; \
  } while (0)
#else
#define HNN_TRY_IFMA(q, call) \
  do {                        \
  } while (0)
#endif

// At the AVX2 level, products modulo primes of at most 50 bits take the double-precision kernels; the rest
// stays portable.
#if defined(HNN_HAVE_AVX2_KERNELS)
#define HNN_TRY_AVX2_FP64(q, call)                                                                     \
  do {                                                                                               \
    if (active_simd_level() == SimdLevel::kAvx2 && poly_kernels::fp64_products_apply(q)) return call; \
  } while (0)
#else
#define HNN_TRY_AVX2_FP64(q, call) \
  do {                             \
  } while (0)
#endif

// The vector Barrett reduction needs 2^(k-1) < q < 2^k (always true of odd primes, but Modulus allows 2).
bool modulus_is_power_of_two(const Modulus& q) { return (q.value() & (q.value() - 1)) == 0; }

}  // namespace

void add_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q) {
  HNN_TRY_AVX512(poly_kernels::add_avx512(a, b, out, n, q));
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t s = a[i] + b[i];
    out[i] = s >= qv ? s - qv : s;
  }
}

void sub_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q) {
  HNN_TRY_AVX512(poly_kernels::sub_avx512(a, b, out, n, q));
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t d = a[i] + qv - b[i];
    out[i] = d >= qv ? d - qv : d;
  }
}

void negate_mod(const std::uint64_t* a, std::uint64_t* out, std::size_t n, const Modulus& q) {
  HNN_TRY_AVX512(poly_kernels::negate_avx512(a, out, n, q));
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] == 0 ? 0 : qv - a[i];
}

void mul_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q) {
  HNN_TRY_AVX2_FP64(q, poly_kernels::mul_fp64_avx2(a, b, out, n, q));
  HNN_TRY_IFMA(q, poly_kernels::mul_ifma(a, b, out, n, q));
  if (poly_kernels::fp64_products_apply(q)) HNN_TRY_AVX512(poly_kernels::mul_fp64_avx512(a, b, out, n, q));
  if (!modulus_is_power_of_two(q)) HNN_TRY_AVX512(poly_kernels::mul_avx512(a, b, out, n, q));
  for (std::size_t i = 0; i < n; ++i) out[i] = q.reduce128(static_cast<u128>(a[i]) * b[i]);
}

void mul_add_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                 const Modulus& q) {
  mul_add_mod(a, b, out, out, n, q);
}

void mul_add_mod(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c, std::uint64_t* out,
                 std::size_t n, const Modulus& q) {
  HNN_TRY_AVX2_FP64(q, poly_kernels::mul_add_fp64_avx2(a, b, c, out, n, q));
  HNN_TRY_IFMA(q, poly_kernels::mul_add_ifma(a, b, c, out, n, q));
  if (poly_kernels::fp64_products_apply(q)) HNN_TRY_AVX512(poly_kernels::mul_add_fp64_avx512(a, b, c, out, n, q));
  if (!modulus_is_power_of_two(q)) HNN_TRY_AVX512(poly_kernels::mul_add_avx512(a, b, c, out, n, q));
  for (std::size_t i = 0; i < n; ++i) out[i] = q.reduce128(static_cast<u128>(a[i]) * b[i] + c[i]);
}

void mul_scalar_mod(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q) {
  HNN_TRY_AVX2_FP64(q, poly_kernels::mul_scalar_fp64_avx2(a, s, out, n, q));
  HNN_TRY_IFMA(q, poly_kernels::mul_scalar_ifma(a, s, out, n, q));
  if (poly_kernels::fp64_products_apply(q)) HNN_TRY_AVX512(poly_kernels::mul_scalar_fp64_avx512(a, s, out, n, q));
  HNN_TRY_AVX512(poly_kernels::mul_scalar_avx512(a, s, out, n, q));
  const ShoupMultiplier w(s, q);
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) out[i] = mul_shoup(a[i], w, qv);
}

void add_scalar_mod(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q) {
  HNN_TRY_AVX512(poly_kernels::add_scalar_avx512(a, s, out, n, q));
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t v = a[i] + s;
    out[i] = v >= qv ? v - qv : v;
  }
}

void sub_mul_scalar_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                        std::size_t n, const Modulus& q) {
  HNN_TRY_AVX2_FP64(q, poly_kernels::sub_mul_scalar_fp64_avx2(a, b, s, out, n, q));
  HNN_TRY_IFMA(q, poly_kernels::sub_mul_scalar_ifma(a, b, s, out, n, q));
  if (poly_kernels::fp64_products_apply(q))
    HNN_TRY_AVX512(poly_kernels::sub_mul_scalar_fp64_avx512(a, b, s, out, n, q));
  HNN_TRY_AVX512(poly_kernels::sub_mul_scalar_avx512(a, b, s, out, n, q));
  const ShoupMultiplier w(s, q);
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) out[i] = mul_shoup(a[i] + qv - b[i], w, qv);
}

namespace {

// c + product(.) in two steps, for kernels without a fused form; the product goes to a scratch limb when c is
// the output. The result is fully reduced either way, so it equals the fused kernels' bit for bit.
template <class Product>
void add_product(const std::uint64_t* c, std::uint64_t* out, std::size_t n, const Modulus& q, Product product) {
  if (c != out) {
    product(out);
    return add_mod(c, out, out, n, q);
  }
  RawU64Vector t(n);
  product(t.data());
  add_mod(c, t.data(), out, n, q);
}

}  // namespace

// The FP64 kernels fuse the addition (their product lands in (-q, q), the sum in (-q, 2q), one correction
// either way).
void sub_mul_scalar_add_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, const std::uint64_t* c,
                            std::uint64_t* out, std::size_t n, const Modulus& q) {
  HNN_TRY_AVX2_FP64(q, poly_kernels::sub_mul_scalar_add_fp64_avx2(a, b, s, c, out, n, q));
  if (poly_kernels::fp64_products_apply(q))
    HNN_TRY_AVX512(poly_kernels::sub_mul_scalar_add_fp64_avx512(a, b, s, c, out, n, q));
  add_product(c, out, n, q, [&](std::uint64_t* to) { sub_mul_scalar_mod(a, b, s, to, n, q); });
}

void mul_scalar_add_mod(const std::uint64_t* a, std::uint64_t s, const std::uint64_t* c, std::uint64_t* out,
                        std::size_t n, const Modulus& q) {
  HNN_TRY_AVX2_FP64(q, poly_kernels::mul_scalar_add_fp64_avx2(a, s, c, out, n, q));
  if (poly_kernels::fp64_products_apply(q))
    HNN_TRY_AVX512(poly_kernels::mul_scalar_add_fp64_avx512(a, s, c, out, n, q));
  add_product(c, out, n, q, [&](std::uint64_t* to) { mul_scalar_mod(a, s, to, n, q); });
}

// The vector bodies see the accumulators as (low, high) word pairs: the layout of unsigned __int128 on x86-64.
static_assert(sizeof(u128) == 2 * sizeof(std::uint64_t), "u128 is two words");

void mul_accumulate_u128(const std::uint64_t* a, const std::uint64_t* b, u128* acc, std::size_t n) {
  HNN_TRY_AVX512(poly_kernels::mul_accumulate_u128_avx512(a, b, reinterpret_cast<std::uint64_t*>(acc), n));
  for (std::size_t i = 0; i < n; ++i) acc[i] += static_cast<u128>(a[i]) * b[i];
}

void reduce_u128(const u128* acc, std::uint64_t* out, std::size_t n, const Modulus& q) {
  HNN_TRY_AVX512(poly_kernels::reduce_u128_avx512(reinterpret_cast<const std::uint64_t*>(acc), out, n, q));
  for (std::size_t i = 0; i < n; ++i) out[i] = q.reduce128(acc[i]);
}

namespace {

template <class KeyWord>
void dot_product_pair_portable(const std::uint64_t* const* a, const KeyWord* const* b0, const KeyWord* const* b1,
                               std::size_t count, std::uint64_t* out0, std::uint64_t* out1, std::size_t n,
                               const Modulus& q) {
  // Blocks of coefficients, digit by digit: three sequential streams at a time instead of 3 x count interleaved
  // ones (too many for the hardware prefetchers), the block's 128-bit sums in L1.
  constexpr std::size_t kBlock = 64;
  u128 s0[kBlock], s1[kBlock];
  for (std::size_t c0 = 0; c0 < n; c0 += kBlock) {
    const std::size_t len = std::min(kBlock, n - c0);
    std::fill(s0, s0 + len, 0);
    std::fill(s1, s1 + len, 0);
    for (std::size_t j = 0; j < count; ++j) {
      const std::uint64_t* x = a[j] + c0;
      const KeyWord* y0 = b0[j] + c0;
      const KeyWord* y1 = b1[j] + c0;
      for (std::size_t i = 0; i < len; ++i) {
        s0[i] += static_cast<u128>(x[i]) * y0[i];
        s1[i] += static_cast<u128>(x[i]) * y1[i];
      }
    }
    for (std::size_t i = 0; i < len; ++i) {
      out0[c0 + i] = q.reduce128(s0[i]);
      out1[c0 + i] = q.reduce128(s1[i]);
    }
  }
}

void check_dot_product_terms(std::size_t count) {
  if (count > kMaxDotProductTerms)
    throw InvalidArgumentError("dot_product_pair: at most " + std::to_string(kMaxDotProductTerms) + " terms");
}

}  // namespace

void dot_product_pair(const std::uint64_t* const* a, const std::uint64_t* const* b0, const std::uint64_t* const* b1,
                      std::size_t count, std::uint64_t* out0, std::uint64_t* out1, std::size_t n, const Modulus& q) {
  check_dot_product_terms(count);
  HNN_TRY_AVX2_FP64(q, poly_kernels::dot_product_pair_fp64_avx2(a, b0, b1, count, out0, out1, n, q));
  HNN_TRY_AVX512(poly_kernels::dot_product_pair_avx512(a, b0, b1, count, out0, out1, n, q));
  dot_product_pair_portable(a, b0, b1, count, out0, out1, n, q);
}

void dot_product_pair(const std::uint64_t* const* a, const std::uint32_t* const* b0, const std::uint32_t* const* b1,
                      std::size_t count, std::uint64_t* out0, std::uint64_t* out1, std::size_t n, const Modulus& q) {
  check_dot_product_terms(count);
  HNN_TRY_AVX2_FP64(q, poly_kernels::dot_product_pair_narrow_fp64_avx2(a, b0, b1, count, out0, out1, n, q));
  HNN_TRY_AVX512(poly_kernels::dot_product_pair_narrow_avx512(a, b0, b1, count, out0, out1, n, q));
  dot_product_pair_portable(a, b0, b1, count, out0, out1, n, q);
}

}  // namespace hnn
