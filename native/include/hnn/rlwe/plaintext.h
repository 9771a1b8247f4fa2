// A plaintext polynomial in RNS and NTT form at some level (level l: primes q_0 ... q_l), with its scale.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hnn/rlwe/parameters.h"
#include "hnn/util/memory.h"

namespace hnn {

class Plaintext {
 public:
  Plaintext() = default;

  /// Allocates zeroed storage for (level + 1) limbs of n coefficients.
  void resize(const ParamsHash& params, std::size_t n, std::size_t level);
  /// Same shape, contents left unspecified: for outputs that are written completely.
  void allocate(const ParamsHash& params, std::size_t n, std::size_t level);

  std::size_t n() const { return n_; }
  std::size_t level() const { return level_; }
  std::size_t limb_count() const { return n_ == 0 ? 0 : level_ + 1; }
  double scale() const { return scale_; }
  void set_scale(double s) { scale_ = s; }
  const ParamsHash& params_hash() const { return params_; }
  bool empty() const { return n_ == 0; }

  std::uint64_t* limb(std::size_t i) { return data_.data() + i * n_; }
  const std::uint64_t* limb(std::size_t i) const { return data_.data() + i * n_; }
  std::uint64_t* data() { return data_.data(); }
  const std::uint64_t* data() const { return data_.data(); }
  std::size_t word_count() const { return data_.size(); }

 private:
  ParamsHash params_{};
  std::size_t n_ = 0;
  std::size_t level_ = 0;
  double scale_ = 1.0;
  RawU64Vector data_;
};

}  // namespace hnn
