// Private: the vectorised negacyclic NTT, written once over a lane backend L (8 x 64-bit lanes, see
// simd_lanes_*.h) and a Shoup multiplier M<L> (shoup_vector.h). It computes exactly what
// NttTables::forward()/inverse() specify, from the same tables, with the same lazy ranges as the portable
// kernels in ntt.cpp, but with Harvey's lazy ranges (D. Harvey 2014) widened by the multiplier's output
// bound R = M::kBound (its products are in [0, Rq)): values stay in [0, 2Rq) between forward stages and in
// [0, Rq) between inverse stages. With R = 2 (IFMA) these are Harvey's [0, 4q) and [0, 2q); with R = 4
// (AVX-512F, whose cheaper approximate quotient gives products in [0, 4q)) they are [0, 8q) and [0, 4q),
// below 2^63 for q < 2^60, and each butterfly still needs only one conditional subtraction.
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
//    multiplication by 1/n into its last stage (with w * 1/n as that stage's twiddle).
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

  static constexpr std::uint64_t R = M::kBound;
  static_assert(R == 2 || R == 4, "multiplier output bound");

  struct Consts {
    V q, two_q, four_q, rq;  // rq = R * q
    explicit Consts(std::uint64_t qv)
        : q(L::set1(qv)), two_q(L::set1(2 * qv)), four_q(L::set1(4 * qv)), rq(L::set1(R * qv)) {}
  };

  static Twiddle broadcast(std::uint64_t w, std::uint64_t wq) { return M::make(L::set1(w), L::set1(wq)); }

  // Cooley-Tukey butterfly: x, y in [0, 2Rq) -> x + w*y, x - w*y, both in [0, 2Rq).
  static void ct(V& x, V& y, const Twiddle& w, const Consts& c) {
    const V u = L::reduce_below(x, c.rq);  // [0, Rq)
    const V v = M::mul_lazy(y, w, c.q);    // [0, Rq)
    x = L::add(u, v);
    y = L::sub(L::add(u, c.rq), v);
  }

  // Gentleman-Sande butterfly: x, y in [0, Rq) -> x + y, (x - y) * w, both in [0, Rq).
  static void gs(V& x, V& y, const Twiddle& w, const Consts& c) {
    const V u = x, v = y;
    x = L::reduce_below(L::add(u, v), c.rq);
    y = M::mul_lazy(L::sub(L::add(u, c.rq), v), w, c.q);
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

  static void forward(const NttTables& t, std::uint64_t* a) {
    const std::size_t n = t.n();
    const std::uint64_t qv = t.modulus().value();
    const Consts c(qv);
    const std::uint64_t* w = t.root_powers();
    const std::uint64_t* wq = t.root_quotients();

    // Stages with span >= 8: log2(n) - 3 of them; an odd one out is done alone first.
    std::size_t m = 1, gap = n / 2;
    if ((t.log_n() - 3) % 2 == 1) {
      const Twiddle tw = broadcast(w[1], wq[1]);
      for (std::size_t j = 0; j < gap; j += 8) {
        V x = L::load(a + j), y = L::load(a + gap + j);
        ct(x, y, tw, c);
        L::store(a + j, x);
        L::store(a + gap + j, y);
      }
      m = 2;
      gap /= 2;
    }
    // Radix-4: stage m (span gap, twiddle w[m+i] for block i), then stage 2m (span gap/2, blocks 2i, 2i+1).
    for (; gap >= 16; m *= 4, gap /= 4) {
      const std::size_t half = gap / 2;
      for (std::size_t i = 0; i < m; ++i) {
        const Twiddle t1 = broadcast(w[m + i], wq[m + i]);
        const Twiddle t2 = broadcast(w[2 * m + 2 * i], wq[2 * m + 2 * i]);
        const Twiddle t3 = broadcast(w[2 * m + 2 * i + 1], wq[2 * m + 2 * i + 1]);
        std::uint64_t* p = a + 2 * i * gap;
        for (std::size_t j = 0; j < half; j += 8) {
          V a0 = L::load(p + j), a1 = L::load(p + half + j), a2 = L::load(p + gap + j),
            a3 = L::load(p + gap + half + j);
          ct(a0, a2, t1, c);
          ct(a1, a3, t1, c);
          ct(a0, a1, t2, c);
          ct(a2, a3, t3, c);
          L::store(p + j, a0);
          L::store(p + half + j, a1);
          L::store(p + gap + j, a2);
          L::store(p + gap + half + j, a3);
        }
      }
    }
    // Spans 4, 2, 1 on groups of 16 values, then the reduction to [0, q).
    const std::size_t groups = n / 16;
    const std::uint64_t *w4 = w + n / 8, *wq4 = wq + n / 8;
    const std::uint64_t *w2 = w + n / 4, *wq2 = wq + n / 4;
    const std::uint64_t *w1 = w + n / 2, *wq1 = wq + n / 2;
    for (std::size_t g = 0; g < groups; ++g) {
      std::uint64_t* p = a + 16 * g;
      const V lo = L::load(p), hi = L::load(p + 8);
      V x = L::interleave_low(lo, hi), y = L::interleave_high(lo, hi);
      ct(x, y, M::make(L::load_broadcast2(w4 + 2 * g), L::load_broadcast2(wq4 + 2 * g)), c);
      V x2 = L::interleave_low(x, y), y2 = L::interleave_high(x, y);
      ct(x2, y2, M::make(L::load_broadcast4(w2 + 4 * g), L::load_broadcast4(wq2 + 4 * g)), c);
      x = L::interleave_low(x2, y2);
      y = L::interleave_high(x2, y2);
      ct(x, y, M::make(L::load(w1 + 8 * g), L::load(wq1 + 8 * g)), c);
      x = reduce_from_2r(x, c);
      y = reduce_from_2r(y, c);
      L::store(p, L::interleave_low(x, y));
      L::store(p + 8, L::interleave_high(x, y));
    }
  }

  static void inverse(const NttTables& t, std::uint64_t* a) {
    const std::size_t n = t.n();
    const Modulus& q = t.modulus();
    const std::uint64_t qv = q.value();
    const Consts c(qv);
    const std::uint64_t* w = t.inv_root_powers();
    const std::uint64_t* wq = t.inv_root_quotients();

    // Spans 1, 2, 4 on groups of 16 values (the reverse of the forward's last pass).
    const std::size_t groups = n / 16;
    const std::uint64_t *w4 = w + n / 8, *wq4 = wq + n / 8;
    const std::uint64_t *w2 = w + n / 4, *wq2 = wq + n / 4;
    const std::uint64_t *w1 = w + n / 2, *wq1 = wq + n / 2;
    for (std::size_t g = 0; g < groups; ++g) {
      std::uint64_t* p = a + 16 * g;
      const V lo = L::load(p), hi = L::load(p + 8);
      V x = L::deinterleave_even(lo, hi), y = L::deinterleave_odd(lo, hi);
      gs(x, y, M::make(L::load(w1 + 8 * g), L::load(wq1 + 8 * g)), c);
      V x2 = L::deinterleave_even(x, y), y2 = L::deinterleave_odd(x, y);
      gs(x2, y2, M::make(L::load_broadcast4(w2 + 4 * g), L::load_broadcast4(wq2 + 4 * g)), c);
      x = L::deinterleave_even(x2, y2);
      y = L::deinterleave_odd(x2, y2);
      gs(x, y, M::make(L::load_broadcast2(w4 + 2 * g), L::load_broadcast2(wq4 + 2 * g)), c);
      L::store(p, L::deinterleave_even(x, y));
      L::store(p + 8, L::deinterleave_odd(x, y));
    }

    // Stages of span 8 .. n/4 (log2(n) - 4 of them): an odd one out alone, then radix-4 pairs.
    std::size_t m = n / 16, gap = 8;
    if ((t.log_n() - 4) % 2 == 1) {
      for (std::size_t i = 0; i < m; ++i) {
        const Twiddle tw = broadcast(w[m + i], wq[m + i]);
        std::uint64_t* p = a + 2 * i * gap;
        for (std::size_t j = 0; j < gap; j += 8) {
          V x = L::load(p + j), y = L::load(p + gap + j);
          gs(x, y, tw, c);
          L::store(p + j, x);
          L::store(p + gap + j, y);
        }
      }
      m /= 2;
      gap *= 2;
    }
    // Radix-4: stage m (span gap, blocks 2i, 2i+1), then stage m/2 (span 2*gap, block i).
    for (; m >= 4; m /= 4, gap *= 4) {
      for (std::size_t i = 0; i < m / 2; ++i) {
        const Twiddle t1 = broadcast(w[m + 2 * i], wq[m + 2 * i]);
        const Twiddle t2 = broadcast(w[m + 2 * i + 1], wq[m + 2 * i + 1]);
        const Twiddle t3 = broadcast(w[m / 2 + i], wq[m / 2 + i]);
        std::uint64_t* p = a + 4 * i * gap;
        for (std::size_t j = 0; j < gap; j += 8) {
          V a0 = L::load(p + j), a1 = L::load(p + gap + j), a2 = L::load(p + 2 * gap + j),
            a3 = L::load(p + 3 * gap + j);
          gs(a0, a1, t1, c);
          gs(a2, a3, t2, c);
          gs(a0, a2, t3, c);
          gs(a1, a3, t3, c);
          L::store(p + j, a0);
          L::store(p + gap + j, a1);
          L::store(p + 2 * gap + j, a2);
          L::store(p + 3 * gap + j, a3);
        }
      }
    }

    // Last stage (span n/2, twiddle w[1]) fused with the factor 1/n: x' = (x + y)/n, y' = (x - y) * w[1]/n.
    const ShoupMultiplier& inv_n = t.inv_n();
    const ShoupMultiplier w_inv_n(mul_mod(w[1], inv_n.operand, q), q);
    const Twiddle t_sum = broadcast(inv_n.operand, inv_n.quotient);
    const Twiddle t_diff = broadcast(w_inv_n.operand, w_inv_n.quotient);
    const std::size_t half = n / 2;
    for (std::size_t j = 0; j < half; j += 8) {
      const V x = L::load(a + j), y = L::load(a + half + j);
      const V sum = M::mul_lazy(L::add(x, y), t_sum, c.q);
      const V diff = M::mul_lazy(L::sub(L::add(x, c.rq), y), t_diff, c.q);
      L::store(a + j, reduce_from_r(sum, c));
      L::store(a + half + j, reduce_from_r(diff, c));
    }
  }
};

}  // namespace
}  // namespace hnn::simd
