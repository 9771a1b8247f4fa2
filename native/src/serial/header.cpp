#include "hnn/serial/header.h"

#include <zlib.h>

#include <cstring>
#include <string>

#include "hnn/serial/byte_io.h"
#include "hnn/util/errors.h"

namespace hnn {

const char* object_type_name(ObjectType type) {
  switch (type) {
    case ObjectType::kParameters: return "encryption parameters";
    case ObjectType::kPlaintext: return "plaintext";
    case ObjectType::kCiphertext: return "ciphertext";
    case ObjectType::kSecretKey: return "secret key";
    case ObjectType::kPublicKey: return "public key";
    case ObjectType::kRelinKeys: return "relinearization keys";
    case ObjectType::kGaloisKeys: return "Galois keys";
  }
  return "unknown object";
}

namespace serial {

void write_header(const Header& h, std::uint8_t* out) {
  std::vector<std::uint8_t> buf;
  buf.reserve(kHeaderSize);
  ByteWriter w(buf);
  w.bytes(kMagic, 4);
  w.u16(h.version);
  w.u8(static_cast<std::uint8_t>(h.type));
  w.u8(static_cast<std::uint8_t>(h.compression));
  w.u32(h.descriptor_size);
  w.u32(h.checksum);
  w.u64(h.body_raw_size);
  w.u64(h.body_stored_size);
  w.bytes(h.params_hash.data(), h.params_hash.size());
  std::memcpy(out, buf.data(), kHeaderSize);
}

Header read_header(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr && size != 0) throw CorruptDataError("serialized object: null data pointer");
  ByteReader r(data, size, "serialized object header");
  std::uint8_t magic[4];
  r.bytes(magic, 4, "magic");
  if (std::memcmp(magic, kMagic, 4) != 0)
    throw CorruptDataError("not a serialized HNN object: bad magic bytes (expected \"HNNS\")");
  Header h;
  h.version = r.u16("format version");
  if (h.version != kFormatVersion)
    throw CorruptDataError("unsupported serialization format version " + std::to_string(h.version) +
                           " (this build reads version " + std::to_string(kFormatVersion) + ")");
  std::uint8_t type = r.u8("object type");
  if (type < static_cast<std::uint8_t>(ObjectType::kParameters) ||
      type > static_cast<std::uint8_t>(ObjectType::kGaloisKeys))
    throw CorruptDataError("unknown object type code " + std::to_string(type));
  h.type = static_cast<ObjectType>(type);
  std::uint8_t comp = r.u8("compression");
  if (comp > static_cast<std::uint8_t>(Compression::kZlib))
    throw CorruptDataError("unknown compression code " + std::to_string(comp));
  h.compression = static_cast<Compression>(comp);
  h.descriptor_size = r.u32("descriptor size");
  h.checksum = r.u32("checksum");
  h.body_raw_size = r.u64("raw body size");
  h.body_stored_size = r.u64("stored body size");
  r.bytes(h.params_hash.data(), h.params_hash.size(), "parameter hash");
  return h;
}

std::uint32_t crc32_update(std::uint32_t crc, const std::uint8_t* data, std::size_t size) {
  uLong c = crc;
  while (size > 0) {
    const uInt chunk = size > (1u << 30) ? (1u << 30) : static_cast<uInt>(size);
    c = ::crc32(c, data, chunk);
    data += chunk;
    size -= chunk;
  }
  return static_cast<std::uint32_t>(c);
}

std::uint32_t compute_checksum(const std::uint8_t* blob, std::size_t size) {
  if (size < kHeaderSize) throw CorruptDataError("serialized object is shorter than its 64-byte header");
  static const std::uint8_t kZero[4] = {0, 0, 0, 0};
  std::uint32_t c = crc32_update(0, blob, kChecksumOffset);
  c = crc32_update(c, kZero, 4);
  c = crc32_update(c, blob + kChecksumOffset + 4, size - kChecksumOffset - 4);
  return c;
}

void seal_checksum(std::uint8_t* blob, std::size_t size) {
  std::uint32_t c = compute_checksum(blob, size);
  for (int i = 0; i < 4; ++i) blob[kChecksumOffset + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(c >> (8 * i));
}

}  // namespace serial
}  // namespace hnn
