// Private: the vectorised negacyclic NTT, written once over a lane backend L (8 x 64-bit lanes, see
// simd_lanes_*.h) and a Shoup multiplier M<L> (shoup_vector.h). It computes exactly what
// NttTables::forward()/inverse() specify, from the same tables. Like the portable kernels in ntt.cpp it keeps
// values lazily reduced between stages (D. Harvey, "Faster arithmetic for number-theoretic transforms",
// 2014), with the ranges widened by the multiplier's output bound R = M::kBound (its products are in
// [0, Rq)): [0, 2Rq) between forward stages and [0, Rq) between inverse stages. With R = 2 (IFMA) these are
// Harvey's [0, 4q) and [0, 2q); with R = 4 (AVX-512F, whose cheaper approximate quotient gives products in
// [0, 4q)) they are [0, 8q) and [0, 4q), below 2^63 for q < 2^60, and each butterfly still needs only one
// conditional subtraction. Outputs are fully reduced, so every kernel gives the same bits.
//
// Structure (n >= 16):
//  * stages whose butterfly span is >= 8 work on whole registers with one broadcast twiddle per block; they
//    are fused two at a time (radix-4: four registers, three twiddles), which halves the passes over memory;
//  * the three stages of span 4, 2, 1 are done together on 16 values held in two registers, reordered
//    between stages by perfect shuffles (interleave / deinterleave). The lane orders are chosen so that the
//    twiddles each stage needs are plain or broadcast loads from the existing bit-reversed tables:
//        span 4: [e0 e8 e1 e9 e2 e10 e3 e11 | e4 e12 ...]  twiddles (t0 t1) x 4  -> load_broadcast2
//        span 2: [e0 e4 e8 e12 e1 e5 e9 e13 | e2 e6 ...]   twiddles (s0..s3) x 2 -> load_broadcast4
//        span 1: [e0 e2 e4 ... e14 | e1 e3 ... e15]        twiddles (r0..r7)     -> load
//    and each order is the interleave of the previous one with itself;
//  * the forward transform's final reduction to [0, q) is fused into its last pass, and the inverse's
//    multiplication by 1/n into its last stage (with w * 1/n as that stage's twiddle);
//  * the butterflies are issued four (or two) independent ones at a time, interleaved instruction by
//    instruction: a single Shoup product is a long dependency chain, and the out-of-order window alone does
//    not overlap enough of them (measured: about 20% faster than one at a time on Cascade Lake);
//  * once blocks fit a cache block (kCacheBlock values), the remaining stages run depth first, block by
//    block, while the block is in L1.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hnn/ring/ntt.h"

namespace hnn::simd {
namespace {

template <class L, template <class> class Mul>
struct VectorNtt {
  using V = typename L::V;
  using M = Mul<L>;
  using Twiddle = typename M::Twiddle;

  /// The smallest n this kernel handles (the in-register stages need 16 values).
  static constexpr std::size_t kMinN = 16;
  /// Values per cache block of the depth-first part (16 KiB of data: half of a typical L1 data cache, the
  /// rest for the twiddles the block needs).
  static constexpr std::size_t kCacheBlock = 2048;

  static constexpr std::uint64_t R = M::kBound;
  static_assert(R == 2 || R == 4, "multiplier output bound");

  struct Consts {
    typename M::Constants mul;
    V q, two_q, four_q, rq;  // rq = R * q
    explicit Consts(std::uint64_t qv)
        : mul(M::constants(qv)),
          q(L::set1(qv)),
          two_q(L::set1(2 * qv)),
          four_q(L::set1(4 * qv)),
          rq(L::set1(R * qv)) {}
  };

  static Twiddle broadcast(std::uint64_t w, std::uint64_t wq) { return M::make(L::set1(w), L::set1(wq)); }

  // The butterflies take K independent pairs at once (x[k], y[k] with twiddle w[k]) and interleave them step
  // by step, so that the long dependency chains of the products overlap (see shoup_vector.h).

