// Private: the element-wise limb kernels of poly_arith.h, written once over a lane backend L (8 x 64-bit
// lanes, simd_lanes_*.h). Outputs are fully reduced, so they equal the portable kernels' bit for bit.
// Loop tails (n not a multiple of 8) use masked loads and stores, never reading or writing past n.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "hnn/ring/modulus.h"
#include "shoup_vector.h"

namespace hnn::simd {
namespace {

template <class L>
struct VectorPolyArith {
  using V = typename L::V;

  // out[i] = f(a[i], b[i], out[i]) over groups of 8 lanes; `b` and the old `out` are only read if the
  // functor asks for them (nullptr otherwise).
  template <class F>
  static void for_each(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* c,
                       std::uint64_t* out, std::size_t n, F f) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const V va = L::load(a + i);
      const V vb = b ? L::load(b + i) : L::zero();
      const V vc = c ? L::load(c + i) : L::zero();
      L::store(out + i, f(va, vb, vc));
    }
    if (i < n) {
      const int rest = static_cast<int>(n - i);
      const V va = L::load_partial(a + i, rest);
      const V vb = b ? L::load_partial(b + i, rest) : L::zero();
      const V vc = c ? L::load_partial(c + i, rest) : L::zero();
      L::store_partial(out + i, f(va, vb, vc), rest);
    }
  }

  static void add(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                  const Modulus& q) {
    const V vq = L::set1(q.value());
    for_each(a, b, nullptr, out, n, [&](V x, V y, V) { return L::reduce_below(L::add(x, y), vq); });
  }

  static void sub(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                  const Modulus& q) {
    const V vq = L::set1(q.value());
    for_each(a, b, nullptr, out, n, [&](V x, V y, V) { return L::reduce_below(L::sub(L::add(x, vq), y), vq); });
  }

  static void negate(const std::uint64_t* a, std::uint64_t* out, std::size_t n, const Modulus& q) {
    const V vq = L::set1(q.value());
    for_each(a, nullptr, nullptr, out, n, [&](V x, V, V) { return L::negate_nonzero(x, vq); });
  }

  static void add_scalar(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                         const Modulus& q) {
    const V vq = L::set1(q.value()), vs = L::set1(s);
    for_each(a, nullptr, nullptr, out, n, [&](V x, V, V) { return L::reduce_below(L::add(x, vs), vq); });
  }

  // Products by a scalar: Shoup's method (shoup_vector.h), result in [0, 4q), then two corrections.
  static void mul_scalar(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                         const Modulus& q) {
    const ShoupMultiplier w(s, q);
    const auto t = Shoup64Composed<L>::make(L::set1(w.operand), L::set1(w.quotient));
    const auto mc = Shoup64Composed<L>::constants(q.value());
    const V vq = L::set1(q.value()), two_q = L::set1(2 * q.value());
    for_each(a, nullptr, nullptr, out, n, [&](V x, V, V) {
      return L::reduce_below(L::reduce_below(Shoup64Composed<L>::mul_lazy(x, t, mc), two_q), vq);
    });
  }

  static void sub_mul_scalar(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                             std::size_t n, const Modulus& q) {
    const ShoupMultiplier w(s, q);
    const auto t = Shoup64Composed<L>::make(L::set1(w.operand), L::set1(w.quotient));
    const auto mc = Shoup64Composed<L>::constants(q.value());
    const V vq = L::set1(q.value()), two_q = L::set1(2 * q.value());
    for_each(a, b, nullptr, out, n, [&](V x, V y, V) {
      const V diff = L::sub(L::add(x, vq), y);  // (0, 2q)
      return L::reduce_below(L::reduce_below(Shoup64Composed<L>::mul_lazy(diff, t, mc), two_q), vq);
    });
  }

