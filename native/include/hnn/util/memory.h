// Aligned storage for polynomial data, and wiping of secret material.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

namespace hnn {

/// Overwrites memory in a way the compiler may not elide (OpenSSL_cleanse underneath).
void secure_wipe(void* data, std::size_t bytes) noexcept;

/// 64-byte aligned allocation. Blocks of 64 KiB and more come from a process-wide pool of released blocks
/// (bounded, see set_memory_pool_limit), because the first touch of fresh pages costs more than a whole NTT:
/// a key switch at N = 16384 allocates ~10 MB of scratch.
void* aligned_allocate(std::size_t bytes);
void aligned_release(void* p, std::size_t bytes) noexcept;
/// Most bytes the pool keeps for reuse (default 256 MiB); 0 disables pooling and frees what it holds.
void set_memory_pool_limit(std::size_t bytes);
std::size_t memory_pool_cached_bytes();

/// Words to leave between polynomials of n coefficients that a kernel streams in lockstep (key switching's
/// inner product reads some twenty: the digits and both halves of the key), `lines` cache lines beyond the
/// n words. Back to back, limbs of 2^k words all start at the same set of every cache level, so the streams
/// evict each other's lines, prefetched ones included, before they are used; a few lines of skew per stream
/// put them in different sets. Measured at N = 16384 (7 digits, 8 limbs, 40-bit primes, one thread): the
/// inner product took 1.7 ms with skews against 2.4 ms without.
constexpr std::size_t skewed_stride(std::size_t n, std::size_t lines) { return n + lines * 8; }

/// 64-byte aligned allocator: one cache line, and the width of an AVX-512 register.
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::size_t kAlignment = 64;
  AlignedAllocator() noexcept = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > (SIZE_MAX - kAlignment) / sizeof(T)) throw std::bad_alloc();
    return static_cast<T*>(aligned_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { aligned_release(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const noexcept { return true; }
  template <typename U>
  bool operator!=(const AlignedAllocator<U>&) const noexcept { return false; }
};

/// Allocator that wipes memory before releasing it: used for secret keys and secret-derived scratch.
template <typename T>
struct WipingAllocator : AlignedAllocator<T> {
  using value_type = T;
  WipingAllocator() noexcept = default;
  template <typename U>
  WipingAllocator(const WipingAllocator<U>&) noexcept {}
  void deallocate(T* p, std::size_t n) noexcept {
    secure_wipe(p, n * sizeof(T));
    AlignedAllocator<T>::deallocate(p, n);
  }
  template <typename U>
  struct rebind { using other = WipingAllocator<U>; };
};

/// Aligned allocator whose resize() leaves new elements uninitialized (default-init): for buffers that are
/// written completely before they are read, so large outputs are not zeroed first.
template <typename T>
struct UninitializedAllocator : AlignedAllocator<T> {
  using value_type = T;
  UninitializedAllocator() noexcept = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <typename U>
  struct rebind { using other = UninitializedAllocator<U>; };
};

using U64Vector = std::vector<std::uint64_t, AlignedAllocator<std::uint64_t>>;
/// 128-bit accumulators (lazy sums of products), pooled like polynomial storage.
using U128Vector = std::vector<unsigned __int128, AlignedAllocator<unsigned __int128>>;
/// Polynomial storage that is not zeroed on resize(); assign(n, 0) still zeroes.
using RawU64Vector = std::vector<std::uint64_t, UninitializedAllocator<std::uint64_t>>;
using SecretU64Vector = std::vector<std::uint64_t, WipingAllocator<std::uint64_t>>;

}  // namespace hnn