  // Cooley-Tukey: x, y in [0, 2Rq) -> x + w*y, x - w*y, both in [0, 2Rq).
  template <int K>
  static void ct(V* const (&x)[K], V* const (&y)[K], const Twiddle* const (&w)[K], const Consts& c) {
    V u[K], v[K], in[K];
    for (int k = 0; k < K; ++k) in[k] = *y[k];
    M::template mul_lazy<K>(in, w, c.mul, v);                                   // [0, Rq)
    for (int k = 0; k < K; ++k) u[k] = L::reduce_below(*x[k], c.rq);           // [0, Rq)
    for (int k = 0; k < K; ++k) *x[k] = L::add(u[k], v[k]);
    for (int k = 0; k < K; ++k) *y[k] = L::sub(L::add(u[k], c.rq), v[k]);
  }

  // Gentleman-Sande: x, y in [0, Rq) -> x + y, (x - y) * w, both in [0, Rq).
  template <int K>
  static void gs(V* const (&x)[K], V* const (&y)[K], const Twiddle* const (&w)[K], const Consts& c) {
    V diff[K], prod[K];
    for (int k = 0; k < K; ++k) diff[k] = L::sub(L::add(*x[k], c.rq), *y[k]);
    for (int k = 0; k < K; ++k) *x[k] = L::reduce_below(L::add(*x[k], *y[k]), c.rq);
    M::template mul_lazy<K>(diff, w, c.mul, prod);
    for (int k = 0; k < K; ++k) *y[k] = prod[k];
  }

  // [0, 2Rq) -> [0, q), and [0, Rq) -> [0, q).
  static V reduce_from_2r(V x, const Consts& c) {
    if (R == 4) x = L::reduce_below(x, c.four_q);
    return L::reduce_below(L::reduce_below(x, c.two_q), c.q);
  }
  static V reduce_from_r(V x, const Consts& c) {
    if (R == 4) x = L::reduce_below(x, c.two_q);
    return L::reduce_below(x, c.q);
  }

  // Forward stage of span `gap` (>= 8) on one block with one twiddle.
  static void forward_radix2_block(std::uint64_t* p, std::size_t gap, const Twiddle& tw, const Consts& c) {
    std::size_t j = 0;
    for (; j + 16 <= gap; j += 16) {
      V x0 = L::load(p + j), x1 = L::load(p + j + 8), y0 = L::load(p + gap + j), y1 = L::load(p + gap + j + 8);
      ct<2>({&x0, &x1}, {&y0, &y1}, {&tw, &tw}, c);
      L::store(p + j, x0);
      L::store(p + j + 8, x1);
      L::store(p + gap + j, y0);
      L::store(p + gap + j + 8, y1);
    }
    for (; j < gap; j += 8) {
      V x = L::load(p + j), y = L::load(p + gap + j);
      ct<1>({&x}, {&y}, {&tw}, c);
      L::store(p + j, x);
      L::store(p + gap + j, y);
    }
  }