  // Products of two residues: the exact 128-bit product from four 32x32->64-bit multiplies, then Barrett
  // reduction (Menezes et al., Handbook of Applied Cryptography, 14.42) in the form that needs one 64-bit
  // high product: with k = bit count of q (2^(k-1) < q < 2^k: q must not be a power of two, which the caller
  // checks), x < 2^(2k),
  //   x1 = floor(x / 2^(k-1))  (< 2^(k+1)),  mu = floor(2^(k+63) / q)  (< 2^64),
  //   estimate = floor(x1 * mu / 2^64)  (here by mul_high_estimate, up to 2 lower still).
  // The estimate never exceeds floor(x / q) and is at most 4 below it (Barrett's own error is < 2.125 for
  // k <= 60), so x - estimate*q, computed mod 2^64, is in [0, 5q) and three corrections finish.
  struct Barrett {
    V q, q_high, two_q, four_q, mu, mu_high, low_mask;
    int shift_low, shift_high;  // k - 1 and 65 - k
    explicit Barrett(const Modulus& m)
        : q(L::set1(m.value())),
          q_high(L::set1(m.value() >> 32)),
          two_q(L::set1(2 * m.value())),
          four_q(L::set1(4 * m.value())),
          low_mask(L::set1(0xffffffffu)),
          shift_low(m.bit_count() - 1),
          shift_high(65 - m.bit_count()) {
      const std::uint64_t mu_scalar =
          static_cast<std::uint64_t>((static_cast<u128>(1) << (m.bit_count() + 63)) / m.value());
      mu = L::set1(mu_scalar);
      mu_high = L::set1(mu_scalar >> 32);
    }
  };

  // a * b = hi * 2^64 + lo, exactly.
  static void mul_wide(V a, V b, V low_mask, V& lo, V& hi) {
    const V a_high = L::template shift_right<32>(a), b_high = L::template shift_right<32>(b);
    const V ll = L::mul_u32(a, b), lh = L::mul_u32(a, b_high), hl = L::mul_u32(a_high, b),
            hh = L::mul_u32(a_high, b_high);
    const V middle = L::add(L::template shift_right<32>(ll), L::add(L::bit_and(lh, low_mask), L::bit_and(hl, low_mask)));
    lo = L::bit_or(L::template shift_left<32>(middle), L::bit_and(ll, low_mask));
    hi = L::add(hh, L::add(L::add(L::template shift_right<32>(lh), L::template shift_right<32>(hl)),
                           L::template shift_right<32>(middle)));
  }

  static V barrett_reduce(V lo, V hi, const Barrett& c) {
    const V x1 = L::bit_or(L::shift_left(hi, c.shift_high), L::shift_right(lo, c.shift_low));
    const V estimate = mul_high_estimate<L>(x1, c.mu, c.mu_high);
    V r = L::sub(lo, mul_low<L>(estimate, L::template shift_right<32>(estimate), c.q, c.q_high));  // [0, 5q)
    r = L::reduce_below(r, c.four_q);
    r = L::reduce_below(r, c.two_q);
    return L::reduce_below(r, c.q);
  }

  static void mul(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                  const Modulus& q) {
    const Barrett c(q);
    for_each(a, b, nullptr, out, n, [&](V x, V y, V) {
      V lo, hi;
      mul_wide(x, y, c.low_mask, lo, hi);
      return barrett_reduce(lo, hi, c);
    });
  }

  static void mul_add(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* addend,
                      std::uint64_t* out, std::size_t n, const Modulus& q) {
    const Barrett c(q);
    for_each(a, b, addend, out, n, [&](V x, V y, V acc) {
      V lo, hi;
      mul_wide(x, y, c.low_mask, lo, hi);
      lo = L::add(lo, acc);
      hi = L::add(hi, L::carry(lo, acc));  // a*b + acc < q^2 + q < 2^(2k)
      return barrett_reduce(lo, hi, c);
    });
  }

