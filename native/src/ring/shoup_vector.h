// Private: Shoup's multiplication by a precomputed constant (V. Shoup, NTL; analysed for NTTs in D. Harvey,
// "Faster arithmetic for number-theoretic transforms", J. Symb. Comp. 2014), lane-wise over a lane backend
// L (simd_lanes_avx512.h or simd_lanes_emulated.h). Two multipliers, same contract:
//
//   Constants constants(q)           the modulus in the form the multiplier wants
//   Twiddle make(w, wq)              w < q and its 64-bit Shoup quotient wq = floor(w * 2^64 / q), lane-wise
//   V mul_lazy(x, tw, constants)     a representative of x * w mod q in [0, kBound * q)
//
// Shoup64Multiplier works for every modulus < 2^60 and any x < 2^64 (kBound = 4); ShoupIfma52 needs
// q < 2^50 and x < 2^52 (kBound = 2).
#pragma once
#include <cstdint>

namespace hnn::simd {
namespace {

/// An estimate of floor(x * y / 2^64) for 64-bit lanes x, y (y_high = y >> 32), from three 32x32->64-bit
/// multiplies: x_hi*y_hi plus the high halves of the cross products. It is at most 2 below the true value
/// (the low x low product and the carries out of the middle column are dropped) and never above it.
template <class L>
typename L::V mul_high_estimate(typename L::V x, typename L::V y, typename L::V y_high) {
  const auto x_high = L::template shift_right<32>(x);
  const auto high_high = L::mul_u32(x_high, y_high);
  const auto high_low = L::mul_u32(x_high, y);
  const auto low_high = L::mul_u32(x, y_high);
  return L::add(high_high,
                L::add(L::template shift_right<32>(high_low), L::template shift_right<32>(low_high)));
}

/// The low 64 bits of x * y from 32x32->64-bit multiplies (x_high = x >> 32, y_high = y >> 32): three
/// vpmuludq and three simple operations, fewer uops than vpmullq on Intel cores (three on one port), and the
/// only form on AVX2 (no vpmullq).
template <class L>
typename L::V mul_low(typename L::V x, typename L::V x_high, typename L::V y, typename L::V y_high) {
  const auto cross = L::add(L::mul_u32(x_high, y), L::mul_u32(x, y_high));
  return L::add(L::mul_u32(x, y), L::template shift_left<32>(cross));
}

// Both multipliers take K independent products at once (x[k] by twiddle t[k]) and interleave them step by
// step: one product is a long dependency chain, and the out-of-order window alone does not overlap enough
// of them to keep the multipliers busy.

/// For AVX-512F without IFMA: the high 64 bits of x * wq by mul_high_estimate(), low by at most 2, so with
/// the usual error of Shoup's quotient the remainder x*w - estimate*q lies in [0, 4q) instead of [0, 2q).
/// It is returned as is: the NTT keeps its lazy values below 8q < 2^63 instead (see ntt_vector.h), which
/// costs no more corrections than bringing this one back to [0, 2q) would. The low words of x*w and
/// estimate*q are exact mod 2^64 and their difference is < 2^62, so it is the remainder.
///
/// Two forms of those low words: kComposed = false uses vpmullq (fewer instructions: measured as fast or
/// faster in the NTT on Intel, where vpmullq is three uops, and much faster on AMD Zen 4, where it is one);
/// kComposed = true builds them from vpmuludq (mul_low(); measured faster on Intel in the streaming
/// element-wise kernels, which are bound by uop throughput rather than latency).
template <class L, bool kComposed>
struct Shoup64Multiplier {
  using V = typename L::V;
  static constexpr std::uint64_t kBound = 4;
  struct Twiddle {
    V operand, operand_high;    // w, w >> 32 (the latter for the composed form only)
    V quotient, quotient_high;  // wq (vpmuludq reads its low 32 bits), wq >> 32
  };
  struct Constants {
    V q, q_high;
  };
  static Constants constants(std::uint64_t q) { return {L::set1(q), L::set1(q >> 32)}; }
  static Twiddle make(V w, V wq) {
    return {w, kComposed ? L::template shift_right<32>(w) : w, wq, L::template shift_right<32>(wq)};
  }
  template <int K>
  static void mul_lazy(const V (&x)[K], const Twiddle* const (&t)[K], const Constants& c, V (&r)[K]) {
    V x_high[K], estimate[K];
    for (int k = 0; k < K; ++k) x_high[k] = L::template shift_right<32>(x[k]);
    for (int k = 0; k < K; ++k) {
      const V high_low = L::mul_u32(x_high[k], t[k]->quotient);
      const V low_high = L::mul_u32(x[k], t[k]->quotient_high);
      estimate[k] = L::add(L::template shift_right<32>(high_low), L::template shift_right<32>(low_high));
    }
    for (int k = 0; k < K; ++k) estimate[k] = L::add(estimate[k], L::mul_u32(x_high[k], t[k]->quotient_high));
    for (int k = 0; k < K; ++k) {
      if constexpr (kComposed) {
        r[k] = L::sub(mul_low<L>(x[k], x_high[k], t[k]->operand, t[k]->operand_high),
                      mul_low<L>(estimate[k], L::template shift_right<32>(estimate[k]), c.q, c.q_high));
      } else {
        r[k] = L::sub(L::mul_lo64(x[k], t[k]->operand), L::mul_lo64(estimate[k], c.q));
      }
    }
  }
  static V mul_lazy(V x, const Twiddle& t, const Constants& c) {
    V r[1];
    mul_lazy<1>({x}, {&t}, c, r);
    return r[0];
  }
};
/// The NTT's multiplier.
template <class L>
using Shoup64 = Shoup64Multiplier<L, false>;
/// The element-wise kernels' multiplier.
template <class L>
using Shoup64Composed = Shoup64Multiplier<L, true>;

/// For AVX-512 IFMA52 (primes below 2^50): Shoup's method in radix 2^52, whose quotient
/// floor(w * 2^52 / q) = floor(wq / 2^12) follows from the 64-bit one without a division. vpmadd52huq gives
/// the exact quotient estimate floor(x * wq52 / 2^52) (x < 4q < 2^52), two vpmadd52luq the low 52 bits of
/// x*w and estimate*q; the true remainder is in [0, 2q) and below 2^52, so their difference modulo 2^52 is it.
/// This is the multiplication of the IFMA NTTs described by Intel (F. Boemer et al., "Intel HEXL:
/// Accelerating Homomorphic Encryption with Intel AVX512-IFMA52", WAHC 2021), written independently here.
template <class L>
struct ShoupIfma52 {
  using V = typename L::V;
  static constexpr std::uint64_t kBound = 2;
  static constexpr std::uint64_t kMask52 = (std::uint64_t{1} << 52) - 1;
  struct Twiddle {
    V operand;
    V quotient52;
  };
  struct Constants {
    V q, mask52, zero;
  };
  static Constants constants(std::uint64_t q) { return {L::set1(q), L::set1(kMask52), L::zero()}; }
  static Twiddle make(V w, V wq) { return {w, L::template shift_right<12>(wq)}; }
  template <int K>
  static void mul_lazy(const V (&x)[K], const Twiddle* const (&t)[K], const Constants& c, V (&r)[K]) {
    V estimate[K];
    for (int k = 0; k < K; ++k) estimate[k] = L::madd52hi(c.zero, x[k], t[k]->quotient52);
    for (int k = 0; k < K; ++k)
      r[k] = L::bit_and(L::sub(L::madd52lo(c.zero, x[k], t[k]->operand), L::madd52lo(c.zero, estimate[k], c.q)),
                        c.mask52);
  }
  static V mul_lazy(V x, const Twiddle& t, const Constants& c) {
    V r[1];
    mul_lazy<1>({x}, {&t}, c, r);
    return r[0];
  }
};

}  // namespace
}  // namespace hnn::simd