  // Spans 4, 2, 1 on K groups of 16 values starting at group g, then the reduction to [0, q).
  template <int K>
  static void forward_last_three(std::uint64_t* a, std::size_t g, const std::uint64_t* w, const std::uint64_t* wq,
                                 std::size_t n, const Consts& c) {
    V x[K], y[K], x2[K], y2[K];
    Twiddle t[K];
    V* px[K];
    V* py[K];
    V* px2[K];
    V* py2[K];
    const Twiddle* pt[K];
    for (int k = 0; k < K; ++k) {
      px[k] = &x[k], py[k] = &y[k], px2[k] = &x2[k], py2[k] = &y2[k], pt[k] = &t[k];
      const V lo = L::load(a + 16 * (g + k)), hi = L::load(a + 16 * (g + k) + 8);
      x[k] = L::interleave_low(lo, hi);
      y[k] = L::interleave_high(lo, hi);
      t[k] = M::make(L::load_broadcast2(w + n / 8 + 2 * (g + k)), L::load_broadcast2(wq + n / 8 + 2 * (g + k)));
    }
    ct<K>(px, py, pt, c);
    for (int k = 0; k < K; ++k) {
      x2[k] = L::interleave_low(x[k], y[k]);
      y2[k] = L::interleave_high(x[k], y[k]);
      t[k] = M::make(L::load_broadcast4(w + n / 4 + 4 * (g + k)), L::load_broadcast4(wq + n / 4 + 4 * (g + k)));
    }
    ct<K>(px2, py2, pt, c);
    for (int k = 0; k < K; ++k) {
      x[k] = L::interleave_low(x2[k], y2[k]);
      y[k] = L::interleave_high(x2[k], y2[k]);
      t[k] = M::make(L::load(w + n / 2 + 8 * (g + k)), L::load(wq + n / 2 + 8 * (g + k)));
    }
    ct<K>(px, py, pt, c);
    for (int k = 0; k < K; ++k) {
      const V rx = reduce_from_2r(x[k], c), ry = reduce_from_2r(y[k], c);
      L::store(a + 16 * (g + k), L::interleave_low(rx, ry));
      L::store(a + 16 * (g + k) + 8, L::interleave_high(rx, ry));
    }
  }

  // Radix-4 forward units: four registers at p, p + half, p + gap, p + gap + half; butterflies (0, 2) and
  // (1, 3) with twiddle t[0], then (0, 1) with t[1] and (2, 3) with t[2]. Two units at once (p and p2, with
  // twiddles t and t2), interleaved.
  static void forward_radix4_units(std::uint64_t* p, std::uint64_t* p2, std::size_t half, std::size_t gap,
                                   const Twiddle* t, const Twiddle* t2, const Consts& c) {
    V a0 = L::load(p), a1 = L::load(p + half), a2 = L::load(p + gap), a3 = L::load(p + gap + half);
    V b0 = L::load(p2), b1 = L::load(p2 + half), b2 = L::load(p2 + gap), b3 = L::load(p2 + gap + half);
    ct<4>({&a0, &a1, &b0, &b1}, {&a2, &a3, &b2, &b3}, {&t[0], &t[0], &t2[0], &t2[0]}, c);
    ct<4>({&a0, &a2, &b0, &b2}, {&a1, &a3, &b1, &b3}, {&t[1], &t[2], &t2[1], &t2[2]}, c);
    L::store(p, a0);
    L::store(p + half, a1);
    L::store(p + gap, a2);
    L::store(p + gap + half, a3);
    L::store(p2, b0);
    L::store(p2 + half, b1);
    L::store(p2 + gap, b2);
    L::store(p2 + gap + half, b3);
  }

  // Radix-4 forward on blocks i in [begin, end): stage m (span gap, twiddle w[m+i] for block
  // i), then stage 2m (span gap/2, blocks 2i, 2i+1). Block i covers a[2*i*gap, 2*(i+1)*gap).
  static void forward_radix4(std::uint64_t* a, std::size_t m, std::size_t gap, std::size_t begin, std::size_t end,
                             const std::uint64_t* w, const std::uint64_t* wq, const Consts& c) {
    const std::size_t half = gap / 2;
    const auto twiddles = [&](std::size_t i, Twiddle* t) {
      t[0] = broadcast(w[m + i], wq[m + i]);
      t[1] = broadcast(w[2 * m + 2 * i], wq[2 * m + 2 * i]);
      t[2] = broadcast(w[2 * m + 2 * i + 1], wq[2 * m + 2 * i + 1]);
    };
    if (half == 8) {  // one register per quarter: pair the units of two blocks
      std::size_t i = begin;
      for (; i + 2 <= end; i += 2) {
        Twiddle t[3], t2[3];
        twiddles(i, t);
        twiddles(i + 1, t2);
        forward_radix4_units(a + 2 * i * gap, a + 2 * (i + 1) * gap, half, gap, t, t2, c);
      }
      if (i < end) {  // n = 32: a single block
        Twiddle t[3];
        twiddles(i, t);
        std::uint64_t* p = a + 2 * i * gap;
        V a0 = L::load(p), a1 = L::load(p + half), a2 = L::load(p + gap), a3 = L::load(p + gap + half);
        ct<2>({&a0, &a1}, {&a2, &a3}, {&t[0], &t[0]}, c);
        ct<2>({&a0, &a2}, {&a1, &a3}, {&t[1], &t[2]}, c);
        L::store(p, a0);
        L::store(p + half, a1);
        L::store(p + gap, a2);
        L::store(p + gap + half, a3);
      }
      return;
    }
    for (std::size_t i = begin; i < end; ++i) {
      Twiddle t[3];
      twiddles(i, t);
      std::uint64_t* p = a + 2 * i * gap;
      for (std::size_t j = 0; j < half; j += 16) forward_radix4_units(p + j, p + j + 8, half, gap, t, t, c);
    }
  }

