// The fixed 64-byte header that starts every serialized HNN object, and its checksum.
//
//   offset size field
//        0    4 magic "HNNS"
//        4    2 format version (kFormatVersion)
//        6    1 object type (ObjectType)
//        7    1 body compression (Compression)
//        8    4 descriptor size in bytes
//       12    4 CRC-32 (zlib polynomial) of the whole blob -- header with this field read as zero,
//               descriptor and stored body -- so accidental corruption anywhere is caught before parsing
//       16    8 body size once decompressed ("raw")
//       24    8 body size as stored (equal to the raw size without compression)
//       32   32 parameter hash (SHA-256 of the EncryptionParameters; all zero for parameters themselves)
//       64      descriptor: small, never compressed -- level, scale, seeds, per-limb bit widths, Galois
//               elements ... everything needed to compute the exact body size *before* touching the body
//        ..     body: packed coefficients, possibly zlib-compressed
//
// All integers little-endian. The CRC protects against accidents (truncated files, flipped bits); it is
// not a MAC: an attacker can recompute it, which is why every field is validated semantically as well.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hnn/rlwe/parameters.h"

namespace hnn {

/// How the body of a serialized object is stored.
enum class Compression : std::uint8_t {
  kNone = 0,
  kZlib = 1,
};

/// What a serialized blob contains.
enum class ObjectType : std::uint8_t {
  kParameters = 1,
  kPlaintext = 2,
  kCiphertext = 3,
  kSecretKey = 4,
  kPublicKey = 5,
  kRelinKeys = 6,
  kGaloisKeys = 7,
};

const char* object_type_name(ObjectType type);

namespace serial {

constexpr std::size_t kHeaderSize = 64;
constexpr std::uint16_t kFormatVersion = 1;
constexpr std::uint8_t kMagic[4] = {'H', 'N', 'N', 'S'};
constexpr std::size_t kChecksumOffset = 12;

struct Header {
  std::uint16_t version = kFormatVersion;
  ObjectType type = ObjectType::kParameters;
  Compression compression = Compression::kNone;
  std::uint32_t descriptor_size = 0;
  std::uint32_t checksum = 0;
  std::uint64_t body_raw_size = 0;
  std::uint64_t body_stored_size = 0;
  ParamsHash params_hash{};
};

/// Writes the 64 header bytes (checksum field as given; see seal_checksum).
void write_header(const Header& h, std::uint8_t* out);

/// Decodes the first 64 bytes. Checks only what is needed to trust the field layout: length, magic,
/// version, a known object type and compression. Throws CorruptDataError.
Header read_header(const std::uint8_t* data, std::size_t size);

/// CRC-32 of a whole blob with the checksum field taken as zero. `size` >= kHeaderSize.
std::uint32_t compute_checksum(const std::uint8_t* blob, std::size_t size);

/// Recomputes and stores the checksum of a blob in place (after building it, or -- in tests and the fuzz
/// harness -- after editing a field on purpose, so that the semantic validators behind the checksum run).
void seal_checksum(std::uint8_t* blob, std::size_t size);

/// CRC-32 continuation over an arbitrary-length buffer (zlib's crc32 takes 32-bit lengths).
std::uint32_t crc32_update(std::uint32_t crc, const std::uint8_t* data, std::size_t size);

}  // namespace serial
}  // namespace hnn
