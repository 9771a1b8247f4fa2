// The NTT for CPUs with AVX2 and FMA but no AVX-512 (AMD Zen 2/3, Intel client cores), for primes q < 2^50,
// in double-precision FMA arithmetic on 4 lanes. Without AVX-512 there is no vector 64-bit multiply, and the
// portable kernel spends ~6 cycles a butterfly on its 128-bit products; two 256-bit FMA units do a 53-bit
// product per lane and cycle. Same tables (NttTables::fp64_*), same arithmetic and the same error analysis
// as ntt_fp64_avx512.cpp (read its header for the bounds); a simpler structure (ntt_avx2_stages.h): one
// radix-2 pass per stage, the stages of span 2 and 1 with in-register shuffles. Input and output in [0, q),
// bit-identical to every other kernel (outputs fully reduced); the buffer holds double bit patterns between the
// first and the last pass. The file is compiled with -ffp-contract=off: every rounding below is the one written.
//
// Lazy ranges (b = bound of |values| / q between stages; mul needs X = |input| / q < 2^52 / q):
//  * Forward: b' <= b(1 + q*eps/2) + 1/2. For q < 2^46 nothing is reduced before the last stage (b < 10.3
//    after 17 stages, X < 64). For 2^46 <= q < 2^50 the outputs of every odd stage are reduced to 0.51q, so
//    b <= 2.2 and X < 4. The last stage brings its outputs to [0, q).
//  * Inverse: sums double, products are <= q(1/2 + X*q*eps/2). The sums are reduced every stage for
//    q >= 2^46 (b <= 0.64, X <= 1.3) and every other stage below (b <= 2.1, X <= 4.2). The last stage
//    multiplies by n^-1 (x + y) and w*n^-1 (x - y), which leaves |r| < q: one conditional add of q.
#include <immintrin.h>

#include "fp64_lanes_avx2.h"
#include "ntt_avx2_stages.h"
#include "ntt_kernels.h"

namespace hnn::ntt_kernels {
namespace {

using fp64_avx2::make_nonnegative;
using fp64_avx2::reduce;
using fp64_avx2::to_double;
using fp64_avx2::to_integer;
using V = fp64_avx2::V;
using Consts = fp64_avx2::Fp64Consts;
using Tw = avx2::StageTwiddles;
constexpr double kTwo46 = 70368744177664.0;

// x*w mod q up to a multiple of q, |result| <= q(1/2 + X*q*eps/2): see ntt_fp64_avx512.cpp.
HNN_AVX2_INLINE V mul(V x, const Tw& t, const Consts& c) {
  const V quo = _mm256_sub_pd(_mm256_fmadd_pd(x, t.wq, c.magic), c.magic);
  const V h = _mm256_mul_pd(x, t.w);
  const V l = _mm256_fmsub_pd(x, t.w, h);
  return _mm256_add_pd(_mm256_fnmadd_pd(quo, c.q, h), l);
}
// Where a pass reads and writes: the buffer's doubles, or (first pass) integers, (last pass) integers.
// Lifted: residues modulo `from` <= 2q at the same positions of `src`, centered (|values| <= q).
struct Buffer {
  double* data;
  const std::uint64_t* lifted_src = nullptr;  // set for the forward transform's fused lift
  __m256i half{};
  V from{};
};

enum class In { kDoubles, kIntegers, kLifted };

template <In kIn>
HNN_AVX2_INLINE V load(const Buffer& b, std::size_t i, const Consts& c) {
  if constexpr (kIn == In::kDoubles) {
    return _mm256_loadu_pd(b.data + i);
  } else if constexpr (kIn == In::kIntegers) {
    return to_double(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.data + i)), c);
  } else {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.lifted_src + i));
    const V v = to_double(x, c);  // residues modulo from <= 2q < 2^51: signed compare is exact
    const V over = _mm256_castsi256_pd(_mm256_cmpgt_epi64(x, b.half));
    return _mm256_sub_pd(v, _mm256_and_pd(over, b.from));
  }
}
template <bool kToIntegers>
HNN_AVX2_INLINE void store(const Buffer& b, std::size_t i, V x, const Consts& c) {
  if constexpr (kToIntegers)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(b.data + i), to_integer(x, c));
  else
    _mm256_storeu_pd(b.data + i, x);
}

// What a stage does to its outputs before storing them.
enum class Out { kLazy, kReduce, kCanonical };

template <Out kOut>
HNN_AVX2_INLINE V finish(V x, const Consts& c) {
  if constexpr (kOut == Out::kReduce) return reduce(x, c);
  if constexpr (kOut == Out::kCanonical) return make_nonnegative(reduce(x, c), c);
  return x;
}

// Butterflies on 4 lanes: (x, y) -> (x + w*y, x - w*y) forward, (x + y, (x - y)*w) inverse.
template <Out kOut>
HNN_AVX2_INLINE void forward_butterfly(V& x, V& y, const Tw& t, const Consts& c) {
  const V v = mul(y, t, c);
  const V s = _mm256_add_pd(x, v), d = _mm256_sub_pd(x, v);
  x = finish<kOut>(s, c);
  y = finish<kOut>(d, c);
}
template <bool kReduceSum>
HNN_AVX2_INLINE void inverse_butterfly(V& x, V& y, const Tw& t, const Consts& c) {
  const V s = _mm256_add_pd(x, y);
  y = mul(_mm256_sub_pd(x, y), t, c);
  x = kReduceSum ? reduce(s, c) : s;
}