  static void forward(const NttTables& t, std::uint64_t* a) {
    const std::size_t n = t.n();
    const Consts c(t.modulus().value());
    const std::uint64_t* w = t.root_powers();
    const std::uint64_t* wq = t.root_quotients();

    // Stages with span >= 8: log2(n) - 3 of them; an odd one out is done alone first.
    std::size_t m = 1, gap = n / 2;
    if ((t.log_n() - 3) % 2 == 1) {
      forward_radix2_block(a, gap, broadcast(w[1], wq[1]), c);
      m = 2;
      gap /= 2;
    }
    // Breadth first while the blocks are larger than a cache block, then depth first: each cache block
    // through all remaining stages while it is in L1.
    for (; gap >= 16 && 2 * gap > kCacheBlock; m *= 4, gap /= 4) forward_radix4(a, m, gap, 0, m, w, wq, c);
    const std::size_t block = n < kCacheBlock ? n : kCacheBlock;
    for (std::size_t b = 0; b < n; b += block) {
      std::size_t mb = m, gb = gap;
      for (; gb >= 16; mb *= 4, gb /= 4) forward_radix4(a, mb, gb, b / (2 * gb), (b + block) / (2 * gb), w, wq, c);
      std::size_t g = b / 16;
      const std::size_t g_end = (b + block) / 16;
      for (; g + 4 <= g_end; g += 4) forward_last_three<4>(a, g, w, wq, n, c);
      for (; g + 2 <= g_end; g += 2) forward_last_three<2>(a, g, w, wq, n, c);
      if (g < g_end) forward_last_three<1>(a, g, w, wq, n, c);
    }
  }

  // Spans 1, 2, 4 on K groups of 16 values (the reverse of forward_last_three).
  template <int K>
  static void inverse_first_three(std::uint64_t* a, std::size_t g, const std::uint64_t* w, const std::uint64_t* wq,
                                  std::size_t n, const Consts& c) {
    V x[K], y[K], x2[K], y2[K];
    Twiddle t[K];
    V* px[K];
    V* py[K];
    V* px2[K];
    V* py2[K];
    const Twiddle* pt[K];
    for (int k = 0; k < K; ++k) {
      px[k] = &x[k], py[k] = &y[k], px2[k] = &x2[k], py2[k] = &y2[k], pt[k] = &t[k];
      const V lo = L::load(a + 16 * (g + k)), hi = L::load(a + 16 * (g + k) + 8);
      x[k] = L::deinterleave_even(lo, hi);
      y[k] = L::deinterleave_odd(lo, hi);
      t[k] = M::make(L::load(w + n / 2 + 8 * (g + k)), L::load(wq + n / 2 + 8 * (g + k)));
    }
    gs<K>(px, py, pt, c);
    for (int k = 0; k < K; ++k) {
      x2[k] = L::deinterleave_even(x[k], y[k]);
      y2[k] = L::deinterleave_odd(x[k], y[k]);
      t[k] = M::make(L::load_broadcast4(w + n / 4 + 4 * (g + k)), L::load_broadcast4(wq + n / 4 + 4 * (g + k)));
    }
    gs<K>(px2, py2, pt, c);
    for (int k = 0; k < K; ++k) {
      x[k] = L::deinterleave_even(x2[k], y2[k]);
      y[k] = L::deinterleave_odd(x2[k], y2[k]);
      t[k] = M::make(L::load_broadcast2(w + n / 8 + 2 * (g + k)), L::load_broadcast2(wq + n / 8 + 2 * (g + k)));
    }
    gs<K>(px, py, pt, c);
    for (int k = 0; k < K; ++k) {
      L::store(a + 16 * (g + k), L::deinterleave_even(x[k], y[k]));
      L::store(a + 16 * (g + k) + 8, L::deinterleave_odd(x[k], y[k]));
    }
  }

