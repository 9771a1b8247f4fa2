// Little-endian byte writer and bounds-checked byte reader: the only code in the serialization layer that
// touches raw byte offsets. The reader never reads past its end; every failure is a CorruptDataError that
// names the field being read, so a message says *what* was truncated, not just that something was.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "hnn/util/errors.h"

namespace hnn::serial {

/// Appends little-endian values to a byte vector (independent of the host's byte order).
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put_le(v, 2); }
  void u32(std::uint32_t v) { put_le(v, 4); }
  void u64(std::uint64_t v) { put_le(v, 8); }
  /// IEEE-754 binary64, bit pattern little-endian.
  void f64(double v) {
    std::uint64_t bits;
    static_assert(sizeof(bits) == sizeof(v), "double must be 64-bit");
    std::memcpy(&bits, &v, sizeof(bits));
    u64(bits);
  }
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  std::size_t size() const { return out_.size(); }

 private:
  void put_le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t>& out_;
};

/// Reads little-endian values from [data, data + size). Each read checks the remaining length first
/// (no pointer arithmetic past the end, no size_t overflow: it compares against remaining()).
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size, const char* what)
      : data_(data), size_(size), what_(what) {}

  std::uint8_t u8(const char* field) { return static_cast<std::uint8_t>(get_le(1, field)); }
  std::uint16_t u16(const char* field) { return static_cast<std::uint16_t>(get_le(2, field)); }
  std::uint32_t u32(const char* field) { return static_cast<std::uint32_t>(get_le(4, field)); }
  std::uint64_t u64(const char* field) { return get_le(8, field); }
  double f64(const char* field) {
    std::uint64_t bits = u64(field);
    double v;
    std::memcpy(&v, &bits, sizeof(v));
    return v;
  }
  void bytes(void* out, std::size_t n, const char* field) {
    need(n, field);
    if (n != 0) std::memcpy(out, data_ + pos_, n);
    pos_ += n;
  }
  /// A view of the next n bytes (valid while the underlying buffer lives).
  const std::uint8_t* view(std::size_t n, const char* field) {
    need(n, field);
    const std::uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }

  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return size_ - pos_; }
  /// Requires that every byte was consumed: trailing bytes mean a malformed (or non-canonical) encoding.
  void expect_end() const;

 private:
  void need(std::size_t n, const char* field) const {
    if (n > remaining()) fail_truncated(n, field);
  }
  [[noreturn]] void fail_truncated(std::size_t n, const char* field) const;
  std::uint64_t get_le(int n, const char* field) {
    need(static_cast<std::size_t>(n), field);
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(data_[pos_ + static_cast<std::size_t>(i)]) << (8 * i);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  const char* what_;
};

}  // namespace hnn::serial
