#include "hnn/serial/byte_io.h"

#include <string>

namespace hnn::serial {

void ByteReader::expect_end() const {
  if (pos_ != size_)
    throw CorruptDataError(std::string(what_) + ": " + std::to_string(size_ - pos_) +
                           " unexpected trailing byte(s)");
}

void ByteReader::fail_truncated(std::size_t n, const char* field) const {
  throw CorruptDataError(std::string(what_) + " is truncated: " + field + " needs " + std::to_string(n) +
                         " byte(s) at offset " + std::to_string(pos_) + ", only " +
                         std::to_string(size_ - pos_) + " left");
}

}  // namespace hnn::serial
