#include "framing.h"

#include <algorithm>
#include <cstring>
#include <istream>
#include <limits>
#include <ostream>
#include <string>

#include "hnn/serial/compression.h"
#include "hnn/util/errors.h"

namespace hnn::serial {
namespace {

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMaxPrimes = 256;       // format limit for parameters (far above any secure chain)
constexpr std::uint64_t kKeySeedBytes = 32;

// Fixed descriptor parts (see the codecs in serialization.cpp).
constexpr std::uint64_t kKeyBlockFixed = 4 + 4 + 1 + kKeySeedBytes;       // digits, limbs, seeded, seed
constexpr std::uint64_t kCiphertextFixed = 8 + 4 + 4 + 8 + 1 + 32;        // n, level, size, scale, seeded, seed

std::string size_str(std::uint64_t v) { return std::to_string(v); }

}  // namespace

std::uint64_t sat_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > kU64Max / a) return kU64Max;
  return a * b;
}
std::uint64_t sat_add(std::uint64_t a, std::uint64_t b) { return a > kU64Max - b ? kU64Max : a + b; }

SizeLimits size_limits(ObjectType type, const Context* ctx) {
  SizeLimits l;
  if (type == ObjectType::kParameters) {
    l.max_descriptor = 8 + 4 + 4 + 8 * kMaxPrimes;
    l.max_raw_body = 0;
    return l;
  }
  const std::uint64_t n = ctx->n();
  const std::uint64_t limbs_top = ctx->max_level() + 1;
  const std::uint64_t all = ctx->prime_count();
  const std::uint64_t digits = ctx->digit_count();
  const std::uint64_t poly_bytes_top = sat_mul(sat_mul(limbs_top, n), 8);  // 8 bytes bound any width <= 60
  const std::uint64_t key_block_desc = kKeyBlockFixed + 2 * digits * all;
  const std::uint64_t key_body = sat_mul(sat_mul(sat_mul(2 * digits, all), n), 8);
  switch (type) {
    case ObjectType::kPlaintext:
      l.max_descriptor = 8 + 4 + 8 + limbs_top;
      l.max_raw_body = poly_bytes_top;
      break;
    case ObjectType::kCiphertext:
    case ObjectType::kPublicKey:
      l.max_descriptor = kCiphertextFixed + 3 * limbs_top;
      l.max_raw_body = sat_mul(poly_bytes_top, 3);
      break;
    case ObjectType::kSecretKey:
      l.max_descriptor = 8 + 4;
      l.max_raw_body = n / 4;
      break;
    case ObjectType::kRelinKeys:
      l.max_descriptor = 8 + key_block_desc;
      l.max_raw_body = key_body;
      break;
    case ObjectType::kGaloisKeys:
      // At most one key per odd element below 2N, i.e. N keys.
      l.max_descriptor = sat_add(12, sat_mul(n, 8 + key_block_desc));
      l.max_raw_body = sat_mul(n, key_body);
      break;
    default:
      break;
  }
  return l;
}

std::vector<std::uint8_t> assemble(ObjectType type, Compression compression, const ParamsHash& hash,
                                   const std::vector<std::uint8_t>& descriptor, const std::uint8_t* raw_body,
                                   std::size_t raw_size, bool secret) {
  if (descriptor.size() > std::numeric_limits<std::uint32_t>::max())
    throw InvalidArgumentError("object too large to serialize: descriptor exceeds 4 GiB");
  std::vector<std::uint8_t> blob(kHeaderSize);
  // Reserve the worst case up front: the vector then never reallocates, which would leave unwiped copies
  // of a secret key's (compressed) bytes in freed memory. zlib_compress grows its output by 64 KiB steps.
  const std::uint64_t body_room =
      compression == Compression::kNone ? raw_size : sat_add(zlib_stored_bound(raw_size), std::uint64_t{1} << 16);
  blob.reserve(static_cast<std::size_t>(sat_add(kHeaderSize + descriptor.size(), body_room)));
  blob.insert(blob.end(), descriptor.begin(), descriptor.end());
  const std::size_t body_start = blob.size();
  if (compression == Compression::kZlib) {
    zlib_compress(raw_body, raw_size, blob, secret);
  } else if (compression == Compression::kNone) {
    blob.insert(blob.end(), raw_body, raw_body + raw_size);
  } else {
    throw InvalidArgumentError("unknown compression mode");
  }
  Header h;
  h.type = type;
  h.compression = compression;
  h.descriptor_size = static_cast<std::uint32_t>(descriptor.size());
  h.body_raw_size = raw_size;
  h.body_stored_size = blob.size() - body_start;
  h.params_hash = hash;
  write_header(h, blob.data());
  seal_checksum(blob.data(), blob.size());
  return blob;
}