  // Sums of products in 128-bit accumulators (poly_arith.h): acc is an array of unsigned __int128, i.e.
  // (low word, high word) pairs on x86-64; eight of them are two registers, split into a register of low
  // words and one of high words by deinterleaving, and joined back after the addition.
  static void mul_accumulate_u128(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* acc_words,
                                  std::size_t n) {
    const V low_mask = L::set1(0xffffffffu);
    const auto step = [&](V x, V y, V acc0, V acc1, V& out0, V& out1) {
      V lo, hi;
      mul_wide(x, y, low_mask, lo, hi);
      const V acc_lo = L::deinterleave_even(acc0, acc1), acc_hi = L::deinterleave_odd(acc0, acc1);
      const V sum_lo = L::add(acc_lo, lo);
      const V sum_hi = L::add(L::add(acc_hi, hi), L::carry(sum_lo, lo));
      out0 = L::interleave_low(sum_lo, sum_hi);
      out1 = L::interleave_high(sum_lo, sum_hi);
    };
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      V out0, out1;
      step(L::load(a + i), L::load(b + i), L::load(acc_words + 2 * i), L::load(acc_words + 2 * i + 8), out0, out1);
      L::store(acc_words + 2 * i, out0);
      L::store(acc_words + 2 * i + 8, out1);
    }
    if (i < n) {
      const int rest = static_cast<int>(n - i), words = 2 * rest;
      const V acc0 = L::load_partial(acc_words + 2 * i, words < 8 ? words : 8);
      const V acc1 = words > 8 ? L::load_partial(acc_words + 2 * i + 8, words - 8) : L::zero();
      V out0, out1;
      step(L::load_partial(a + i, rest), L::load_partial(b + i, rest), acc0, acc1, out0, out1);
      L::store_partial(acc_words + 2 * i, out0, words < 8 ? words : 8);
      if (words > 8) L::store_partial(acc_words + 2 * i + 8, out1, words - 8);
    }
  }

  // x = hi * 2^64 + lo (any 128-bit value) mod q as hi * (2^64 mod q) + lo * 1, two Shoup products by
  // constants (each valid for any 64-bit input, each in [0, 4q)), then three corrections from [0, 8q).
  struct WideReducer {
    using S = Shoup64Composed<L>;
    typename S::Twiddle r64, one;
    typename S::Constants mc;
    V q, two_q, four_q;
    explicit WideReducer(const Modulus& m)
        : mc(S::constants(m.value())), q(L::set1(m.value())), two_q(L::set1(2 * m.value())),
          four_q(L::set1(4 * m.value())) {
      const std::uint64_t two64_mod_q = static_cast<std::uint64_t>((static_cast<u128>(1) << 64) % m.value());
      const ShoupMultiplier w64(two64_mod_q, m), w1(1 % m.value(), m);
      r64 = S::make(L::set1(w64.operand), L::set1(w64.quotient));
      one = S::make(L::set1(w1.operand), L::set1(w1.quotient));
    }
    // x mod q for any 64-bit x: one Shoup product by 1 (what reduce(x, 0) would compute, at half the cost).
    V reduce64(V x) const {
      V sum = S::mul_lazy(x, one, mc);  // [0, 4q)
      sum = L::reduce_below(sum, two_q);
      return L::reduce_below(sum, q);
    }
    V reduce(V lo, V hi) const {
      V in[2] = {hi, lo}, r[2];
      S::template mul_lazy<2>(in, {&r64, &one}, mc, r);
      V sum = L::add(r[0], r[1]);  // [0, 8q)
      sum = L::reduce_below(sum, four_q);
      sum = L::reduce_below(sum, two_q);
      return L::reduce_below(sum, q);
    }
  };

  static void reduce_u128(const std::uint64_t* acc_words, std::uint64_t* out, std::size_t n, const Modulus& q) {
    const WideReducer reducer(q);
    const auto step = [&](V acc0, V acc1) {
      return reducer.reduce(L::deinterleave_even(acc0, acc1), L::deinterleave_odd(acc0, acc1));
    };
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) L::store(out + i, step(L::load(acc_words + 2 * i), L::load(acc_words + 2 * i + 8)));
    if (i < n) {
      const int rest = static_cast<int>(n - i), words = 2 * rest;
      const V acc0 = L::load_partial(acc_words + 2 * i, words < 8 ? words : 8);
      const V acc1 = words > 8 ? L::load_partial(acc_words + 2 * i + 8, words - 8) : L::zero();
      L::store_partial(out + i, step(acc0, acc1), rest);
    }
  }

  // The centered lift (rns.h): x in [0, from) stands for x - from where x > from/2; out = that value mod p.
  // x mod p is x itself when from <= p, one conditional subtraction when from <= 2p, and otherwise a Shoup
  // product by 1 (valid for any 64-bit x, in [0, 4p)) and two.
  static void centered_lift(const std::uint64_t* in, std::uint64_t from, const Modulus& p, std::uint64_t* out,
                            std::size_t n) {
    using S = Shoup64Composed<L>;
    const std::uint64_t pv = p.value(), from_mod_p = p.reduce(from);
    const ShoupMultiplier w1(1 % pv, p);
    const auto one = S::make(L::set1(w1.operand), L::set1(w1.quotient));
    const auto mc = S::constants(pv);
    const V vp = L::set1(pv), two_p = L::set1(2 * pv), half = L::set1(from >> 1),
            minus_from = L::set1(from_mod_p == 0 ? 0 : pv - from_mod_p);
    const auto lift = [&](auto reduce) {
      for_each(in, nullptr, nullptr, out, n, [&](V x, V, V) {
        return L::reduce_below(L::add_where_greater(reduce(x), x, half, minus_from), vp);
      });
    };
    if (from <= pv) lift([](V x) { return x; });
    else if (from <= 2 * pv) lift([&](V x) { return L::reduce_below(x, vp); });
    else lift([&](V x) { return L::reduce_below(L::reduce_below(S::mul_lazy(x, one, mc), two_p), vp); });
  }

  // Sums of products for key switching (poly_arith.h, dot_product_pair): out0 = sum_j a_j b0_j and
  // out1 = sum_j a_j b1_j, for inputs below q < 2^k. Each product of 32-bit halves is
  // ll + (lh + hl) 2^32 + hh 2^64, summed without carries into four words per lane: A = sum (ll mod 2^32),
  // B = sum (ll >> 32), C = sum (lh + hl), H = sum hh. The terms of C are below 2^(k+1), so C is folded into H
  // (H += C >> 32, C = C mod 2^32) every 2^(62-k) terms. The sums stay in registers over all j: the only
  // memory traffic is the operands, and no carry is propagated per term (about half the operations of
  // mul_accumulate_u128, and no accumulator loads and stores).
  struct PartialSums {
    V a, b, c, h;
  };

  static void accumulate_product(V x, V x_high, V y, V low_mask, PartialSums& s) {
    const V y_high = L::template shift_right<32>(y);
    const V ll = L::mul_u32(x, y), lh = L::mul_u32(x, y_high), hl = L::mul_u32(x_high, y),
            hh = L::mul_u32(x_high, y_high);
    s.a = L::add(s.a, L::bit_and(ll, low_mask));
    s.b = L::add(s.b, L::template shift_right<32>(ll));
    s.c = L::add(s.c, L::add(lh, hl));
    s.h = L::add(s.h, hh);
  }

  static void fold(PartialSums& s, V low_mask) {
    s.h = L::add(s.h, L::template shift_right<32>(s.c));
    s.c = L::bit_and(s.c, low_mask);
  }

  // The sum H 2^64 + (B + C) 2^32 + A as 128-bit (lo, hi), reduced.
  static V finish(PartialSums s, V low_mask, const WideReducer& reducer) {
    fold(s, low_mask);                                                             // C < 2^32
    const V t = L::add(L::add(s.b, s.c), L::template shift_right<32>(s.a));        // sum = H 2^64 + t 2^32 + A mod 2^32
    const V lo = L::bit_or(L::template shift_left<32>(t), L::bit_and(s.a, low_mask));
    const V hi = L::add(s.h, L::template shift_right<32>(t));
    return reducer.reduce(lo, hi);
  }

  // Operand streams are visited in groups of kDigitGroup digits (3 x 8 streams: with all 48 streams of 16
  // digits at once, the hardware and DRAM kept up with half as many bytes per second), one block of
  // kBlock coefficients at a time; the partial sums of a block wait in L1 between groups (16 KiB).
  // Software prefetch kPrefetchDistance coefficients ahead in every stream (without it, N = 32768 ran at
  // half the speed). Measured on Cascade Lake: N = 32768, 16 digits, 17 limbs: 38 -> 24 ms.
  static constexpr std::size_t kDigitGroup = 8;
  static constexpr std::size_t kBlock = 256;
  static constexpr std::size_t kPrefetchDistance = 64;

  // K registers of coefficients starting at c over digits [j_begin, j_end): starting from zero (first) or from
  // `saved`, ending with the reduced sums stored to out0/out1 (last) or saved again. kPartial: the last
  // `rest` < 8 coefficients, K = 1. kSmall: every operand is below 2^32 and the whole sum of products fits
  // 64 bits (dot_product_fits_u64), so one 32 x 32-bit multiply per product and a plain sum in PartialSums::a.
  template <int K, bool kPartial, bool kSmall, class KeyWord>
  static void dot_product_tile(const std::uint64_t* const* a, const KeyWord* const* b0,
                               const KeyWord* const* b1, std::size_t j_begin, std::size_t j_end,
                               std::size_t fold_every, PartialSums* saved, bool first, bool last,
                               std::uint64_t* out0, std::uint64_t* out1, std::size_t c, int rest,
                               const WideReducer& reducer) {
    const V low_mask = L::set1(0xffffffffu);
    const auto load = [&](const auto* p) { return kPartial ? L::load_partial(p, rest) : L::load(p); };
    PartialSums s0[K], s1[K];
    for (int k = 0; k < K; ++k) {
      if (first) {
        s0[k] = s1[k] = {L::zero(), L::zero(), L::zero(), L::zero()};
      } else {
        s0[k] = saved[2 * k];
        s1[k] = saved[2 * k + 1];
      }
    }
    std::size_t since_fold = 0;
    for (std::size_t j = j_begin; j < j_end; ++j) {
      if (!kPartial) {
        for (int k = 0; k < K; ++k) {
          const std::size_t ahead = c + 8 * static_cast<std::size_t>(k) + kPrefetchDistance;
          L::prefetch(a[j] + ahead);
          L::prefetch(b0[j] + ahead);
          L::prefetch(b1[j] + ahead);
        }
      }
      for (int k = 0; k < K; ++k) {
        const std::size_t at = c + 8 * static_cast<std::size_t>(k);
        const V x = load(a[j] + at);
        if (kSmall) {
          s0[k].a = L::add(s0[k].a, L::mul_u32(x, load(b0[j] + at)));
          s1[k].a = L::add(s1[k].a, L::mul_u32(x, load(b1[j] + at)));
          continue;
        }
        const V x_high = L::template shift_right<32>(x);
        accumulate_product(x, x_high, load(b0[j] + at), low_mask, s0[k]);
        accumulate_product(x, x_high, load(b1[j] + at), low_mask, s1[k]);
      }
      if (!kSmall && ++since_fold == fold_every) {
        since_fold = 0;
        for (int k = 0; k < K; ++k) {
          fold(s0[k], low_mask);
          fold(s1[k], low_mask);
        }
      }
    }
    for (int k = 0; k < K; ++k) {
      if (!last) {  // folded, so that the next group may again add fold_every terms
        if (!kSmall) {
          fold(s0[k], low_mask);
          fold(s1[k], low_mask);
        }
        saved[2 * k] = s0[k];
        saved[2 * k + 1] = s1[k];
        continue;
      }
      const std::size_t at = c + 8 * static_cast<std::size_t>(k);
      const V r0 = kSmall ? reducer.reduce64(s0[k].a) : finish(s0[k], low_mask, reducer);
      const V r1 = kSmall ? reducer.reduce64(s1[k].a) : finish(s1[k], low_mask, reducer);
      if (kPartial) {
        L::store_partial(out0 + at, r0, rest);
        L::store_partial(out1 + at, r1, rest);
      } else {
        L::store(out0 + at, r0);
        L::store(out1 + at, r1);
      }
    }
  }

  // Fast base conversion into one prime p (rns.h, BaseConverter) from the terms y_i = x_i (Q/q_i)^-1 mod q_i
  // (k limbs of n): out = sum_i t_i w_i mod p with t_i = y_i and w_i = m_i = (Q/q_i) mod p, or, centered,
  // t_i = min(y_i, q_i - y_i) and w_i = p - m_i where y_i > q_i/2 (y_i stands for y_i - q_i < 0, and
  // (y_i - q_i) m_i = (q_i - y_i)(p - m_i) mod p). Every t_i is below 2^term_bits. The sums are
  // dot_product_pair's partial sums, or, when every product fits 64 bits with room for k of them (primes of
  // about 31 bits), plain 64-bit sums of single 32 x 32-bit products. `sums_fit_u64`: the caller knows the
  // latter holds from the actual terms' and multipliers' bounds where the bit counts cannot tell (an exact
  // conversion from 30-bit primes into a 32-bit one: four products of 62 bits and a small one).
  static void base_convert(const std::uint64_t* terms, std::size_t k, const std::uint64_t* q,
                           const std::uint64_t* m, bool centered, int term_bits, bool sums_fit_u64,
                           std::uint64_t* out, std::size_t n, const Modulus& p) {
    const int product_bits = term_bits + p.bit_count(), k_bits = 64 - __builtin_clzll(k);
    const int bits = std::max(term_bits, p.bit_count());
    if (sums_fit_u64 || (term_bits <= 32 && p.bit_count() <= 32 && product_bits + k_bits <= 64)) {
      return with_term_count<5>(k, [&](auto count) {
        base_convert_sums<true, decltype(count)::value>(terms, k, q, m, centered, bits, out, n, p);
      });
    }
    // Up to four terms of at most 60 bits need no fold (fold_every >= 4), so the unrolled forms stop at four.
    with_term_count<4>(k, [&](auto count) {
      base_convert_sums<false, decltype(count)::value>(terms, k, q, m, centered, bits, out, n, p);
    });
  }

  // Calls f(std::integral_constant<int, K>{}) with K = k for k in [2, kMax]: the digit sizes of hybrid key
  // switching (and the special primes plus the overflow term of an exact conversion), whose kernels keep their
  // constants in registers and unroll the term loop; K = 0 (any k) otherwise.
  template <int kMax, class F>
  static void with_term_count(std::size_t k, F f) {
    static_assert(kMax == 4 || kMax == 5, "unrolled forms exist for 2 to 4 or 5 terms");
    switch (k) {
      case 2: return f(std::integral_constant<int, 2>{});
      case 3: return f(std::integral_constant<int, 3>{});
      case 4: return f(std::integral_constant<int, 4>{});
      case 5:
        if constexpr (kMax == 5) return f(std::integral_constant<int, 5>{});
        break;
      default: break;
    }
    f(std::integral_constant<int, 0>{});
  }

  // The per-term constants of base_convert: m_i, and for the centered form (q given, else null) q_i,
  // floor(q_i / 2) and p - 2 m_i (added to m_i where the term is negative).
  struct TermConstants {
    V m, q, half, flip;
    TermConstants() = default;
    TermConstants(const std::uint64_t* qs, const std::uint64_t* ms, std::size_t i, const Modulus& p)
        : m(L::set1(ms[i])),
          q(L::set1(qs ? qs[i] : 0)),
          half(L::set1(qs ? qs[i] >> 1 : 0)),
          flip(L::set1(p.value() - ms[i] - ms[i])) {}
  };

  // kTerms > 0: exactly that many terms, their constants hoisted into registers; 0: any k.
  template <bool kSmall, int kTerms>
  static void base_convert_sums(const std::uint64_t* terms, std::size_t k, const std::uint64_t* q,
                                const std::uint64_t* m, bool centered, int bits, std::uint64_t* out, std::size_t n,
                                const Modulus& p) {
    const WideReducer reducer(p);
    const V low_mask = L::set1(0xffffffffu);
    const std::size_t fold_every = std::size_t{1} << (bits > 54 ? 62 - bits : 8);
    constexpr int kHoisted = kTerms > 0 ? kTerms : 1;
    TermConstants hoisted[kHoisted];
    if (kTerms > 0)
      for (int i = 0; i < kTerms; ++i) hoisted[i] = TermConstants(centered ? q : nullptr, m, i, p);
    const std::size_t count = kTerms > 0 ? static_cast<std::size_t>(kTerms) : k;
    const auto convert = [&](std::size_t c, int rest) {
      const auto load = [&](const std::uint64_t* at) { return rest == 8 ? L::load(at) : L::load_partial(at, rest); };
      PartialSums s = {L::zero(), L::zero(), L::zero(), L::zero()};
      std::size_t since_fold = 0;
      for (std::size_t i = 0; i < count; ++i) {
        const TermConstants tc = kTerms > 0 ? hoisted[i] : TermConstants(centered ? q : nullptr, m, i, p);
        const V y = load(terms + i * n + c);
        V t = y, w = tc.m;
        if (centered) {
          t = L::min(y, L::sub(tc.q, y));
          w = L::add_where_greater(tc.m, y, tc.half, tc.flip);  // p - m_i, mod 2^64
        }
        if (kSmall) {
          s.a = L::add(s.a, L::mul_u32(t, w));
          continue;
        }
        accumulate_product(t, L::template shift_right<32>(t), w, low_mask, s);
        if (kTerms == 0 && ++since_fold == fold_every) {
          since_fold = 0;
          fold(s, low_mask);
        }
      }
      const V r = kSmall ? reducer.reduce64(s.a) : finish(s, low_mask, reducer);
      if (rest == 8) L::store(out + c, r);
      else L::store_partial(out + c, r, rest);
    };
    std::size_t c = 0;
    for (; c + 8 <= n; c += 8) convert(c, 8);
    if (c < n) convert(c, static_cast<int>(n - c));
  }

  // Residues in [0, q) as their representatives in (-q/2, q/2], two's complement (x - q where x > q/2).
  static void to_signed(const std::uint64_t* a, std::uint64_t* out, std::size_t n, std::uint64_t q) {
    const V half = L::set1(q >> 1), minus_q = L::set1(0 - q);
    for_each(a, nullptr, nullptr, out, n, [&](V x, V, V) { return L::add_where_greater(x, x, half, minus_q); });
  }

  // Centered base conversion from signed terms (BaseConverter::signed_terms): out = sum_i t_i m_i mod p
  // with t_i and m_i signed below 2^31 in magnitude, so one vpmuldq per term, and a sum whose magnitude the
  // converter has bounded below 2^63 - p: started at `offset`, a multiple of p in (2^63 - p, 2^63], it is a
  // non-negative 64-bit value congruent to the sum, reduced once. (The unsigned centered form spends four
  // more operations per term and target on taking |t_i| and choosing m_i or p - m_i.)
  static void base_convert_signed(const std::uint64_t* terms, std::size_t k, const std::uint64_t* m,
                                  std::uint64_t offset, std::uint64_t* out, std::size_t n, const Modulus& p) {
    with_term_count<5>(k, [&](auto count) {
      base_convert_signed_sums<decltype(count)::value>(terms, k, m, offset, out, n, p);
    });
  }

  template <int kTerms>
  static void base_convert_signed_sums(const std::uint64_t* terms, std::size_t k, const std::uint64_t* m,
                                       std::uint64_t offset, std::uint64_t* out, std::size_t n, const Modulus& p) {
    const WideReducer reducer(p);
    constexpr int kHoisted = kTerms > 0 ? kTerms : 1;
    V hoisted[kHoisted];
    if (kTerms > 0)
      for (int i = 0; i < kTerms; ++i) hoisted[i] = L::set1(m[i]);
    const std::size_t count = kTerms > 0 ? static_cast<std::size_t>(kTerms) : k;
    const V start = L::set1(offset);
    const auto convert = [&](std::size_t c, int rest) {
      V s = start;
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t* at = terms + i * n + c;
        const V t = rest == 8 ? L::load(at) : L::load_partial(at, rest);
        s = L::add(s, L::mul_i32(t, kTerms > 0 ? hoisted[i] : L::set1(m[i])));
      }
      const V r = reducer.reduce64(s);
      if (rest == 8) L::store(out + c, r);
      else L::store_partial(out + c, r, rest);
    };
    std::size_t c = 0;
    for (; c + 8 <= n; c += 8) convert(c, 8);
    if (c < n) convert(c, static_cast<int>(n - c));
  }

  // Whether `count` products of residues modulo q sum below 2^64 with every residue below 2^32 (primes of up
  // to 32 bits; with 31-bit primes, four digits).
  static bool dot_product_fits_u64(std::size_t count, const Modulus& q) {
    const u128 max_product = static_cast<u128>(q.value() - 1) * (q.value() - 1);
    return q.bit_count() <= 32 && static_cast<u128>(count) * max_product < (static_cast<u128>(1) << 64);
  }

  // KeyWord: std::uint64_t, or std::uint32_t for a key limb stored as 32-bit words (loads widen it).
  template <class KeyWord>
  static void dot_product_pair(const std::uint64_t* const* a, const KeyWord* const* b0, const KeyWord* const* b1,
                               std::size_t count, std::uint64_t* out0, std::uint64_t* out1, std::size_t n,
                               const Modulus& q) {
    if (dot_product_fits_u64(count, q)) return dot_product_pair_sums<true>(a, b0, b1, count, out0, out1, n, q);
    dot_product_pair_sums<false>(a, b0, b1, count, out0, out1, n, q);
  }

  template <bool kSmall, class KeyWord>
  static void dot_product_pair_sums(const std::uint64_t* const* a, const KeyWord* const* b0,
                                    const KeyWord* const* b1, std::size_t count, std::uint64_t* out0,
                                    std::uint64_t* out1, std::size_t n, const Modulus& q) {
    const WideReducer reducer(q);
    const int k = q.bit_count();
    const std::size_t fold_every = std::size_t{1} << (k > 54 ? 62 - k : 8);
    PartialSums saved[2 * kBlock / 8];  // two per register of 8 coefficients
    for (std::size_t c0 = 0; c0 < n; c0 += kBlock) {
      const std::size_t c_end = c0 + kBlock < n ? c0 + kBlock : n;
      for (std::size_t j0 = 0; j0 < count || j0 == 0; j0 += kDigitGroup) {
        const std::size_t j1 = j0 + kDigitGroup < count ? j0 + kDigitGroup : count;
        const bool first = j0 == 0, last = j1 == count;
        std::size_t c = c0;
        for (; c + 16 <= c_end; c += 16)
          dot_product_tile<2, false, kSmall>(a, b0, b1, j0, j1, fold_every, saved + 2 * ((c - c0) / 8), first, last,
                                             out0, out1, c, 8, reducer);
        for (; c + 8 <= c_end; c += 8)
          dot_product_tile<1, false, kSmall>(a, b0, b1, j0, j1, fold_every, saved + 2 * ((c - c0) / 8), first, last,
                                             out0, out1, c, 8, reducer);
        if (c < c_end)
          dot_product_tile<1, true, kSmall>(a, b0, b1, j0, j1, fold_every, saved + 2 * ((c - c0) / 8), first, last,
                                            out0, out1, c, static_cast<int>(c_end - c), reducer);
        if (last) break;
      }
    }
  }
};

