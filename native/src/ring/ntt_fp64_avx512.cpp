// The NTT for AVX-512F/DQ without IFMA, for primes q < 2^50, in double-precision FMA arithmetic: the two
// 512-bit FMA units of Intel server cores do a 53-bit multiply per lane and cycle each, where the integer
// kernel (ntt_avx512.cpp) composes 64-bit products from 32-bit multiplies on one port. Same tables (as
// doubles, see NttTables::fp64_root_powers()), same contract: input and output in [0, q), bit-identical to
// every other kernel (the outputs are fully reduced). Structure as in ntt_vector.h: radix-4 passes
// breadth first, then depth first per cache block, the three stages of span 4, 2, 1 in registers; the
// conversions u64 <-> double are fused into the first and last passes (values stay doubles in place in
// between: the buffer holds double bit patterns during the transform).
//
// Arithmetic (all values are integers held exactly in doubles, |v| < 2^53; eps = 2^-53):
//
//  * Twiddles are centered, |w| <= (q-1)/2, with wq = fl(w/q) = (w/q)(1 + d), |d| <= eps.
//  * mul(x, w) for |x| <= X*q:
//        c = fma(x, wq, M) - M       M = 1.5 * 2^52: the fma rounds x*wq + M once, and in [2^52, 2^53) the
//                                    spacing of doubles is 1, so c = round(x*wq) exactly (needs
//                                    |x*wq| <= X*q/2 < 2^51, i.e. X < 2^52/q);
//        h = fl(x*w), l = fma(x, w, -h)   (x*w = h + l exactly; h and l are integers);
//        d = fma(-c, q, h)           exact: h - c*q is an integer of magnitude < 2^53 (below);
//        r = d + l                   = x*w - c*q exactly (an integer < 2^53 in magnitude).
//    Error: |x*wq - x*w/q| <= |x*w/q| * eps <= X*q*eps/2, so |x*w/q - c| <= 1/2 + X*q*eps/2 and
//        |r| <= q * (1/2 + X*q*eps/2)  (q*eps < 1/8 for q < 2^50; < 1/128 for q < 2^46).
//    |d| <= |r| + |l| with |l| <= ulp(h)/2 <= X*q^2*eps/2 < 2^49 * X: far below 2^53.
//  * reduce(x) = x - round(x * fl(1/q)) * q (c by the same fma trick): |x*fl(1/q) - x/q| <= |x|*eps/q, so
//    the result is in [-q/2 - 1, q/2 + 1] for |x| < 2^52; call that 0.51q.
//  * to [0, q): r = reduce(x), then r + q where r < 0: in [0, q) since |r| < q.
//
// Lazy ranges (b = bound of |values| / q between stages):
//  * Forward (Cooley-Tukey x + w*y, x - w*y): b' <= b + 1/2 + b*q*eps/2. For q < 2^46 no intermediate
//    reduction: b <= (1 + 17/2) * (1 + 2^-8)^17 < 10.3 after 17 stages, X < 2^52/q >= 64 holds. For
//    2^46 <= q < 2^50 (factor <= 1 + 1/16 per stage) every other radix-4 pass (the last one always) reduces
//    its outputs to 0.51q; the longest unreduced chain is five stages from b = 1 (1, 1.57, 2.16, 2.80, 3.47,
//    4.19): X <= 3.47 < 4.
//  * Inverse (Gentleman-Sande x + y, (x - y)*w): sums double. For q < 2^46 the sums are reduced at the end
//    of the in-register stages (b <= 8 there) and of every other radix-4 pass (its 4-fold sums); products
//    are <= q(1/2 + X/256), so b <= 4.4 between passes and X <= 17 < 64 (details in inverse()). For
//    2^46 <= q < 2^50 the sums of every stage but the first of each radix-4 unit and of the in-register
//    stages are reduced: the first in-register stage has inputs in [0, q) (X < 1, sums < 2q), then
//    b <= 0.67 between stages, X <= 2.7 < 4 (b' = 1/2 + 4b/16 at the unreduced-then-reduced pairs).
//  The inverse's final stage multiplies by n^-1 (and w*n^-1): |r| < q.
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "ntt_kernels.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

