// Private: Shoup's multiplication by a precomputed constant (V. Shoup, NTL; analysed for NTTs in D. Harvey,
// "Faster arithmetic for number-theoretic transforms", J. Symb. Comp. 2014), lane-wise over a lane backend
// L (simd_lanes_avx512.h or simd_lanes_emulated.h). Two variants, same contract:
//
//   Twiddle make(w, wq)     w < q and its 64-bit Shoup quotient wq = floor(w * 2^64 / q), lane-wise
//   V mul_lazy(x, tw, q)    a representative of x * w mod q in [0, kBound * q)
//
// Shoup64 works for every modulus < 2^60 and any x < 2^64 (kBound = 4); ShoupIfma52 needs q < 2^50 and
// x < 2^52 (kBound = 2).
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

/// For AVX-512F without IFMA: the high 64 bits of x * wq by mul_high_estimate(), low by at most 2, so with the
/// usual error of Shoup's quotient the remainder x*w - estimate*q lies in [0, 4q) instead of [0, 2q).
/// It is returned as is: the NTT keeps its lazy values below 8q < 2^63 instead (see ntt_vector.h), which
/// costs no more corrections than bringing this one back to [0, 2q) would. That is 3 vpmuludq, 2 vpmullq
/// (for the low words of x*w and estimate*q, exact mod 2^64, whose difference is < 2^62) and 5 cheap
/// operations.
template <class L>
struct Shoup64 {
  using V = typename L::V;
  static constexpr std::uint64_t kBound = 4;
  struct Twiddle {
    V operand;         // w
    V quotient;        // wq; vpmuludq reads its low 32 bits
    V quotient_high;   // wq >> 32
  };
  static Twiddle make(V w, V wq) { return {w, wq, L::template shift_right<32>(wq)}; }
  static V mul_lazy(V x, const Twiddle& t, V q) {
    const V estimate = mul_high_estimate<L>(x, t.quotient, t.quotient_high);
    return L::sub(L::mul_lo64(x, t.operand), L::mul_lo64(estimate, q));
  }
};

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
  static Twiddle make(V w, V wq) { return {w, L::template shift_right<12>(wq)}; }
  static V mul_lazy(V x, const Twiddle& t, V q) {
    const V zero = L::zero();
    const V estimate = L::madd52hi(zero, x, t.quotient52);
    const V r = L::sub(L::madd52lo(zero, x, t.operand), L::madd52lo(zero, estimate, q));
    return L::bit_and(r, L::set1(kMask52));
  }
};

}  // namespace
}  // namespace hnn::simd
