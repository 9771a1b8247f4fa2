// Private: exact CRT reconstruction of RNS coefficients as centered multi-word integers, converted to double.
// Decoding needs the true signed value of each coefficient modulo Q_l, which no single prime holds.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/ring/modulus.h"

namespace hnn::detail {

class CrtComposer {
 public:
  explicit CrtComposer(const std::vector<Modulus>& primes);
  /// residues[i * stride] is the coefficient modulo prime i; returns its centered value as a double.
  double compose(const std::uint64_t* residues, std::size_t stride) const;

 private:
  double compose_multiword(const std::uint64_t* residues, std::size_t stride) const;

 public:

 private:
  std::vector<Modulus> primes_;
  std::size_t words_;                     // words of Q
  std::vector<std::uint64_t> q_;          // Q
  std::vector<std::uint64_t> half_q_;     // floor(Q / 2)
  std::vector<std::uint64_t> punctured_;  // (Q / q_i), words_ words each
  std::vector<ShoupMultiplier> inv_punctured_;
  std::vector<double> inv_primes_;
  // Two-prime fast path: q_0 q_1, its half, and q_0^-1 mod q_1.
  u128 q01_ = 0, half_q01_ = 0;
  std::uint64_t inv_q0_mod_q1_ = 0;
};

}  // namespace hnn::detail
