#include "hnn/util/memory.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <vector>

namespace hnn {
namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kPoolMinimum = 64 * 1024;

std::size_t rounded(std::size_t bytes) {
  if (bytes == 0) return kAlignment;
  return (bytes + kAlignment - 1) / kAlignment * kAlignment;
}

// Released large blocks by exact size. Polynomial buffers come in few sizes (limbs x N words), so exact-size
// reuse hits almost always; the limit bounds what an idle process keeps.
class BlockPool {
 public:
  void* take(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(bytes);
    if (it == free_.end() || it->second.empty()) return nullptr;
    void* p = it->second.back();
    it->second.pop_back();
    cached_ -= bytes;
    return p;
  }
  bool give(void* p, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ + bytes > limit_) return false;
    free_[bytes].push_back(p);
    cached_ += bytes;
    return true;
  }
  void set_limit(std::size_t limit) {
    std::vector<void*> release;
    {
      std::lock_guard<std::mutex> lock(mu_);
      limit_ = limit;
      if (cached_ <= limit_) return;
      for (auto& [size, blocks] : free_) release.insert(release.end(), blocks.begin(), blocks.end());
      free_.clear();
      cached_ = 0;
    }
    for (void* p : release) std::free(p);
  }
  std::size_t cached() {
    std::lock_guard<std::mutex> lock(mu_);
    return cached_;
  }

 private:
  std::mutex mu_;
  std::map<std::size_t, std::vector<void*>> free_;
  std::size_t cached_ = 0;
  std::size_t limit_ = 256u << 20;
};

BlockPool& pool() {
  static BlockPool* p = new BlockPool;  // never destroyed: blocks may be released during static destruction
  return *p;
}

}  // namespace

void secure_wipe(void* data, std::size_t bytes) noexcept {
  if (data != nullptr && bytes > 0) OPENSSL_cleanse(data, bytes);
}

void* aligned_allocate(std::size_t bytes) {
  const std::size_t size = rounded(bytes);
  if (size >= kPoolMinimum) {
    if (void* p = pool().take(size)) return p;
  }
  void* p = std::aligned_alloc(kAlignment, size);
  if (!p) throw std::bad_alloc();
  return p;
}

void aligned_release(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  const std::size_t size = rounded(bytes);
  if (size >= kPoolMinimum && pool().give(p, size)) return;
  std::free(p);
}

void set_memory_pool_limit(std::size_t bytes) { pool().set_limit(bytes); }

std::size_t memory_pool_cached_bytes() { return pool().cached(); }

}  // namespace hnn