// One stage through the shared pass structure, reading as kIn says and writing doubles or integers.
template <In kIn, bool kToIntegers, class Body>
HNN_AVX2_INLINE void stage(const Buffer& b, std::size_t n, std::size_t m, const double* w, const double* wq,
                           const Consts& c, Body body) {
  avx2::stage(
      n, m, w, wq, [&](std::size_t i) { return load<kIn>(b, i, c); },
      [&](std::size_t i, V x) { store<kToIntegers>(b, i, x, c); },
      body);
}

template <In kFirst>
void forward_impl(const NttTables& t, const Buffer& b) {
  const std::size_t n = t.n();
  const Consts c(t.modulus().value());
  const double* w = t.fp64_root_powers();
  const double* wq = t.fp64_root_quotients();
  const bool reduce_odd = static_cast<double>(t.modulus().value()) >= kTwo46;
  std::size_t s = 0;
  for (std::size_t m = 1; m < n; m <<= 1, ++s) {
    const bool first = m == 1, last = 2 * m == n;
    const auto lazy = [&](V& x, V& y, const Tw& tw) { forward_butterfly<Out::kLazy>(x, y, tw, c); };
    const auto reduced = [&](V& x, V& y, const Tw& tw) { forward_butterfly<Out::kReduce>(x, y, tw, c); };
    const auto canonical = [&](V& x, V& y, const Tw& tw) { forward_butterfly<Out::kCanonical>(x, y, tw, c); };
    if (last)
      stage<In::kDoubles, true>(b, n, m, w, wq, c, canonical);  // n >= 16: the last stage is not the first
    else if (first)
      stage<kFirst, false>(b, n, m, w, wq, c, lazy);  // s = 0: even
    else if (reduce_odd && s % 2 == 1)
      stage<In::kDoubles, false>(b, n, m, w, wq, c, reduced);
    else
      stage<In::kDoubles, false>(b, n, m, w, wq, c, lazy);
  }
}

}  // namespace

bool fp64_avx2_supports(const NttTables& t) { return t.has_fp64_tables() && t.n() >= 16; }

bool fp64_avx2_supports_lifted(const NttTables& t, std::uint64_t from) {
  return fp64_avx2_supports(t) && from <= 2 * t.modulus().value();
}

void forward_fp64_avx2(const NttTables& t, std::uint64_t* a) {
  if (!fp64_avx2_supports(t)) return forward_portable(t, a);
  forward_impl<In::kIntegers>(t, Buffer{reinterpret_cast<double*>(a)});
}

void forward_lifted_fp64_avx2(const NttTables& t, const std::uint64_t* in, std::uint64_t from, std::uint64_t* out) {
  Buffer b{reinterpret_cast<double*>(out), in};
  b.half = _mm256_set1_epi64x(static_cast<long long>(from / 2));
  b.from = _mm256_set1_pd(static_cast<double>(from));
  forward_impl<In::kLifted>(t, b);
}

void inverse_fp64_avx2(const NttTables& t, std::uint64_t* a) {
  if (!fp64_avx2_supports(t)) return inverse_portable(t, a);
  const std::size_t n = t.n();
  const std::uint64_t qv = t.modulus().value();
  const Modulus& q = t.modulus();
  const Consts c(qv);
  const Buffer b{reinterpret_cast<double*>(a)};
  const double* w = t.fp64_inv_root_powers();
  const double* wq = t.fp64_inv_root_quotients();
  const bool reduce_every = static_cast<double>(qv) >= kTwo46;
  std::size_t s = 0;
  for (std::size_t m = n >> 1; m > 1; m >>= 1, ++s) {
    const bool reduce_sum = reduce_every || s % 2 == 1;
    const auto plain = [&](V& x, V& y, const Tw& tw) { inverse_butterfly<false>(x, y, tw, c); };
    const auto reduced = [&](V& x, V& y, const Tw& tw) { inverse_butterfly<true>(x, y, tw, c); };
    if (s == 0)
      reduce_sum ? stage<In::kIntegers, false>(b, n, m, w, wq, c, reduced)
                 : stage<In::kIntegers, false>(b, n, m, w, wq, c, plain);
    else
      reduce_sum ? stage<In::kDoubles, false>(b, n, m, w, wq, c, reduced)
                 : stage<In::kDoubles, false>(b, n, m, w, wq, c, plain);
  }
  // The last stage (m = 1) with n^-1 folded in: x' = (x + y) n^-1, y' = (x - y) w n^-1.
  const auto centered = [&](std::uint64_t v) {
    return v > qv / 2 ? -static_cast<double>(qv - v) : static_cast<double>(v);
  };
  const double ninv = centered(t.inv_n().operand);
  const double wninv = centered(mul_mod(t.inv_root_powers()[1], t.inv_n().operand, q));
  const Tw tn{_mm256_set1_pd(ninv), _mm256_set1_pd(ninv / static_cast<double>(qv))};
  const Tw tw{_mm256_set1_pd(wninv), _mm256_set1_pd(wninv / static_cast<double>(qv))};
  const std::size_t half = n / 2;
  for (std::size_t j = 0; j < half; j += 4) {
    const V x = _mm256_loadu_pd(b.data + j), y = _mm256_loadu_pd(b.data + j + half);
    store<true>(b, j, make_nonnegative(mul(_mm256_add_pd(x, y), tn, c), c), c);
    store<true>(b, j + half, make_nonnegative(mul(_mm256_sub_pd(x, y), tw, c), c), c);
  }
}

}  // namespace hnn::ntt_kernels
