#include "hnn/util/random.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

#include "hnn/util/errors.h"
#include "hnn/util/memory.h"

namespace hnn {

Seed random_seed() {
  Seed seed;
  random_bytes(seed.data(), seed.size());
  return seed;
}

void random_bytes(void* out, std::size_t bytes) {
  auto* p = static_cast<unsigned char*>(out);
  while (bytes > 0) {
    int chunk = bytes > (1u << 30) ? (1 << 30) : static_cast<int>(bytes);
    if (RAND_bytes(p, chunk) != 1) throw Error("OpenSSL RAND_bytes failed: the system CSPRNG is unavailable");
    p += chunk;
    bytes -= static_cast<std::size_t>(chunk);
  }
}

struct SeededStream::Cipher {
  EVP_CIPHER_CTX* ctx = nullptr;
  ~Cipher() {
    if (ctx) EVP_CIPHER_CTX_free(ctx);  // frees and cleanses the expanded key schedule
  }
};

SeededStream::SeededStream(const Seed& seed, std::uint64_t stream_id) : cipher_(new Cipher), pos_(sizeof(buffer_)) {
  cipher_->ctx = EVP_CIPHER_CTX_new();
  if (!cipher_->ctx) throw Error("OpenSSL could not allocate a cipher context");
  unsigned char iv[16] = {0};
  for (int i = 0; i < 8; ++i) iv[i] = static_cast<unsigned char>(stream_id >> (56 - 8 * i));
  if (EVP_EncryptInit_ex(cipher_->ctx, EVP_aes_256_ctr(), nullptr, seed.data(), iv) != 1)
    throw Error("OpenSSL AES-256-CTR initialisation failed");
}

SeededStream::~SeededStream() { secure_wipe(buffer_, sizeof(buffer_)); }

void SeededStream::refill() {
  // CTR mode: the key stream is the encryption of zeros.
  std::memset(buffer_, 0, sizeof(buffer_));
  int len = 0;
  if (EVP_EncryptUpdate(cipher_->ctx, buffer_, &len, buffer_, static_cast<int>(sizeof(buffer_))) != 1 ||
      len != static_cast<int>(sizeof(buffer_)))
    throw Error("OpenSSL AES-256-CTR stream failed");
  pos_ = 0;
}

void SeededStream::fill(void* out, std::size_t bytes) {
  auto* p = static_cast<std::uint8_t*>(out);
  while (bytes > 0) {
    if (pos_ == sizeof(buffer_)) refill();
    std::size_t take = std::min(bytes, sizeof(buffer_) - pos_);
    std::memcpy(p, buffer_ + pos_, take);
    secure_wipe(buffer_ + pos_, take);
    pos_ += take;
    p += take;
    bytes -= take;
  }
}

std::uint64_t SeededStream::next_u64() {
  if (sizeof(buffer_) - pos_ < 8) pos_ = sizeof(buffer_);
  if (pos_ == sizeof(buffer_)) refill();
  std::uint64_t v;
  std::memcpy(&v, buffer_ + pos_, 8);
  pos_ += 8;
  return v;
}

void SeededStream::next_u64s(std::uint64_t* out, std::size_t count) {
  while (count > 0) {
    if (sizeof(buffer_) - pos_ < 8) pos_ = sizeof(buffer_);  // as next_u64: no value straddles a refill
    if (pos_ == sizeof(buffer_)) refill();
    const std::size_t take = std::min(count, (sizeof(buffer_) - pos_) / 8);
    std::memcpy(out, buffer_ + pos_, take * 8);
    pos_ += take * 8;
    out += take;
    count -= take;
  }
}

std::uint8_t SeededStream::next_u8() {
  if (pos_ == sizeof(buffer_)) refill();
  return buffer_[pos_++];
}

}  // namespace hnn
