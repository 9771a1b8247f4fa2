#include "hnn/util/memory.h"

#include <openssl/crypto.h>

namespace hnn {

void secure_wipe(void* data, std::size_t bytes) noexcept {
  if (data != nullptr && bytes > 0) OPENSSL_cleanse(data, bytes);
}

}  // namespace hnn
