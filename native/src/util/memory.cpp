#include "hnn/util/memory.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <list>
#include <mutex>
#include <new>
#include <unordered_map>
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
// reuse hits almost always. Past the limit the oldest cached blocks are freed, so the sizes in use now stay
// cached (refusing new blocks instead would pin stale sizes and send every current one back to the OS).
// Every operation is O(1) but for eviction's erase at the front of one size's (short) list: a block is
// released and taken again thousands of times per second, and the bookkeeping must not grow with that.
class BlockPool {
 public:
  void* take(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(bytes);
    if (it == free_.end() || it->second.empty()) return nullptr;
    const Age::iterator block = it->second.back();  // the most recently released: likely still in cache
    it->second.pop_back();
    void* p = block->second;
    age_.erase(block);
    cached_ -= bytes;
    return p;
  }
  bool give(void* p, std::size_t bytes) {
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (bytes > limit_) return false;
      age_.emplace_back(bytes, p);
      free_[bytes].push_back(std::prev(age_.end()));
      cached_ += bytes;
      while (cached_ > limit_) {
        // The oldest block overall is the oldest of its size: the front of that size's list.
        const Age::iterator oldest = age_.begin();
        auto& same_size = free_[oldest->first];
        same_size.erase(same_size.begin());
        cached_ -= oldest->first;
        evicted.push_back(oldest->second);
        age_.erase(oldest);
      }
    }
    for (void* e : evicted) std::free(e);
    return true;
  }
  void set_limit(std::size_t limit) {
    std::vector<void*> release;
    {
      std::lock_guard<std::mutex> lock(mu_);
      limit_ = limit;
      if (cached_ <= limit_) return;
      for (const auto& block : age_) release.push_back(block.second);
      free_.clear();
      age_.clear();
      cached_ = 0;
    }
    for (void* p : release) std::free(p);
  }
  std::size_t cached() {
    std::lock_guard<std::mutex> lock(mu_);
    return cached_;
  }

 private:
  using Age = std::list<std::pair<std::size_t, void*>>;  // cached blocks (size, address), oldest first

  std::mutex mu_;
  Age age_;
  std::unordered_map<std::size_t, std::vector<Age::iterator>> free_;  // by size, oldest first
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