/// The products of the element-wise kernels with IFMA52, for moduli below 2^50 (ifma_applies()); the other
/// kernels are VectorPolyArith's. L must provide madd52lo / madd52hi (real or emulated lanes).
template <class L>
struct IfmaPolyArith : VectorPolyArith<L> {
  using Base = VectorPolyArith<L>;
  using V = typename L::V;
  static constexpr std::uint64_t kMask52 = (std::uint64_t{1} << 52) - 1;

  static bool ifma_applies(const Modulus& q) {
    return q.bit_count() <= 50 && (q.value() & (q.value() - 1)) != 0;
  }

  // Barrett reduction in radix 2^52 (compare VectorPolyArith::Barrett): with k = bit count of q <= 50 and
  // x = a*b (+ c) < 2^(2k) given as lo (x mod 2^52, possibly plus a carry bit) and hi (x div 2^52),
  //   x1 = floor(x / 2^(k-1)) < 2^(k+1),  mu = floor(2^(k+51) / q) < 2^52,  estimate = floor(x1 * mu / 2^52)
  // by one vpmadd52huq. The estimate is at most 2 below floor(x / q) (Barrett's error is < 1.5 + 1 here),
  // so x - estimate*q < 3q < 2^52, and it is the difference of the low 52-bit words modulo 2^52.
  struct Barrett52 {
    V q, two_q, mu, mask52, zero;
    int shift_low, shift_high;  // k - 1 and 53 - k
    explicit Barrett52(const Modulus& m)
        : q(L::set1(m.value())),
          two_q(L::set1(2 * m.value())),
          mu(L::set1(static_cast<std::uint64_t>((static_cast<u128>(1) << (m.bit_count() + 51)) / m.value()))),
          mask52(L::set1(kMask52)),
          zero(L::zero()),
          shift_low(m.bit_count() - 1),
          shift_high(53 - m.bit_count()) {}
  };

