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
    std::size_t bytes = (n * sizeof(T) + kAlignment - 1) / kAlignment * kAlignment;
    void* p = std::aligned_alloc(kAlignment, bytes == 0 ? kAlignment : bytes);
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }
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
/// Polynomial storage that is not zeroed on resize(); assign(n, 0) still zeroes.
using RawU64Vector = std::vector<std::uint64_t, UninitializedAllocator<std::uint64_t>>;
using SecretU64Vector = std::vector<std::uint64_t, WipingAllocator<std::uint64_t>>;

}  // namespace hnn
