// An RLWE ciphertext (c_0, c_1[, c_2]) in RNS and NTT form at some level, with its scale. Decrypts to
// c_0 + c_1 s (+ c_2 s^2). A freshly encrypted symmetric ciphertext remembers the seed its c_1 was expanded
// from, so that serialization can send 32 bytes instead of c_1; any write access forgets it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "hnn/rlwe/parameters.h"
#include "hnn/util/memory.h"
#include "hnn/util/random.h"

namespace hnn {

class Ciphertext {
 public:
  Ciphertext() = default;

  /// Allocates zeroed storage for `size` polynomials of (level + 1) limbs of n coefficients.
  void resize(const ParamsHash& params, std::size_t n, std::size_t level, std::size_t size = 2);
  /// Same shape, contents left unspecified: for outputs that are written completely. Reuses the storage when it
  /// is large enough, and then keeps its leading words (CkksEvaluator::mod_switch_to_inplace relies on that); if
  /// the allocation fails, the ciphertext is unchanged.
  void allocate(const ParamsHash& params, std::size_t n, std::size_t level, std::size_t size = 2);

  std::size_t n() const { return n_; }
  std::size_t level() const { return level_; }
  std::size_t size() const { return size_; }
  std::size_t limb_count() const { return n_ == 0 ? 0 : level_ + 1; }
  double scale() const { return scale_; }
  void set_scale(double s) { scale_ = s; }
  const ParamsHash& params_hash() const { return params_; }
  bool empty() const { return n_ == 0; }

  std::uint64_t* poly(std::size_t p) {
    c1_seed_.reset();
    return data_.data() + p * limb_count() * n_;
  }
  const std::uint64_t* poly(std::size_t p) const { return data_.data() + p * limb_count() * n_; }
  std::uint64_t* limb(std::size_t p, std::size_t i) { return poly(p) + i * n_; }
  const std::uint64_t* limb(std::size_t p, std::size_t i) const { return poly(p) + i * n_; }
  std::uint64_t* data() {
    c1_seed_.reset();
    return data_.data();
  }
  const std::uint64_t* data() const { return data_.data(); }
  std::size_t word_count() const { return data_.size(); }

  /// The seed c_1 was expanded from, if c_1 is untouched since symmetric encryption.
  const std::optional<Seed>& c1_seed() const { return c1_seed_; }
  void set_c1_seed(const Seed& seed) { c1_seed_ = seed; }

 private:
  ParamsHash params_{};
  std::size_t n_ = 0;
  std::size_t level_ = 0;
  std::size_t size_ = 0;
  double scale_ = 1.0;
  RawU64Vector data_;
  std::optional<Seed> c1_seed_;
};

}  // namespace hnn
