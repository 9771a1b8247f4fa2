// Framing of one serialized object: header + descriptor + body, assembled on save and opened (bounds,
// checksum, parameter hash) on load before any codec parses a byte. Internal to the serialization layer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <vector>

#include "hnn/rlwe/context.h"
#include "hnn/serial/header.h"

namespace hnn::serial {

/// Upper bounds implied by the context (or by the format, for parameters) for an object type. They are
/// checked before anything is allocated, so a hostile header cannot make the loader reserve more.
struct SizeLimits {
  std::uint64_t max_descriptor = 0;
  std::uint64_t max_raw_body = 0;
};
SizeLimits size_limits(ObjectType type, const Context* ctx);

/// Builds a complete blob: header, descriptor, body (compressed if asked), checksum.
std::vector<std::uint8_t> assemble(ObjectType type, Compression compression, const ParamsHash& hash,
                                   const std::vector<std::uint8_t>& descriptor, const std::uint8_t* raw_body,
                                   std::size_t raw_size, bool secret);

/// A validated view into a blob.
struct OpenedBlob {
  Header header;
  const std::uint8_t* descriptor = nullptr;
  std::size_t descriptor_size = 0;
  const std::uint8_t* body = nullptr;  // stored (possibly compressed) body
  std::size_t body_size = 0;
};

/// Checks the header, the exact total length, the checksum, and the parameter hash (all zero for
/// parameters; ctx's hash otherwise -- a mismatch is IncompatibleObjectsError), then the size limits.
OpenedBlob open_blob(const std::uint8_t* data, std::size_t size, ObjectType expected, const Context* ctx);

/// Reads exactly one object's bytes from a stream (header first, then as many bytes as it announces, in
/// bounded chunks so that a lying header costs no memory up front).
std::vector<std::uint8_t> read_blob(std::istream& is, ObjectType expected, const Context* ctx);

void write_blob(std::ostream& os, const std::vector<std::uint8_t>& blob);

/// a * b and a + b, saturating at UINT64_MAX (for limits, where saturation means "no practical limit").
std::uint64_t sat_mul(std::uint64_t a, std::uint64_t b);
std::uint64_t sat_add(std::uint64_t a, std::uint64_t b);

}  // namespace hnn::serial
