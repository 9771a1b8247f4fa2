// Private: a scalar emulation of the lane backend of simd_lanes_avx512.h (eight 64-bit lanes, plus the
// IFMA52 multiply-accumulate instructions), with the exact semantics of Intel's documentation. It lets the
// vector kernels be instantiated and checked on any CPU, in particular the IFMA kernel on CPUs without IFMA:
// the kernel code is the same template, only the lane operations differ.
#pragma once
#include <cstdint>

namespace hnn::simd {
namespace {

struct EmulatedLanes {
  struct V {
    std::uint64_t lane[8];
  };
  static constexpr int kLanes = 8;
  static constexpr std::uint64_t kMask52 = (std::uint64_t{1} << 52) - 1;

  template <typename F>
  static V map(F f) {
    V r;
    for (int i = 0; i < 8; ++i) r.lane[i] = f(i);
    return r;
  }

  static V zero() { return set1(0); }
  static V set1(std::uint64_t x) { return map([&](int) { return x; }); }
  static V load(const std::uint64_t* p) { return map([&](int i) { return p[i]; }); }
  static V load_broadcast2(const std::uint64_t* p) { return map([&](int i) { return p[i % 2]; }); }
  static V load_broadcast4(const std::uint64_t* p) { return map([&](int i) { return p[i % 4]; }); }
  static void store(std::uint64_t* p, V x) {
    for (int i = 0; i < 8; ++i) p[i] = x.lane[i];
  }
  static void prefetch(const std::uint64_t*) {}
  static V load_partial(const std::uint64_t* p, int count) {
    return map([&](int i) { return i < count ? p[i] : 0; });
  }
  static void store_partial(std::uint64_t* p, V x, int count) {
    for (int i = 0; i < count; ++i) p[i] = x.lane[i];
  }

  static V add(V a, V b) { return map([&](int i) { return a.lane[i] + b.lane[i]; }); }
  static V sub(V a, V b) { return map([&](int i) { return a.lane[i] - b.lane[i]; }); }
  static V bit_and(V a, V b) { return map([&](int i) { return a.lane[i] & b.lane[i]; }); }
  static V min(V a, V b) { return map([&](int i) { return a.lane[i] < b.lane[i] ? a.lane[i] : b.lane[i]; }); }
  template <int kBits>
  static V shift_right(V a) { return map([&](int i) { return a.lane[i] >> kBits; }); }
  template <int kBits>
  static V shift_left(V a) { return map([&](int i) { return a.lane[i] << kBits; }); }
  static V shift_right(V a, int bits) { return map([&](int i) { return a.lane[i] >> bits; }); }
  static V shift_left(V a, int bits) { return map([&](int i) { return a.lane[i] << bits; }); }
  static V bit_or(V a, V b) { return map([&](int i) { return a.lane[i] | b.lane[i]; }); }
  static V carry(V sum, V addend) { return map([&](int i) { return std::uint64_t{sum.lane[i] < addend.lane[i]}; }); }
  static V reduce_below(V x, V m) { return min(x, sub(x, m)); }
  static V add_where_greater(V base, V x, V threshold, V addend) {
    return map([&](int i) { return x.lane[i] > threshold.lane[i] ? base.lane[i] + addend.lane[i] : base.lane[i]; });
  }
  static V negate_nonzero(V x, V m) {
    return map([&](int i) { return x.lane[i] == 0 ? 0 : m.lane[i] - x.lane[i]; });
  }

  static V mul_u32(V a, V b) {
    return map([&](int i) { return (a.lane[i] & 0xffffffffu) * (b.lane[i] & 0xffffffffu); });
  }
  static V mul_lo64(V a, V b) { return map([&](int i) { return a.lane[i] * b.lane[i]; }); }

  static V interleave_low(V a, V b) { return map([&](int i) { return i % 2 ? b.lane[i / 2] : a.lane[i / 2]; }); }
  static V interleave_high(V a, V b) {
    return map([&](int i) { return i % 2 ? b.lane[4 + i / 2] : a.lane[4 + i / 2]; });
  }
  static V deinterleave_even(V a, V b) { return map([&](int i) { return i < 4 ? a.lane[2 * i] : b.lane[2 * i - 8]; }); }
  static V deinterleave_odd(V a, V b) {
    return map([&](int i) { return i < 4 ? a.lane[2 * i + 1] : b.lane[2 * i - 7]; });
  }

  // vpmadd52luq / vpmadd52huq: the 104-bit product of the low 52 bits of a and b; its low (resp. high)
  // 52 bits, zero-extended, are added to the 64-bit lane of acc.
  static V madd52lo(V acc, V a, V b) {
    return map([&](int i) {
      const unsigned __int128 p = static_cast<unsigned __int128>(a.lane[i] & kMask52) * (b.lane[i] & kMask52);
      return acc.lane[i] + (static_cast<std::uint64_t>(p) & kMask52);
    });
  }
  static V madd52hi(V acc, V a, V b) {
    return map([&](int i) {
      const unsigned __int128 p = static_cast<unsigned __int128>(a.lane[i] & kMask52) * (b.lane[i] & kMask52);
      return acc.lane[i] + static_cast<std::uint64_t>(p >> 52);
    });
  }
};

}  // namespace
}  // namespace hnn::simd
