// Small bit-level helpers shared by the ring and CKKS layers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hnn {

inline bool is_power_of_two(std::uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

/// floor(log2(x)) for x > 0.
inline int log2_floor(std::uint64_t x) { return 63 - __builtin_clzll(x); }

/// Number of significant bits of x (0 for x = 0).
inline int bit_length(std::uint64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll(x); }

/// Reverses the low `bits` bits of x.
inline std::uint64_t reverse_bits(std::uint64_t x, int bits) {
  if (bits == 0) return 0;
  x = ((x & 0x5555555555555555ULL) << 1) | ((x >> 1) & 0x5555555555555555ULL);
  x = ((x & 0x3333333333333333ULL) << 2) | ((x >> 2) & 0x3333333333333333ULL);
  x = ((x & 0x0F0F0F0F0F0F0F0FULL) << 4) | ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL);
  x = ((x & 0x00FF00FF00FF00FFULL) << 8) | ((x >> 8) & 0x00FF00FF00FF00FFULL);
  x = ((x & 0x0000FFFF0000FFFFULL) << 16) | ((x >> 16) & 0x0000FFFF0000FFFFULL);
  x = (x << 32) | (x >> 32);
  return x >> (64 - bits);
}

}  // namespace hnn
