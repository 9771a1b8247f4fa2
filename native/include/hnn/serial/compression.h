// Body compression (zlib) and the body reader that the object codecs pull bytes from.
//
// Decompression is streamed: the codecs ask for exactly the bytes they are about to decode (one limb at a
// time), so the loader never holds the whole inflated body and never inflates a single byte beyond the
// raw size promised in the (checksummed) header. Memory use is therefore bounded by what the header and
// the context imply, and a short or over-long stream is a CorruptDataError, not an allocation.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "hnn/serial/header.h"

namespace hnn::serial {

/// Appends the zlib (RFC 1950) compression of [in, in + n) to `out`. With `secret`, zlib's internal
/// buffers (which hold copies of the input) are wiped when freed.
void zlib_compress(const std::uint8_t* in, std::size_t n, std::vector<std::uint8_t>& out, bool secret);

/// Largest stored size a zlib body of `raw` bytes may have (zlib's own compressBound), saturating.
std::uint64_t zlib_stored_bound(std::uint64_t raw);

/// Sequential reader of a body: plain bytes, or a zlib stream inflated on demand.
class BodyReader {
 public:
  BodyReader(const std::uint8_t* stored, std::size_t stored_size, std::uint64_t raw_size, Compression compression,
             bool secret);
  ~BodyReader();
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;

  /// The next n body bytes. Throws CorruptDataError if the body (as declared or as stored) ends first.
  void read(std::uint8_t* out, std::size_t n, const char* what);
  /// Requires that the whole declared body was read and that the stored data ends exactly there (for zlib:
  /// the stream is complete, produces nothing more and has no trailing bytes).
  void finish();

 private:
  struct Inflater;
  const std::uint8_t* stored_;
  std::size_t stored_size_;
  std::uint64_t raw_size_;
  std::uint64_t produced_ = 0;
  std::size_t consumed_ = 0;  // plain bodies only
  std::unique_ptr<Inflater> inflater_;
};

}  // namespace hnn::serial
