// Storage management of the plain data objects (plaintext, ciphertext, keys).
#include <string>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/keys.h"
#include "hnn/rlwe/plaintext.h"

namespace hnn {

void Plaintext::resize(const ParamsHash& params, std::size_t n, std::size_t level) {
  params_ = params;
  n_ = n;
  level_ = level;
  data_.assign((level + 1) * n, 0);
}

void Plaintext::allocate(const ParamsHash& params, std::size_t n, std::size_t level) {
  params_ = params;
  n_ = n;
  level_ = level;
  data_.clear();
  data_.resize((level + 1) * n);
}

void Ciphertext::allocate(const ParamsHash& params, std::size_t n, std::size_t level, std::size_t size) {
  params_ = params;
  n_ = n;
  level_ = level;
  size_ = size;
  data_.clear();
  data_.resize(size * (level + 1) * n);
  c1_seed_.reset();
}

void Ciphertext::resize(const ParamsHash& params, std::size_t n, std::size_t level, std::size_t size) {
  params_ = params;
  n_ = n;
  level_ = level;
  size_ = size;
  data_.assign(size * (level + 1) * n, 0);
  c1_seed_.reset();
}

void SecretKey::resize(const ParamsHash& params, std::size_t n, std::size_t limbs) {
  params_ = params;
  n_ = n;
  limbs_ = limbs;
  data_.assign(n * limbs, 0);
}

void SecretKey::wipe() {
  SecretU64Vector().swap(data_);  // the wiping allocator overwrites the old buffer as it is released
  n_ = 0;
  limbs_ = 0;
}

void KeySwitchKey::resize(const ParamsHash& params, std::size_t n, std::size_t digits, std::size_t limbs) {
  params_ = params;
  n_ = n;
  digits_ = digits;
  limbs_ = limbs;
  data_.assign(digits * 2 * limbs * n, 0);
  seed_ = Seed{};
  has_seed_ = false;
}

const KeySwitchKey& GaloisKeys::key(std::uint64_t galois_elt) const {
  auto it = keys_.find(galois_elt);
  if (it == keys_.end())
    throw MissingKeyError("no Galois key for element " + std::to_string(galois_elt) +
                          ": generate Galois keys for this rotation step (or conjugation) first");
  return it->second;
}

}  // namespace hnn
