// Bit packing of polynomial limbs. A limb of residues modulo a b-bit prime needs only b bits per
// coefficient: a 40-bit limb costs 5 bytes per coefficient instead of 8. Each limb is stored with the
// minimal width w = bit length of its largest value (w = b for all practical purposes on uniform data;
// smaller for small or zero limbs), which makes the encoding self-describing (no context needed to save)
// and canonical (exactly one encoding per limb: the loader rejects a width that is not minimal).
//
// Bit order: a little-endian bit stream, coefficient 0 in the lowest bits of byte 0. A limb of n values
// at width w occupies exactly n * w / 8 bytes (n is a multiple of 8 for every valid ring degree).
//
// Secret keys use a separate 2-bit ternary code: 0 -> 0, 1 -> +1, 2 -> -1; 3 is invalid.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hnn::serial {

/// Bit length of the largest of the n values (0 if all are zero).
int limb_width(const std::uint64_t* values, std::size_t n);

/// Bytes taken by n values at width w; n must be a multiple of 8 and w <= 64.
inline std::size_t packed_limb_bytes(std::size_t n, int width) { return n / 8 * static_cast<std::size_t>(width); }

/// Packs n values (each < 2^width) into packed_limb_bytes(n, width) bytes. n multiple of 8, width in [0, 60].
void pack_limb(const std::uint64_t* values, std::size_t n, int width, std::uint8_t* out);

/// Unpacks n values of width w. Throws CorruptDataError if a value is >= modulus or if the width is not
/// minimal (no value reaches bit w-1), naming `what` but never a value.
void unpack_limb(const std::uint8_t* in, std::size_t n, int width, std::uint64_t modulus, std::uint64_t* out,
                 const char* what);

/// Ternary code, 4 coefficients per byte: n / 4 bytes. Input values in {-1, 0, 1}.
void pack_ternary(const std::int8_t* values, std::size_t n, std::uint8_t* out);
/// Throws CorruptDataError on the invalid code 3 (without saying where: the data is secret).
void unpack_ternary(const std::uint8_t* in, std::size_t n, std::int8_t* out);

}  // namespace hnn::serial