  // The inverse stage of span 8 on blocks i in [begin, end) (block i: a[16 i, 16 i + 16), twiddle w[m + i]),
  // two blocks at a time (begin and end are even).
  static void inverse_span8(std::uint64_t* a, std::size_t m, std::size_t begin, std::size_t end,
                            const std::uint64_t* w, const std::uint64_t* wq, const Consts& c) {
    for (std::size_t i = begin; i < end; i += 2) {
      const Twiddle t0 = broadcast(w[m + i], wq[m + i]), t1 = broadcast(w[m + i + 1], wq[m + i + 1]);
      std::uint64_t* p = a + 16 * i;
      V x0 = L::load(p), y0 = L::load(p + 8), x1 = L::load(p + 16), y1 = L::load(p + 24);
      gs<2>({&x0, &x1}, {&y0, &y1}, {&t0, &t1}, c);
      L::store(p, x0);
      L::store(p + 8, y0);
      L::store(p + 16, x1);
      L::store(p + 24, y1);
    }
  }

  // Radix-4 inverse units: four registers at p, p + gap, p + 2 gap, p + 3 gap; butterflies (0, 1) with t[0]
  // and (2, 3) with t[1], then (0, 2) and (1, 3) with t[2]. Two units at once (p with t, p2 with t2).
  static void inverse_radix4_units(std::uint64_t* p, std::uint64_t* p2, std::size_t gap, const Twiddle* t,
                                   const Twiddle* t2, const Consts& c) {
    V a0 = L::load(p), a1 = L::load(p + gap), a2 = L::load(p + 2 * gap), a3 = L::load(p + 3 * gap);
    V b0 = L::load(p2), b1 = L::load(p2 + gap), b2 = L::load(p2 + 2 * gap), b3 = L::load(p2 + 3 * gap);
    gs<4>({&a0, &a2, &b0, &b2}, {&a1, &a3, &b1, &b3}, {&t[0], &t[1], &t2[0], &t2[1]}, c);
    gs<4>({&a0, &a1, &b0, &b1}, {&a2, &a3, &b2, &b3}, {&t[2], &t[2], &t2[2], &t2[2]}, c);
    L::store(p, a0);
    L::store(p + gap, a1);
    L::store(p + 2 * gap, a2);
    L::store(p + 3 * gap, a3);
    L::store(p2, b0);
    L::store(p2 + gap, b1);
    L::store(p2 + 2 * gap, b2);
    L::store(p2 + 3 * gap, b3);
  }