// Every helper is forced inline: GCC otherwise keeps some of the K-way butterflies out of line, passing the
// vectors through memory (measured 15-20% slower).
#define HNN_FP64_INLINE inline __attribute__((always_inline))

namespace hnn::ntt_kernels {
namespace {

using V = __m512d;
constexpr int kRN = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
constexpr double kMagic = 6755399441055744.0;  // 1.5 * 2^52

struct Consts {
  V q, qinv, magic, zero;
  V qinv_up, offset;  // 1/q rounded up; 11q (see to_canonical_small)
  explicit Consts(std::uint64_t qv)
      : q(_mm512_set1_pd(static_cast<double>(qv))),
        qinv(_mm512_set1_pd(1.0 / static_cast<double>(qv))),
        magic(_mm512_set1_pd(kMagic)),
        zero(_mm512_setzero_pd()),
        qinv_up(_mm512_set1_pd(std::nextafter(1.0 / static_cast<double>(qv), 1.0))),
        offset(_mm512_set1_pd(11.0 * static_cast<double>(qv))) {}
};

struct Tw {
  V w, wq;
};

HNN_FP64_INLINE Tw bcast(const double* w, const double* wq, std::size_t i) {
  return {_mm512_set1_pd(w[i]), _mm512_set1_pd(wq[i])};
}

// Loads of the buffer: doubles, or (first pass) the caller's integers converted exactly (< 2^50).
template <bool kFromInt>
HNN_FP64_INLINE V load(const double* p) {
  if (kFromInt) return _mm512_cvtepu64_pd(_mm512_loadu_si512(p));
  return _mm512_loadu_pd(p);
}

// Where the forward transform's first pass reads its inputs (every later pass reads the buffer's doubles).
struct LoadIntegers {  // the buffer itself, residues in [0, q)
  HNN_FP64_INLINE V operator()(const double* p) const { return load<true>(p); }
};
struct LoadDoubles {  // the buffer itself, doubles (any pass after the first)
  HNN_FP64_INLINE V operator()(const double* p) const { return load<false>(p); }
};
// Key switching's digit conversion fused into the first pass: residues x modulo `from` at the same positions
// of `src`, centered (x - from where x > from/2). For from <= 2q they are integers of magnitude <= q, the
// input range the analysis above assumes, and the transform of the centered values equals the transform of
// their residues modulo q.
struct LoadLifted {
  const std::uint64_t* src;
  const double* dst;
  __m512i half;
  V from;
  HNN_FP64_INLINE V operator()(const double* p) const {
    const __m512i x = _mm512_loadu_si512(src + (p - dst));
    const V v = _mm512_cvtepu64_pd(x);
    return _mm512_mask_sub_pd(v, _mm512_cmpgt_epu64_mask(x, half), v, from);
  }
};
HNN_FP64_INLINE void store(double* p, V x) { _mm512_storeu_pd(p, x); }
// Store as integers (values already in [0, q), exact).
HNN_FP64_INLINE void store_int(double* p, V x) { _mm512_storeu_si512(p, _mm512_cvtpd_epu64(x)); }

// Explicit operations (the builtins with a rounding argument are never contracted or reassociated).
HNN_FP64_INLINE V add(V a, V b) { return _mm512_add_round_pd(a, b, kRN); }
HNN_FP64_INLINE V sub(V a, V b) { return _mm512_sub_round_pd(a, b, kRN); }

template <int K>
HNN_FP64_INLINE void mul(const V (&x)[K], const Tw* const (&t)[K], const Consts& c, V (&r)[K]) {
  V quo[K], h[K], l[K];
  for (int k = 0; k < K; ++k) quo[k] = _mm512_fmadd_round_pd(x[k], t[k]->wq, c.magic, kRN);
  for (int k = 0; k < K; ++k) h[k] = _mm512_mul_round_pd(x[k], t[k]->w, kRN);
  for (int k = 0; k < K; ++k) l[k] = _mm512_fmsub_round_pd(x[k], t[k]->w, h[k], kRN);
  for (int k = 0; k < K; ++k) quo[k] = sub(quo[k], c.magic);
  for (int k = 0; k < K; ++k) h[k] = _mm512_fnmadd_round_pd(quo[k], c.q, h[k], kRN);
  for (int k = 0; k < K; ++k) r[k] = add(h[k], l[k]);
}

HNN_FP64_INLINE V reduce(V x, const Consts& c) {
  const V quo = sub(_mm512_fmadd_round_pd(x, c.qinv, c.magic, kRN), c.magic);
  return _mm512_fnmadd_round_pd(quo, c.q, x, kRN);
}
// |x| < q -> [0, q).
HNN_FP64_INLINE V make_nonnegative(V x, const Consts& c) {
  return _mm512_mask_add_pd(x, _mm512_cmp_pd_mask(x, c.zero, _CMP_LT_OQ), x, c.q);
}
HNN_FP64_INLINE V to_canonical(V x, const Consts& c) { return make_nonnegative(reduce(x, c), c); }
// The same for |x| <= 10.3q with q < 2^46 (the forward kernel's lazy range), one operation less:
// y = x + 11q in (0, 21.3q); c = floor(y * u) with u = 1/q rounded up (the fma rounding toward -inf),
// y - c*q. With y = kq + s (0 <= s < q): y/q <= y*u <= y/q + 3*y*eps/q < k + (s + 1)/q (3*y*eps < 1), so
// c = k and the result is s, exactly.
HNN_FP64_INLINE V to_canonical_small(V x, const Consts& c) {
  const V y = add(x, c.offset);
  const V quo = sub(_mm512_fmadd_round_pd(y, c.qinv_up, c.magic, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC), c.magic);
  return _mm512_fnmadd_round_pd(quo, c.q, y, kRN);
}

// Perfect shuffles (as in simd_lanes_avx512.h).
HNN_FP64_INLINE V interleave_low(V a, V b) {
  return _mm512_permutex2var_pd(a, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), b);
}
HNN_FP64_INLINE V interleave_high(V a, V b) {
  return _mm512_permutex2var_pd(a, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), b);
}
HNN_FP64_INLINE V deinterleave_even(V a, V b) {
  return _mm512_permutex2var_pd(a, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), b);
}
HNN_FP64_INLINE V deinterleave_odd(V a, V b) {
  return _mm512_permutex2var_pd(a, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), b);
}
HNN_FP64_INLINE V load_broadcast2(const double* p) { return _mm512_broadcast_f64x2(_mm_loadu_pd(p)); }
HNN_FP64_INLINE V load_broadcast4(const double* p) { return _mm512_broadcast_f64x4(_mm256_loadu_pd(p)); }

