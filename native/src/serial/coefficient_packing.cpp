#include "hnn/serial/coefficient_packing.h"

#include <string>

#include "hnn/util/bits.h"
#include "hnn/util/errors.h"

namespace hnn::serial {

using u128 = unsigned __int128;

int limb_width(const std::uint64_t* values, std::size_t n) {
  std::uint64_t acc = 0;
  for (std::size_t i = 0; i < n; ++i) acc |= values[i];
  return bit_length(acc);
}

// The 128-bit accumulator holds fewer than 64 pending bits before a value of at most 60 bits is added,
// so it never overflows and every shift amount stays below 128 (no undefined shifts).
void pack_limb(const std::uint64_t* values, std::size_t n, int width, std::uint8_t* out) {
  if (width == 0) return;
  u128 acc = 0;
  int pending = 0;
  std::size_t o = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc |= static_cast<u128>(values[i]) << pending;
    pending += width;
    if (pending >= 64) {
      std::uint64_t word = static_cast<std::uint64_t>(acc);
      for (int b = 0; b < 8; ++b) out[o++] = static_cast<std::uint8_t>(word >> (8 * b));
      acc >>= 64;
      pending -= 64;
    }
  }
  // n * width is a multiple of 8, so whole bytes remain.
  for (; pending > 0; pending -= 8) {
    out[o++] = static_cast<std::uint8_t>(acc);
    acc >>= 8;
  }
}

void unpack_limb(const std::uint8_t* in, std::size_t n, int width, std::uint64_t modulus, std::uint64_t* out,
                 const char* what) {
  if (width < 0 || width > 60) throw CorruptDataError(std::string(what) + ": invalid bit width");
  if (width == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = 0;
    return;
  }
  const std::size_t total = packed_limb_bytes(n, width);
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;  // width in [1, 60]: a defined shift
  u128 acc = 0;
  int avail = 0;
  std::size_t pos = 0;
  std::uint64_t seen = 0, too_big = 0;
  for (std::size_t i = 0; i < n; ++i) {
    while (avail < width) {
      // Whole 8-byte words while they last, then single bytes (the tail of a limb whose byte count is
      // not a multiple of 8). pos never passes `total`: n * width bits are exactly `total` bytes.
      if (total - pos >= 8) {
        std::uint64_t word = 0;
        for (int b = 0; b < 8; ++b) word |= static_cast<std::uint64_t>(in[pos + static_cast<std::size_t>(b)]) << (8 * b);
        acc |= static_cast<u128>(word) << avail;
        pos += 8;
        avail += 64;
      } else {
        acc |= static_cast<u128>(in[pos]) << avail;
        pos += 1;
        avail += 8;
      }
    }
    const std::uint64_t v = static_cast<std::uint64_t>(acc) & mask;
    acc >>= width;
    avail -= width;
    out[i] = v;
    seen |= v;
    too_big |= static_cast<std::uint64_t>(v >= modulus);  // branch-free: checked once after the loop
  }
  if (too_big) throw CorruptDataError(std::string(what) + ": a coefficient is not reduced modulo its prime");
  if (bit_length(seen) != width)
    throw CorruptDataError(std::string(what) + ": bit width " + std::to_string(width) +
                           " is not minimal (non-canonical encoding)");
}

void pack_ternary(const std::int8_t* values, std::size_t n, std::uint8_t* out) {
  for (std::size_t i = 0; i < n; i += 4) {
    std::uint8_t byte = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      // Branch-free on secret data: -1, 0, 1 have low bits 11, 00, 01; x ^ (x >> 1) maps 11 -> 10.
      const std::uint8_t low = static_cast<std::uint8_t>(static_cast<std::uint8_t>(values[i + k]) & 3u);
      const std::uint8_t code = static_cast<std::uint8_t>(low ^ (low >> 1));
      byte = static_cast<std::uint8_t>(byte | (code << (2 * k)));
    }
    out[i / 4] = byte;
  }
}

void unpack_ternary(const std::uint8_t* in, std::size_t n, std::int8_t* out) {
  std::uint8_t invalid = 0;
  for (std::size_t i = 0; i < n; i += 4) {
    const std::uint8_t byte = in[i / 4];
    for (std::size_t k = 0; k < 4; ++k) {
      const std::uint8_t code = static_cast<std::uint8_t>((byte >> (2 * k)) & 3u);
      invalid |= static_cast<std::uint8_t>(code == 3);
      // 0 -> 0, 1 -> 1, 2 -> -1 (3 -> -2, rejected below), computed without a data-dependent branch.
      out[i + k] = static_cast<std::int8_t>(static_cast<int>(code & 1u) - static_cast<int>(code >> 1));
    }
  }
  if (invalid) throw CorruptDataError("secret key: invalid ternary coefficient code (must encode -1, 0 or 1)");
}

}  // namespace hnn::serial