  static V reduce(V lo, V hi, const Barrett52& c) {
    const V x1 = L::add(L::shift_left(hi, c.shift_high), L::shift_right(lo, c.shift_low));
    const V estimate = L::madd52hi(c.zero, x1, c.mu);
    V r = L::bit_and(L::sub(lo, L::madd52lo(c.zero, estimate, c.q)), c.mask52);  // [0, 3q)
    r = L::reduce_below(r, c.two_q);
    return L::reduce_below(r, c.q);
  }

  static void mul(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                  const Modulus& q) {
    const Barrett52 c(q);
    Base::for_each(a, b, nullptr, out, n, [&](V x, V y, V) {
      return reduce(L::madd52lo(c.zero, x, y), L::madd52hi(c.zero, x, y), c);
    });
  }

  static void mul_add(const std::uint64_t* a, const std::uint64_t* b, const std::uint64_t* addend,
                      std::uint64_t* out, std::size_t n, const Modulus& q) {
    const Barrett52 c(q);
    // lo = (a*b mod 2^52) + acc < 2^53: its bit 52 is a carry that x1's addition (not an or) absorbs.
    Base::for_each(a, b, addend, out, n, [&](V x, V y, V acc) {
      return reduce(L::madd52lo(acc, x, y), L::madd52hi(c.zero, x, y), c);
    });
  }

  // Shoup products by a scalar in radix 2^52 (shoup_vector.h), in [0, 2q), then one correction.
  static void mul_scalar(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n,
                         const Modulus& q) {
    const ShoupMultiplier w(s, q);
    using S = ShoupIfma52<L>;
    const auto t = S::make(L::set1(w.operand), L::set1(w.quotient));
    const auto mc = S::constants(q.value());
    const V vq = L::set1(q.value());
    Base::for_each(a, nullptr, nullptr, out, n, [&](V x, V, V) { return L::reduce_below(S::mul_lazy(x, t, mc), vq); });
  }

  static void sub_mul_scalar(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                             std::size_t n, const Modulus& q) {
    const ShoupMultiplier w(s, q);
    using S = ShoupIfma52<L>;
    const auto t = S::make(L::set1(w.operand), L::set1(w.quotient));
    const auto mc = S::constants(q.value());
    const V vq = L::set1(q.value());
    Base::for_each(a, b, nullptr, out, n, [&](V x, V y, V) {
      return L::reduce_below(S::mul_lazy(L::sub(L::add(x, vq), y), t, mc), vq);  // input in (0, 2q)
    });
  }
};

}  // namespace
}  // namespace hnn::simd