constexpr std::size_t kMinN = 16;
constexpr std::size_t kCacheBlock = 2048;

// kBig: 2^46 <= q < 2^50 (see the range analysis above).
template <bool kBig>
struct Fp64Ntt {
  // Cooley-Tukey on K pairs: x + w*y, x - w*y.
  template <int K>
  HNN_FP64_INLINE static void ct(V* const (&x)[K], V* const (&y)[K], const Tw* const (&w)[K], const Consts& c) {
    V in[K], r[K];
    for (int k = 0; k < K; ++k) in[k] = *y[k];
    mul<K>(in, w, c, r);
    for (int k = 0; k < K; ++k) {
      *y[k] = sub(*x[k], r[k]);
      *x[k] = add(*x[k], r[k]);
    }
  }

  // Gentleman-Sande on K pairs: x + y (reduced if kReduce), (x - y)*w.
  template <int K, bool kReduce = kBig>
  HNN_FP64_INLINE static void gs(V* const (&x)[K], V* const (&y)[K], const Tw* const (&w)[K], const Consts& c) {
    V diff[K], r[K];
    for (int k = 0; k < K; ++k) {
      diff[k] = sub(*x[k], *y[k]);
      *x[k] = add(*x[k], *y[k]);
      if (kReduce) *x[k] = reduce(*x[k], c);
    }
    mul<K>(diff, w, c, r);
    for (int k = 0; k < K; ++k) *y[k] = r[k];
  }

  // ---------------------------------------------------------------------------------------------------
  // Forward.

