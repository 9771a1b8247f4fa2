// Randomness. Seeds come from OpenSSL's OS-seeded CSPRNG (RAND_bytes); a seed is expanded into a stream with
// AES-256-CTR, so that a 32-byte seed can stand in for a whole uniform polynomial (seed-compressed keys and
// ciphertexts) and every stream is reproducible from (seed, stream id), independent of thread count.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace hnn {

using Seed = std::array<std::uint8_t, 32>;

/// A fresh seed from the operating system's CSPRNG via OpenSSL.
Seed random_seed();

/// Fills `out` with `bytes` bytes from OpenSSL's CSPRNG.
void random_bytes(void* out, std::size_t bytes);

/// Deterministic expansion of a seed: AES-256-CTR keyed by the seed, the counter block starting at
/// (stream_id, 0). Distinct stream ids give independent streams. The object wipes its buffer when destroyed.
class SeededStream {
 public:
  SeededStream(const Seed& seed, std::uint64_t stream_id);
  ~SeededStream();
  SeededStream(const SeededStream&) = delete;
  SeededStream& operator=(const SeededStream&) = delete;

  void fill(void* out, std::size_t bytes);
  std::uint64_t next_u64();
  /// The next `count` values next_u64() would return, copied out of the buffer in bulk.
  void next_u64s(std::uint64_t* out, std::size_t count);
  std::uint8_t next_u8();

 private:
  void refill();
  struct Cipher;
  std::unique_ptr<Cipher> cipher_;
  alignas(64) std::uint8_t buffer_[4096];
  std::size_t pos_;
};

}  // namespace hnn
