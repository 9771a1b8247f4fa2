#include "hnn/util/memory.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
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
// reuse hits almost always. Past the limit the oldest cached blocks are freed, so the sizes in use now stay
// cached (refusing new blocks instead would pin stale sizes and send every current one back to the OS).
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
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (bytes > limit_) return false;
      free_[bytes].push_back(p);
      order_.push_back({bytes, p});
      cached_ += bytes;
      while (cached_ > limit_ && !order_.empty()) {
        auto [size, block] = order_.front();
        order_.pop_front();
        auto& blocks = free_[size];
        auto pos = std::find(blocks.begin(), blocks.end(), block);
        if (pos == blocks.end()) continue;  // taken since: not cached any more
        blocks.erase(pos);
        cached_ -= size;
        evicted.push_back(block);
      }
      if (order_.size() > 4 * (cached_ / kPoolMinimum + 16)) compact_order();
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
      for (auto& [size, blocks] : free_) release.insert(release.end(), blocks.begin(), blocks.end());
      free_.clear();
      order_.clear();
      cached_ = 0;
    }
    for (void* p : release) std::free(p);
  }
  std::size_t cached() {
    std::lock_guard<std::mutex> lock(mu_);
    return cached_;
  }

 private:
  // Drops age entries of blocks that were taken again (the deque only grows on give()).
  void compact_order() {
    std::deque<std::pair<std::size_t, void*>> kept;
    for (const auto& e : order_) {
      const auto& blocks = free_[e.first];
      if (std::find(blocks.begin(), blocks.end(), e.second) != blocks.end()) kept.push_back(e);
    }
    order_.swap(kept);
  }

  std::mutex mu_;
  std::map<std::size_t, std::vector<void*>> free_;
  std::deque<std::pair<std::size_t, void*>> order_;  // cached blocks, oldest first (may hold stale entries)
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