  template <class Load>
  HNN_FP64_INLINE static void forward_radix2_block(double* p, std::size_t gap, const Tw& tw, const Consts& c,
                                                   const Load& load) {
    for (std::size_t j = 0; j < gap; j += 16) {  // gap >= 8; gap == 8 only for n == 16
      if (gap == 8) {
        V x = load(p), y = load(p + 8);
        ct<1>({&x}, {&y}, {&tw}, c);
        store(p, x);
        store(p + 8, y);
        return;
      }
      V x0 = load(p + j), x1 = load(p + j + 8);
      V y0 = load(p + gap + j), y1 = load(p + gap + j + 8);
      ct<2>({&x0, &x1}, {&y0, &y1}, {&tw, &tw}, c);
      store(p + j, x0);
      store(p + j + 8, x1);
      store(p + gap + j, y0);
      store(p + gap + j + 8, y1);
    }
  }

  template <bool kReduce, class Load>
  HNN_FP64_INLINE static void forward_radix4_units(double* p, double* p2, std::size_t half, std::size_t gap,
                                                   const Tw* t, const Tw* t2, const Consts& c, const Load& load) {
    V a0 = load(p), a1 = load(p + half), a2 = load(p + gap), a3 = load(p + gap + half);
    V b0 = load(p2), b1 = load(p2 + half), b2 = load(p2 + gap), b3 = load(p2 + gap + half);
    ct<4>({&a0, &a1, &b0, &b1}, {&a2, &a3, &b2, &b3}, {&t[0], &t[0], &t2[0], &t2[0]}, c);
    ct<4>({&a0, &a2, &b0, &b2}, {&a1, &a3, &b1, &b3}, {&t[1], &t[2], &t2[1], &t2[2]}, c);
    if (kReduce) {
      a0 = reduce(a0, c), a1 = reduce(a1, c), a2 = reduce(a2, c), a3 = reduce(a3, c);
      b0 = reduce(b0, c), b1 = reduce(b1, c), b2 = reduce(b2, c), b3 = reduce(b3, c);
    }
    store(p, a0);
    store(p + half, a1);
    store(p + gap, a2);
    store(p + gap + half, a3);
    store(p2, b0);
    store(p2 + half, b1);
    store(p2 + gap, b2);
    store(p2 + gap + half, b3);
  }

  template <bool kReduce, class Load>
  static void forward_radix4(double* a, std::size_t m, std::size_t gap, std::size_t begin, std::size_t end,
                             const double* w, const double* wq, const Consts& c, const Load& load) {
    const std::size_t half = gap / 2;
    const auto twiddles = [&](std::size_t i, Tw* t) {
      t[0] = bcast(w, wq, m + i);
      t[1] = bcast(w, wq, 2 * m + 2 * i);
      t[2] = bcast(w, wq, 2 * m + 2 * i + 1);
    };
    if (half == 8) {
      std::size_t i = begin;
      for (; i + 2 <= end; i += 2) {
        Tw t[3], t2[3];
        twiddles(i, t);
        twiddles(i + 1, t2);
        forward_radix4_units<kReduce>(a + 2 * i * gap, a + 2 * (i + 1) * gap, half, gap, t, t2, c, load);
      }
      if (i < end) {  // n = 32: a single block
        Tw t[3];
        twiddles(i, t);
        double* p = a + 2 * i * gap;
        V a0 = load(p), a1 = load(p + half), a2 = load(p + gap), a3 = load(p + gap + half);
        ct<2>({&a0, &a1}, {&a2, &a3}, {&t[0], &t[0]}, c);
        ct<2>({&a0, &a2}, {&a1, &a3}, {&t[1], &t[2]}, c);
        if (kReduce) a0 = reduce(a0, c), a1 = reduce(a1, c), a2 = reduce(a2, c), a3 = reduce(a3, c);
        store(p, a0);
        store(p + half, a1);
        store(p + gap, a2);
        store(p + gap + half, a3);
      }
      return;
    }
    for (std::size_t i = begin; i < end; ++i) {
      Tw t[3];
      twiddles(i, t);
      double* p = a + 2 * i * gap;
      for (std::size_t j = 0; j < half; j += 16)
        forward_radix4_units<kReduce>(p + j, p + j + 8, half, gap, t, t, c, load);
    }
  }

