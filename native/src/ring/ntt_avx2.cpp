// The NTT for CPUs with AVX2 but no AVX-512, for the primes of 50 to 60 bits that the double-precision kernel
// (ntt_fp64_avx2.cpp) cannot take, such as a chain's first prime and its special primes: Shoup products
// composed from 32-bit multiplies (shoup_vector.h's Shoup64Composed on 4 lanes, products in [0, 4q)), Harvey's
// lazy butterflies with the ranges widened to match (as in ntt_vector.h): [0, 8q) between forward stages,
// [0, 4q) between inverse stages, below 2^63 for q < 2^60. Same tables as the portable kernel, fully reduced
// outputs (bit-identical), the pass structure of ntt_avx2_stages.h; the inverse's 1/n is folded into its last
// stage.
#include "ntt_avx2_stages.h"
#include "ntt_kernels.h"
#include "shoup_vector.h"
#include "simd_lanes_avx2.h"

namespace hnn::ntt_kernels {
namespace {

using L = simd::Avx2Lanes;
using Mul = simd::Shoup64Composed<L>;
using V = L::V;
static_assert(Mul::kBound == 4, "the lazy ranges below assume products in [0, 4q)");

struct Consts {
  Mul::Constants mul;
  V q, two_q, four_q;
  explicit Consts(std::uint64_t qv)
      : mul(Mul::constants(qv)), q(L::set1(qv)), two_q(L::set1(2 * qv)), four_q(L::set1(4 * qv)) {}
};

HNN_AVX2_INLINE V as_integers(avx2::Lanes x) { return _mm256_castpd_si256(x); }
HNN_AVX2_INLINE avx2::Lanes as_lanes(V x) { return _mm256_castsi256_pd(x); }
HNN_AVX2_INLINE Mul::Twiddle twiddle(const avx2::StageTwiddles& t) {
  return Mul::make(as_integers(t.w), as_integers(t.wq));
}
// [0, 4q) -> [0, q).
HNN_AVX2_INLINE V canonical_from_4q(V x, const Consts& c) {
  return L::reduce_below(L::reduce_below(x, c.two_q), c.q);
}

// A stage of the shared pass structure on the buffer's words in place.
template <class Body>
HNN_AVX2_INLINE void stage(std::uint64_t* a, std::size_t n, std::size_t m, const std::uint64_t* w,
                           const std::uint64_t* wq, Body body) {
  avx2::stage(
      n, m, reinterpret_cast<const double*>(w), reinterpret_cast<const double*>(wq),
      [&](std::size_t i) { return _mm256_loadu_pd(reinterpret_cast<const double*>(a + i)); },
      [&](std::size_t i, avx2::Lanes x) { _mm256_storeu_pd(reinterpret_cast<double*>(a + i), x); },
      [&](avx2::Lanes& x, avx2::Lanes& y, const avx2::StageTwiddles& t) {
        V u = as_integers(x), v = as_integers(y);
        body(u, v, twiddle(t));
        x = as_lanes(u);
        y = as_lanes(v);
      });
}

}  // namespace

void forward_avx2(const NttTables& t, std::uint64_t* a) {
  const std::size_t n = t.n();
  if (n < 16) return forward_portable(t, a);
  const Consts c(t.modulus().value());
  for (std::size_t m = 1; m < n; m <<= 1) {
    const bool last = 2 * m == n;
    stage(a, n, m, t.root_powers(), t.root_quotients(), [&](V& x, V& y, const Mul::Twiddle& tw) {
      // Cooley-Tukey on [0, 8q): x to [0, 4q), w*y in [0, 4q); the last stage reduces to [0, q).
      const V u = L::reduce_below(x, c.four_q);
      const V v = Mul::mul_lazy(y, tw, c.mul);
      x = L::add(u, v);
      y = L::add(L::sub(u, v), c.four_q);
      if (last) {
        x = canonical_from_4q(L::reduce_below(x, c.four_q), c);
        y = canonical_from_4q(L::reduce_below(y, c.four_q), c);
      }
    });
  }
}

void inverse_avx2(const NttTables& t, std::uint64_t* a) {
  const std::size_t n = t.n();
  if (n < 16) return inverse_portable(t, a);
  const Modulus& q = t.modulus();
  const Consts c(q.value());
  for (std::size_t m = n >> 1; m > 1; m >>= 1) {
    stage(a, n, m, t.inv_root_powers(), t.inv_root_quotients(), [&](V& x, V& y, const Mul::Twiddle& tw) {
      // Gentleman-Sande on [0, 4q): x + y back below 4q, (x - y + 4q) * w in [0, 4q).
      const V s = L::reduce_below(L::add(x, y), c.four_q);
      y = Mul::mul_lazy(L::add(L::sub(x, y), c.four_q), tw, c.mul);
      x = s;
    });
  }
  // The last stage (m = 1) with n^-1 folded in: x' = (x + y) n^-1, y' = (x - y) w n^-1.
  const ShoupMultiplier wninv(mul_mod(t.inv_root_powers()[1], t.inv_n().operand, q), q);
  const Mul::Twiddle tn = Mul::make(L::set1(t.inv_n().operand), L::set1(t.inv_n().quotient));
  const Mul::Twiddle tw = Mul::make(L::set1(wninv.operand), L::set1(wninv.quotient));
  const std::size_t half = n / 2;
  for (std::size_t j = 0; j < half; j += 4) {
    V* px = reinterpret_cast<V*>(a + j);
    V* py = reinterpret_cast<V*>(a + j + half);
    const V x = _mm256_loadu_si256(px), y = _mm256_loadu_si256(py);
    _mm256_storeu_si256(px, canonical_from_4q(Mul::mul_lazy(L::add(x, y), tn, c.mul), c));
    _mm256_storeu_si256(py, canonical_from_4q(Mul::mul_lazy(L::add(L::sub(x, y), c.four_q), tw, c.mul), c));
  }
}

}  // namespace hnn::ntt_kernels