  // Radix-4 inverse on units i in [begin, end) (an even count if gap == 8, as the callers guarantee): stage m (span gap, blocks 2i, 2i+1), then
  // stage m/2 (span 2*gap, block i). Unit i covers a[4*i*gap, 4*(i+1)*gap).
  static void inverse_radix4(std::uint64_t* a, std::size_t m, std::size_t gap, std::size_t begin, std::size_t end,
                             const std::uint64_t* w, const std::uint64_t* wq, const Consts& c) {
    const auto twiddles = [&](std::size_t i, Twiddle* t) {
      t[0] = broadcast(w[m + 2 * i], wq[m + 2 * i]);
      t[1] = broadcast(w[m + 2 * i + 1], wq[m + 2 * i + 1]);
      t[2] = broadcast(w[m / 2 + i], wq[m / 2 + i]);
    };
    if (gap == 8) {  // one register per quarter: pair two units
      for (std::size_t i = begin; i < end; i += 2) {
        Twiddle t[3], t2[3];
        twiddles(i, t);
        twiddles(i + 1, t2);
        inverse_radix4_units(a + 4 * i * gap, a + 4 * (i + 1) * gap, gap, t, t2, c);
      }
      return;
    }
    for (std::size_t i = begin; i < end; ++i) {
      Twiddle t[3];
      twiddles(i, t);
      std::uint64_t* p = a + 4 * i * gap;
      for (std::size_t j = 0; j < gap; j += 16) inverse_radix4_units(p + j, p + j + 8, gap, t, t, c);
    }
  }

  static void inverse(const NttTables& t, std::uint64_t* a) {
    const std::size_t n = t.n();
    const Modulus& q = t.modulus();
    const Consts c(q.value());
    const std::uint64_t* w = t.inv_root_powers();
    const std::uint64_t* wq = t.inv_root_quotients();

    // Depth first: each cache block through the stages that stay inside it (spans 1, 2, 4 in registers,
    // an odd stage of span 8, then radix-4 pairs of stages m (span gap) and m/2 (span 2*gap), 4*gap <= block).
    const std::size_t block = n < kCacheBlock ? n : kCacheBlock;
    const bool odd_span8 = (t.log_n() - 4) % 2 == 1;
    std::size_t m = n / 16, gap = 8;
    for (std::size_t b = 0; b < n; b += block) {
      std::size_t g = b / 16;
      const std::size_t g_end = (b + block) / 16;
      for (; g + 4 <= g_end; g += 4) inverse_first_three<4>(a, g, w, wq, n, c);
      for (; g + 2 <= g_end; g += 2) inverse_first_three<2>(a, g, w, wq, n, c);
      if (g < g_end) inverse_first_three<1>(a, g, w, wq, n, c);
      std::size_t mb = n / 16, gb = 8;
      if (odd_span8) {
        inverse_span8(a, mb, b / 16, (b + block) / 16, w, wq, c);
        mb /= 2;
        gb *= 2;
      }
      for (; mb >= 4 && 4 * gb <= block; mb /= 4, gb *= 4)
        inverse_radix4(a, mb, gb, b / (4 * gb), (b + block) / (4 * gb), w, wq, c);
      m = mb;
      gap = gb;
    }
    // Then breadth first for the stages whose units are larger than a cache block.
    for (; m >= 4; m /= 4, gap *= 4) inverse_radix4(a, m, gap, 0, m / 2, w, wq, c);

    // Last stage (span n/2, twiddle w[1]) fused with the factor 1/n: x' = (x + y)/n, y' = (x - y) * w[1]/n.
    const ShoupMultiplier& inv_n = t.inv_n();
    const ShoupMultiplier w_inv_n(mul_mod(w[1], inv_n.operand, q), q);
    const Twiddle t_sum = broadcast(inv_n.operand, inv_n.quotient);
    const Twiddle t_diff = broadcast(w_inv_n.operand, w_inv_n.quotient);
    const std::size_t half = n / 2;
    for (std::size_t j = 0; j < half; j += 8) {
      const V x = L::load(a + j), y = L::load(a + half + j);
      V in[2] = {L::add(x, y), L::sub(L::add(x, c.rq), y)}, out[2];
      M::template mul_lazy<2>(in, {&t_sum, &t_diff}, c.mul, out);
      L::store(a + j, reduce_from_r(out[0], c));
      L::store(a + half + j, reduce_from_r(out[1], c));
    }
  }
};

}  // namespace
}  // namespace hnn::simd