  // A radix-4 pass reading through `first` if it is the transform's first pass, else the buffer's doubles.
  template <class First>
  static void forward_radix4_any(bool is_first, const First& first, bool reduce, double* a, std::size_t m,
                                 std::size_t gap, std::size_t begin, std::size_t end, const double* w,
                                 const double* wq, const Consts& c) {
    if (reduce) {
      if (is_first) forward_radix4<true>(a, m, gap, begin, end, w, wq, c, first);
      else forward_radix4<true>(a, m, gap, begin, end, w, wq, c, LoadDoubles{});
    } else {
      if (is_first) forward_radix4<false>(a, m, gap, begin, end, w, wq, c, first);
      else forward_radix4<false>(a, m, gap, begin, end, w, wq, c, LoadDoubles{});
    }
  }

  // Spans 4, 2, 1 on K groups of 16 values from group g, then the reduction to [0, q) and the conversion.
  template <int K>
  HNN_FP64_INLINE static void forward_last_three(double* a, std::size_t g, const double* w, const double* wq,
                                                 std::size_t n,
                                 const Consts& c) {
    V x[K], y[K], x2[K], y2[K];
    Tw t[K];
    V* px[K];
    V* py[K];
    V* px2[K];
    V* py2[K];
    const Tw* pt[K];
    for (int k = 0; k < K; ++k) {
      px[k] = &x[k], py[k] = &y[k], px2[k] = &x2[k], py2[k] = &y2[k], pt[k] = &t[k];
      const V lo = load<false>(a + 16 * (g + k)), hi = load<false>(a + 16 * (g + k) + 8);
      x[k] = interleave_low(lo, hi);
      y[k] = interleave_high(lo, hi);
      t[k] = {load_broadcast2(w + n / 8 + 2 * (g + k)), load_broadcast2(wq + n / 8 + 2 * (g + k))};
    }
    ct<K>(px, py, pt, c);
    for (int k = 0; k < K; ++k) {
      x2[k] = interleave_low(x[k], y[k]);
      y2[k] = interleave_high(x[k], y[k]);
      t[k] = {load_broadcast4(w + n / 4 + 4 * (g + k)), load_broadcast4(wq + n / 4 + 4 * (g + k))};
    }
    ct<K>(px2, py2, pt, c);
    for (int k = 0; k < K; ++k) {
      x[k] = interleave_low(x2[k], y2[k]);
      y[k] = interleave_high(x2[k], y2[k]);
      t[k] = {_mm512_loadu_pd(w + n / 2 + 8 * (g + k)), _mm512_loadu_pd(wq + n / 2 + 8 * (g + k))};
    }
    ct<K>(px, py, pt, c);
    for (int k = 0; k < K; ++k) {
      const V rx = kBig ? to_canonical(x[k], c) : to_canonical_small(x[k], c);
      const V ry = kBig ? to_canonical(y[k], c) : to_canonical_small(y[k], c);
      store_int(a + 16 * (g + k), interleave_low(rx, ry));
      store_int(a + 16 * (g + k) + 8, interleave_high(rx, ry));
    }
  }

