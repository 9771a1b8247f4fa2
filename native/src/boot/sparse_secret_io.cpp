// Serialization of SparseSecretEncapsulation: a small container around two key-switching keys, each written
// by the engine's own key codec (serial/serialization.cpp) as a relinearization-key blob of its context. The
// container adds only what the keys do not carry: the Hamming weight and a checksum over the whole.
#include <cstring>
#include <string>
#include <utility>

#include "hnn/boot/sparse_secret.h"
#include "hnn/serial/byte_io.h"
#include "hnn/serial/header.h"
#include "hnn/serial/serialization.h"
#include "hnn/util/errors.h"

namespace hnn::boot {

namespace {

constexpr std::uint8_t kMagic[4] = {'H', 'N', 'N', 'E'};
constexpr std::uint16_t kVersion = 1;
const char* const kWhat = "sparse-secret encapsulation";

void put_key(serial::ByteWriter& w, const Context& ctx, const KeySwitchKey& key) {
  RelinKeys wrapper;
  wrapper.key() = key;
  const std::vector<std::uint8_t> blob = hnn::save(ctx, wrapper);
  w.u64(blob.size());
  w.bytes(blob.data(), blob.size());
}

KeySwitchKey get_key(serial::ByteReader& r, const Context& ctx, const char* field) {
  const std::uint64_t size = r.u64(field);
  if (size > r.remaining())
    throw CorruptDataError(std::string(kWhat) + ": the " + field + " claims " + std::to_string(size) +
                           " bytes, only " + std::to_string(r.remaining()) + " remain");
  const std::uint8_t* blob = r.view(static_cast<std::size_t>(size), field);
  RelinKeys wrapper;
  hnn::load(ctx, blob, static_cast<std::size_t>(size), wrapper);  // validates shape, ranges, hash, checksum
  return std::move(wrapper.key());
}

}  // namespace

std::vector<std::uint8_t> SparseSecretEncapsulation::save() const {
  std::vector<std::uint8_t> out;
  serial::ByteWriter w(out);
  w.bytes(kMagic, sizeof kMagic);
  w.u16(kVersion);
  w.u16(0);
  w.u32(static_cast<std::uint32_t>(weight_));
  put_key(w, *small_, to_sparse_);
  put_key(w, *ctx_, to_dense_);
  w.u32(serial::crc32_update(0, out.data(), out.size()));
  return out;
}

SparseSecretEncapsulation SparseSecretEncapsulation::load(ContextPtr ctx, const std::uint8_t* data, std::size_t size,
                                                          SecurityLevel security) {
  if (!ctx) throw InvalidArgumentError("sparse-secret encapsulation: context is null");
  if (data == nullptr && size != 0) throw InvalidArgumentError("sparse-secret encapsulation: data is null");
  if (size < sizeof kMagic + 4 + 4 + 4 || std::memcmp(data, kMagic, sizeof kMagic) != 0)
    throw CorruptDataError(std::string(kWhat) + ": not a serialized encapsulation (bad magic or too short)");
  // The checksum first: an accidental change anywhere (the weight included) is reported as such.
  serial::ByteReader tail(data + size - 4, 4, kWhat);
  if (tail.u32("checksum") != serial::crc32_update(0, data, size - 4))
    throw CorruptDataError(std::string(kWhat) + ": checksum mismatch (truncated or altered data)");
  serial::ByteReader r(data + sizeof kMagic, size - sizeof kMagic - 4, kWhat);
  const std::uint16_t version = r.u16("version");
  if (version != kVersion)
    throw CorruptDataError(std::string(kWhat) + ": unsupported format version " + std::to_string(version));
  if (r.u16("reserved field") != 0) throw CorruptDataError(std::string(kWhat) + ": reserved field is not zero");
  const std::uint32_t weight = r.u32("Hamming weight");
  if (weight == 0 || weight > ctx->n())
    throw CorruptDataError(std::string(kWhat) + ": Hamming weight " + std::to_string(weight) + " outside [1, N]");
  SparseSecretEncapsulation e(ctx, small_context_for(*ctx, security), weight);
  e.to_sparse_ = get_key(r, *e.small_, "key to the sparse secret");
  e.to_dense_ = get_key(r, *e.ctx_, "key back to the dense secret");
  r.expect_end();
  return e;
}

}  // namespace hnn::boot
