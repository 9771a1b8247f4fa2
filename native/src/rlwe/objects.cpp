// Storage management of the plain data objects (plaintext, ciphertext, keys).
#include <algorithm>
#include <string>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/keys.h"
#include "hnn/rlwe/plaintext.h"
#include "hnn/util/errors.h"

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
  // Storage first, so that a failed allocation leaves the ciphertext as it was. A larger buffer is a fresh one
  // (growing this one would copy contents that are about to be overwritten); a smaller shape keeps the buffer.
  const std::size_t words = size * (level + 1) * n;
  if (words > data_.capacity()) {
    RawU64Vector fresh(words);
    data_.swap(fresh);
  } else {
    data_.resize(words);
  }
  params_ = params;
  n_ = n;
  level_ = level;
  size_ = size;
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

void KeySwitchKey::resize(const ParamsHash& params, std::size_t n, std::size_t digits, std::size_t limbs,
                          const std::vector<bool>& narrow, std::size_t skipped, std::size_t specials) {
  if (!narrow.empty() && narrow.size() != limbs) throw InvalidArgumentError("key layout: one flag per limb");
  if (n % 2 != 0) throw InvalidArgumentError("key layout: the ring degree must be even");
  if (skipped > 0 && (specials == 0 || specials >= limbs))
    throw InvalidArgumentError("key layout: a key restricted to a level needs its special limbs counted");
  params_ = params;
  n_ = n;
  digits_ = digits;
  limbs_ = limbs;
  skipped_ = skipped;
  first_gap_ = skipped > 0 ? limbs - specials : limbs;
  narrow_ = narrow.empty() ? std::vector<bool>(limbs, false) : narrow;
  limb_offset_.assign(limbs, 0);
  poly_words_ = 0;
  for (std::size_t i = 0; i < limbs; ++i) {
    limb_offset_[i] = poly_words_;
    // Nine lines of skew per limb: the key switch streams limb i of all 2 x digits polynomials at once, whose
    // starts are then 9 x limbs lines apart (memory.h, skewed_stride).
    poly_words_ += skewed_stride(narrow_[i] ? n / 2 : n, 9);
  }
  data_.assign(digits * 2 * poly_words_, 0);
  seed_ = Seed{};
  has_seed_ = false;
}

void KeySwitchKey::set_limb(std::size_t digit, std::size_t p, std::size_t i, const std::uint64_t* values) {
  std::uint64_t* at = data_.data() + word_offset(digit, p, i);
  if (!narrow_[i]) {
    std::copy(values, values + n_, at);
    return;
  }
  auto* out = reinterpret_cast<std::uint32_t*>(at);
  std::uint64_t high = 0;  // checked after the (vectorizable) loop; the key is being built, nothing is lost
  for (std::size_t c = 0; c < n_; ++c) {
    high |= values[c] >> 32;
    out[c] = static_cast<std::uint32_t>(values[c]);
  }
  if (high != 0) throw InvalidArgumentError("key layout: a residue of a 32-bit limb exceeds 32 bits");
}

void KeySwitchKey::get_limb(std::size_t digit, std::size_t p, std::size_t i, std::uint64_t* out) const {
  if (!narrow_[i]) {
    const std::uint64_t* at = wide_limb(digit, p, i);
    std::copy(at, at + n_, out);
    return;
  }
  const std::uint32_t* at = narrow_limb(digit, p, i);
  for (std::size_t c = 0; c < n_; ++c) out[c] = at[c];
}

const KeySwitchKey& GaloisKeys::key(std::uint64_t galois_elt) const {
  auto it = keys_.find(galois_elt);
  if (it == keys_.end())
    throw MissingKeyError("no Galois key for element " + std::to_string(galois_elt) +
                          ": generate Galois keys for this rotation step (or conjugation) first");
  return it->second;
}

}  // namespace hnn