  // The first pass reads through `first` (LoadIntegers: in place).
  template <class First>
  static void forward(const NttTables& t, double* a, const First& first) {
    const std::size_t n = t.n();
    const Consts c(t.modulus().value());
    const double* w = t.fp64_root_powers();
    const double* wq = t.fp64_root_quotients();
    bool first_pass = true;
    std::size_t m = 1, gap = n / 2;
    // For q >= 2^46 the outputs of every other radix-4 pass are reduced, the last one always: at most five
    // stages from b = 1 before the first reduction (odd radix-2 stage and two passes: b <= 3.47, X <= 3.47 < 4),
    // four from b = 0.51 between reductions (X <= 2.2), and three from 0.51 after the last (X <= 1.6).
    const bool odd = (t.log_n() - 3) % 2 == 1;
    const int first_log_gap = t.log_n() - 1 - (odd ? 1 : 0);      // span of the first radix-4 pass
    const int passes = (first_log_gap - 2) / 2;                   // radix-4 passes
    const auto reduce_pass = [&](std::size_t g) {
      const int p = (first_log_gap - __builtin_ctzll(g)) / 2;
      return kBig && (passes - 1 - p) % 2 == 0;
    };
    if (odd) {
      forward_radix2_block(a, gap, bcast(w, wq, 1), c, first);
      first_pass = false;
      m = 2;
      gap /= 2;
    }
    for (; gap >= 16 && 2 * gap > kCacheBlock; m *= 4, gap /= 4) {
      forward_radix4_any(first_pass, first, reduce_pass(gap), a, m, gap, 0, m, w, wq, c);
      first_pass = false;
    }
    const std::size_t block = n < kCacheBlock ? n : kCacheBlock;
    for (std::size_t b = 0; b < n; b += block) {
      std::size_t mb = m, gb = gap;
      bool first_here = first_pass;
      for (; gb >= 16; mb *= 4, gb /= 4) {
        forward_radix4_any(first_here, first, reduce_pass(gb), a, mb, gb, b / (2 * gb), (b + block) / (2 * gb), w,
                           wq, c);
        first_here = false;
      }
      std::size_t g = b / 16;
      const std::size_t g_end = (b + block) / 16;
      for (; g + 4 <= g_end; g += 4) forward_last_three<4>(a, g, w, wq, n, c);
      for (; g + 2 <= g_end; g += 2) forward_last_three<2>(a, g, w, wq, n, c);
      if (g < g_end) forward_last_three<1>(a, g, w, wq, n, c);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Inverse.

  // Reads its 16 K integers from `in` (a itself, or the input of an out-of-place transform: each group of 16
  // is read and written at the same positions, so the later passes find everything in a).
  template <int K>
  HNN_FP64_INLINE static void inverse_first_three(const double* in, double* a, std::size_t g, const double* w,
                                                  const double* wq, std::size_t n, const Consts& c) {
    V x[K], y[K], x2[K], y2[K];
    Tw t[K];
    V* px[K];
    V* py[K];
    V* px2[K];
    V* py2[K];
    const Tw* pt[K];
    for (int k = 0; k < K; ++k) {
      px[k] = &x[k], py[k] = &y[k], px2[k] = &x2[k], py2[k] = &y2[k], pt[k] = &t[k];
      const V lo = load<true>(in + 16 * (g + k)), hi = load<true>(in + 16 * (g + k) + 8);
      x[k] = deinterleave_even(lo, hi);
      y[k] = deinterleave_odd(lo, hi);
      t[k] = {_mm512_loadu_pd(w + n / 2 + 8 * (g + k)), _mm512_loadu_pd(wq + n / 2 + 8 * (g + k))};
    }
    gs<K, false>(px, py, pt, c);  // inputs in [0, q): |x - y| < q, sums < 2q
    for (int k = 0; k < K; ++k) {
      x2[k] = deinterleave_even(x[k], y[k]);
      y2[k] = deinterleave_odd(x[k], y[k]);
      t[k] = {load_broadcast4(w + n / 4 + 4 * (g + k)), load_broadcast4(wq + n / 4 + 4 * (g + k))};
    }
    gs<K>(px2, py2, pt, c);
    for (int k = 0; k < K; ++k) {
      x[k] = deinterleave_even(x2[k], y2[k]);
      y[k] = deinterleave_odd(x2[k], y2[k]);
      t[k] = {load_broadcast2(w + n / 8 + 2 * (g + k)), load_broadcast2(wq + n / 8 + 2 * (g + k))};
    }
    gs<K>(px, py, pt, c);
    for (int k = 0; k < K; ++k) {
      if (!kBig) x[k] = reduce(x[k], c);
      store(a + 16 * (g + k), deinterleave_even(x[k], y[k]));
      store(a + 16 * (g + k) + 8, deinterleave_odd(x[k], y[k]));
    }
  }

  HNN_FP64_INLINE static void inverse_span8(double* a, std::size_t m, std::size_t begin, std::size_t end,
                                            const double* w,
                            const double* wq, const Consts& c) {
    for (std::size_t i = begin; i < end; i += 2) {
      const Tw t0 = bcast(w, wq, m + i), t1 = bcast(w, wq, m + i + 1);
      double* p = a + 16 * i;
      V x0 = load<false>(p), y0 = load<false>(p + 8), x1 = load<false>(p + 16), y1 = load<false>(p + 24);
      gs<2>({&x0, &x1}, {&y0, &y1}, {&t0, &t1}, c);
      store(p, x0);
      store(p + 8, y0);
      store(p + 16, x1);
      store(p + 24, y1);
    }
  }

  template <bool kReduceSum>
  HNN_FP64_INLINE static void inverse_radix4_units(double* p, double* p2, std::size_t gap, const Tw* t, const Tw* t2,
                                   const Consts& c) {
    V a0 = load<false>(p), a1 = load<false>(p + gap), a2 = load<false>(p + 2 * gap), a3 = load<false>(p + 3 * gap);
    V b0 = load<false>(p2), b1 = load<false>(p2 + gap), b2 = load<false>(p2 + 2 * gap),
      b3 = load<false>(p2 + 3 * gap);
    gs<4, false>({&a0, &a2, &b0, &b2}, {&a1, &a3, &b1, &b3}, {&t[0], &t[1], &t2[0], &t2[1]}, c);
    gs<4>({&a0, &a1, &b0, &b1}, {&a2, &a3, &b2, &b3}, {&t[2], &t[2], &t2[2], &t2[2]}, c);
    if (!kBig && kReduceSum) a0 = reduce(a0, c), b0 = reduce(b0, c);
    store(p, a0);
    store(p + gap, a1);
    store(p + 2 * gap, a2);
    store(p + 3 * gap, a3);
    store(p2, b0);
    store(p2 + gap, b1);
    store(p2 + 2 * gap, b2);
    store(p2 + 3 * gap, b3);
  }

  template <bool kReduceSum>
  static void inverse_radix4(double* a, std::size_t m, std::size_t gap, std::size_t begin, std::size_t end,
                             const double* w, const double* wq, const Consts& c) {
    const auto twiddles = [&](std::size_t i, Tw* t) {
      t[0] = bcast(w, wq, m + 2 * i);
      t[1] = bcast(w, wq, m + 2 * i + 1);
      t[2] = bcast(w, wq, m / 2 + i);
    };
    if (gap == 8) {
      for (std::size_t i = begin; i < end; i += 2) {
        Tw t[3], t2[3];
        twiddles(i, t);
        twiddles(i + 1, t2);
        inverse_radix4_units<kReduceSum>(a + 4 * i * gap, a + 4 * (i + 1) * gap, gap, t, t2, c);
      }
      return;
    }
    for (std::size_t i = begin; i < end; ++i) {
      Tw t[3];
      twiddles(i, t);
      double* p = a + 4 * i * gap;
      for (std::size_t j = 0; j < gap; j += 16) inverse_radix4_units<kReduceSum>(p + j, p + j + 8, gap, t, t, c);
    }
  }

  static void inverse_radix4_any(bool reduce_sum, double* a, std::size_t m, std::size_t gap, std::size_t begin,
                                 std::size_t end, const double* w, const double* wq, const Consts& c) {
    if (reduce_sum || kBig) inverse_radix4<true>(a, m, gap, begin, end, w, wq, c);
    else inverse_radix4<false>(a, m, gap, begin, end, w, wq, c);
  }

  static void inverse(const NttTables& t, const double* in, double* a) {
    const std::size_t n = t.n();
    const Modulus& q = t.modulus();
    const Consts c(q.value());
    const double* w = t.fp64_inv_root_powers();
    const double* wq = t.fp64_inv_root_quotients();

    const std::size_t block = n < kCacheBlock ? n : kCacheBlock;
    const bool odd_span8 = (t.log_n() - 4) % 2 == 1;
    std::size_t m = n / 16, gap = 8;
    // For q < 2^46, the 4-fold sums of the radix-4 passes are reduced every other pass (the 2nd, 4th, ...):
    // from b <= 1.04 after the in-register stages, b <= 4.2 after an unreduced pass and X <= 17 in a reducing
    // one, and at most 4.4 into the last stage (X <= 9): within the bounds above.
    const std::size_t g0 = odd_span8 ? 16 : 8;
    const auto reduce_sum = [](std::size_t g, std::size_t first) { return __builtin_ctzll(g / first) % 4 == 2; };
    for (std::size_t b = 0; b < n; b += block) {
      std::size_t g = b / 16;
      const std::size_t g_end = (b + block) / 16;
      for (; g + 4 <= g_end; g += 4) inverse_first_three<4>(in, a, g, w, wq, n, c);
      for (; g + 2 <= g_end; g += 2) inverse_first_three<2>(in, a, g, w, wq, n, c);
      if (g < g_end) inverse_first_three<1>(in, a, g, w, wq, n, c);
      std::size_t mb = n / 16, gb = 8;
      if (odd_span8) {
        inverse_span8(a, mb, b / 16, (b + block) / 16, w, wq, c);
        mb /= 2;
        gb *= 2;
      }
      for (; mb >= 4 && 4 * gb <= block; mb /= 4, gb *= 4)
        inverse_radix4_any(reduce_sum(gb, g0), a, mb, gb, b / (4 * gb), (b + block) / (4 * gb), w, wq, c);
      m = mb;
      gap = gb;
    }
    for (; m >= 4; m /= 4, gap *= 4) inverse_radix4_any(reduce_sum(gap, g0), a, m, gap, 0, m / 2, w, wq, c);

    // Last stage (span n/2, twiddle w[1]) fused with 1/n: x' = (x + y)/n, y' = (x - y) * w[1]/n, then
    // [0, q) and the conversion back to integers.
    const std::uint64_t ninv = t.inv_n().operand;
    const std::uint64_t wninv = mul_mod(t.inv_root_powers()[1], ninv, q);
    const auto centered = [&](std::uint64_t v) {
      return v > q.value() / 2 ? -static_cast<double>(q.value() - v) : static_cast<double>(v);
    };
    const double qd = static_cast<double>(q.value());
    const double s = centered(ninv), d = centered(wninv);
    const Tw t_sum = {_mm512_set1_pd(s), _mm512_set1_pd(s / qd)};
    const Tw t_diff = {_mm512_set1_pd(d), _mm512_set1_pd(d / qd)};
    const std::size_t half = n / 2;
    for (std::size_t j = 0; j < half; j += 8) {
      const V x = load<false>(a + j), y = load<false>(a + half + j);
      V in[2] = {add(x, y), sub(x, y)}, out[2];
      mul<2>(in, {&t_sum, &t_diff}, c, out);
      store_int(a + j, make_nonnegative(out[0], c));
      store_int(a + half + j, make_nonnegative(out[1], c));
    }
  }
};

}  // namespace

bool fp64_supports(const NttTables& t) { return t.has_fp64_tables() && t.n() >= kMinN; }

void forward_fp64_avx512(const NttTables& t, std::uint64_t* a) {
  if (!fp64_supports(t)) return forward_avx512(t, a);
  double* d = reinterpret_cast<double*>(a);
  if (t.modulus().value() < (std::uint64_t{1} << 46)) Fp64Ntt<false>::forward(t, d, LoadIntegers{});
  else Fp64Ntt<true>::forward(t, d, LoadIntegers{});
}

bool fp64_supports_lifted(const NttTables& t, std::uint64_t from) {
  return fp64_supports(t) && from <= 2 * t.modulus().value();
}

void forward_lifted_fp64_avx512(const NttTables& t, const std::uint64_t* in, std::uint64_t from,
                                std::uint64_t* out) {
  double* d = reinterpret_cast<double*>(out);
  const LoadLifted lifted{in, d, _mm512_set1_epi64(static_cast<long long>(from >> 1)),
                          _mm512_set1_pd(static_cast<double>(from))};
  if (t.modulus().value() < (std::uint64_t{1} << 46)) Fp64Ntt<false>::forward(t, d, lifted);
  else Fp64Ntt<true>::forward(t, d, lifted);
}

void inverse_fp64_avx512(const NttTables& t, std::uint64_t* a) { inverse_fp64_avx512(t, a, a); }

void inverse_fp64_avx512(const NttTables& t, const std::uint64_t* in, std::uint64_t* out) {
  if (!fp64_supports(t)) {
    if (in != out) std::copy(in, in + t.n(), out);
    return inverse_avx512(t, out);
  }
  const double* src = reinterpret_cast<const double*>(in);
  double* d = reinterpret_cast<double*>(out);
  if (t.modulus().value() < (std::uint64_t{1} << 46)) Fp64Ntt<false>::inverse(t, src, d);
  else Fp64Ntt<true>::inverse(t, src, d);
}

}  // namespace hnn::ntt_kernels
