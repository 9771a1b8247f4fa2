#include "hnn/serial/coefficient_packing.h"

#include <cstring>
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

namespace {

// Whole little-endian 64-bit words: one move on little-endian hosts (the packers' inner loops are otherwise
// bound by eight byte stores or loads per word: measured two to three times slower).
inline void store_le64(std::uint8_t* p, std::uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(p, &v, sizeof(v));
#else
  for (int b = 0; b < 8; ++b) p[b] = static_cast<std::uint8_t>(v >> (8 * b));
#endif
}
inline std::uint64_t load_le64(const std::uint8_t* p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
#else
  std::uint64_t v = 0;
  for (int b = 0; b < 8; ++b) v |= static_cast<std::uint64_t>(p[b]) << (8 * b);
  return v;
#endif
}

}  // namespace

// A 64-bit accumulator with `pending` < 64 bits: a value that fills it completes a word, and its remaining
// high bits (pending after the subtraction, fewer than width) start the next one; the shift width - pending
// is in (0, width], below 64, so always defined.
void pack_limb(const std::uint64_t* values, std::size_t n, int width, std::uint8_t* out) {
  if (width == 0) return;
  std::uint64_t acc = 0;
  int pending = 0;
  std::size_t o = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t v = values[i];
    acc |= v << pending;
    pending += width;
    if (pending >= 64) {
      store_le64(out + o, acc);
      o += 8;
      pending -= 64;
      acc = v >> (width - pending);
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
  std::uint64_t seen = 0, too_big = 0;
  std::size_t i = 0;
  if (width <= 56) {
    // Value i starts at bit i * width: one unaligned 8-byte load at its byte holds all of it (bit offset
    // <= 7, 7 + 56 <= 64), independent of every other value. While the load stays inside the limb.
    for (; i < n; ++i) {
      const std::size_t bit = i * static_cast<std::size_t>(width), byte = bit / 8;
      if (total - byte < 8) break;
      const std::uint64_t v = (load_le64(in + byte) >> (bit % 8)) & mask;
      out[i] = v;
      seen |= v;
      too_big |= static_cast<std::uint64_t>(v >= modulus);  // branch-free: checked once after the loop
    }
  }
  // The rest (all of it for widths above 56): a bit stream from the first byte of value i.
  const std::size_t first_bit = i * static_cast<std::size_t>(width);
  std::size_t pos = first_bit / 8;
  u128 acc = 0;
  int avail = 0;
  if (i < n && first_bit % 8 != 0) {
    acc = in[pos++] >> (first_bit % 8);
    avail = static_cast<int>(8 - first_bit % 8);
  }
  for (; i < n; ++i) {
    while (avail < width) {
      // Whole 8-byte words while they last, then single bytes (the tail of a limb whose byte count is
      // not a multiple of 8). pos never passes `total`: n * width bits are exactly `total` bytes.
      if (total - pos >= 8) {
        acc |= static_cast<u128>(load_le64(in + pos)) << avail;
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
    too_big |= static_cast<std::uint64_t>(v >= modulus);
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