namespace {

// Limits and stored-size rules shared by the buffer and the stream paths.
void check_sizes(const Header& h, ObjectType expected, const Context* ctx) {
  const SizeLimits lim = size_limits(expected, ctx);
  if (h.descriptor_size > lim.max_descriptor)
    throw CorruptDataError(std::string(object_type_name(expected)) + ": descriptor size " +
                           size_str(h.descriptor_size) + " exceeds the maximum " + size_str(lim.max_descriptor) +
                           " for these parameters");
  if (h.body_raw_size > lim.max_raw_body)
    throw CorruptDataError(std::string(object_type_name(expected)) + ": body size " + size_str(h.body_raw_size) +
                           " exceeds the maximum " + size_str(lim.max_raw_body) + " for these parameters");
  if (h.compression == Compression::kNone) {
    if (h.body_stored_size != h.body_raw_size)
      throw CorruptDataError("uncompressed body: stored size " + size_str(h.body_stored_size) +
                             " differs from raw size " + size_str(h.body_raw_size));
  } else if (h.body_stored_size > zlib_stored_bound(h.body_raw_size)) {
    throw CorruptDataError("compressed body: stored size " + size_str(h.body_stored_size) +
                           " is larger than zlib can produce for " + size_str(h.body_raw_size) + " bytes");
  }
}

void check_type(const Header& h, ObjectType expected) {
  if (h.type != expected)
    throw CorruptDataError(std::string("expected serialized ") + object_type_name(expected) + ", found " +
                           object_type_name(h.type));
}

const ParamsHash kZeroHash{};

}  // namespace

OpenedBlob open_blob(const std::uint8_t* data, std::size_t size, ObjectType expected, const Context* ctx) {
  OpenedBlob b;
  b.header = read_header(data, size);
  const Header& h = b.header;
  check_type(h, expected);
  // Exact length first (needs no context): header + descriptor + stored body == size.
  const std::uint64_t after_header = size - kHeaderSize;  // read_header guaranteed size >= kHeaderSize
  if (h.descriptor_size > after_header || h.body_stored_size > after_header - h.descriptor_size)
    throw CorruptDataError(std::string(object_type_name(expected)) + " is truncated: the header announces " +
                           size_str(sat_add(sat_add(kHeaderSize, h.descriptor_size), h.body_stored_size)) +
                           " bytes, only " + size_str(size) + " present");
  if (h.body_stored_size != after_header - h.descriptor_size)
    throw CorruptDataError(std::string(object_type_name(expected)) + ": " +
                           size_str(after_header - h.descriptor_size - h.body_stored_size) +
                           " trailing byte(s) after the object");
  if (compute_checksum(data, size) != h.checksum)
    throw CorruptDataError(std::string(object_type_name(expected)) +
                           ": checksum mismatch (the data was truncated or altered)");
  // The bytes are intact; now whether they belong here.
  if (expected == ObjectType::kParameters) {
    if (h.params_hash != kZeroHash) throw CorruptDataError("encryption parameters: parameter hash field must be zero");
  } else if (h.params_hash != ctx->params_hash()) {
    throw IncompatibleObjectsError(std::string("serialized ") + object_type_name(expected) +
                                   " belongs to other encryption parameters (parameter hash mismatch)");
  }
  check_sizes(h, expected, ctx);
  b.descriptor = data + kHeaderSize;
  b.descriptor_size = h.descriptor_size;
  b.body = b.descriptor + h.descriptor_size;
  b.body_size = static_cast<std::size_t>(h.body_stored_size);
  return b;
}

namespace {

void read_exact(std::istream& is, std::uint8_t* out, std::size_t n, const char* what) {
  is.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
  if (static_cast<std::size_t>(is.gcount()) != n)
    throw CorruptDataError(std::string("stream ended inside the ") + what + " of a serialized object");
}

}  // namespace

std::vector<std::uint8_t> read_blob(std::istream& is, ObjectType expected, const Context* ctx) {
  std::vector<std::uint8_t> blob(kHeaderSize);
  read_exact(is, blob.data(), kHeaderSize, "header");
  const Header h = read_header(blob.data(), blob.size());
  check_type(h, expected);
  try {
    check_sizes(h, expected, ctx);
  } catch (const CorruptDataError&) {
    // Too large for this context: if the (not yet verified) hash names other parameters, that is the
    // likelier story -- say so with the more useful error type.
    if (expected != ObjectType::kParameters && h.params_hash != ctx->params_hash())
      throw IncompatibleObjectsError(std::string("serialized ") + object_type_name(expected) +
                                     " belongs to other encryption parameters (parameter hash mismatch)");
    throw;
  }
  // Sizes are bounded by the context now, but may still be large: grow in chunks so a stream that ends
  // early never forces the full allocation.
  std::uint64_t remaining = sat_add(h.descriptor_size, h.body_stored_size);
  if (remaining > std::numeric_limits<std::size_t>::max() - kHeaderSize)
    throw CorruptDataError("serialized object too large for this platform");
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  while (remaining > 0) {
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, kChunk));
    const std::size_t at = blob.size();
    blob.resize(at + take);
    read_exact(is, blob.data() + at, take, "payload");
    remaining -= take;
  }
  return blob;
}

void write_blob(std::ostream& os, const std::vector<std::uint8_t>& blob) {
  os.write(reinterpret_cast<const char*>(blob.data()), static_cast<std::streamsize>(blob.size()));
  if (!os) throw Error("writing a serialized object to the output stream failed");
}

}  // namespace hnn::serial
