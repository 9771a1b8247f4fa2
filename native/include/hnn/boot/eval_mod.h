// EvalMod: the homomorphic reduction modulo q_0 of bootstrapping. After CoeffsToSlots a slot holds
// x = t / q_0 = m / q_0 + I with I an integer, |I| <= K; sin(2 pi x) / (2 pi) = m / q_0 up to a relative
// error (2 pi m / q_0)^2 / 6, which stays below 2^-24 when q_0 / scale >= 2^13 (Cheon-Han-Kim-Kim-Song 2018).
//
// sin(2 pi x) = cos(2 pi (x - 1/4)) is evaluated as a Chebyshev interpolant of cos(2 pi (K + 1) w / 2^r) on
// w = (x - 1/4) / (K + 1) in [-1, 1], followed by r double-angle steps cos(2a) = 2 cos(a)^2 - 1 (Han-Ki 2020):
// the interpolated function then oscillates 2^r times less, so a low degree suffices.
#pragma once
#include <cstddef>
#include <vector>

#include "hnn/ckks/evaluator.h"
#include "hnn/rlwe/keys.h"

namespace hnn::boot {

struct EvalModParameters {
  /// Bound K on |I|: inputs x must lie in [-K - 1/4, K + 1/4] (sparse secret of Hamming weight 32: K = 12).
  std::size_t k_bound = 12;
  /// Double-angle steps r. Each multiplies the error by up to 4 (d/dc of 2c^2 - 1); r = 2 with degree 48
  /// costs the same 8 levels as r = 3 with degree 30 - 40, and measured 2 bits better at N = 2^16.
  std::size_t double_angles = 2;
  /// Degree of the Chebyshev interpolant of cos(2 pi (K + 1) w / 2^r): 48 reaches about 2^-47 for K = 12,
  /// r = 2, in 6 levels (the baby-step giant-step recursion, chebyshev.h).
  std::size_t degree = 48;
};

class EvalMod {
 public:
  explicit EvalMod(const EvalModParameters& params);

  const EvalModParameters& parameters() const { return params_; }
  /// Levels the evaluation consumes.
  std::size_t depth() const;
  /// The input is x / input_divisor() (CoeffsToSlots folds the division into its matrices).
  double input_divisor() const { return static_cast<double>(params_.k_bound + 1); }

  /// in: slots x / input_divisor() at level l, at a scale close to the primes below l (each square divides by
  /// one: a smaller scale shrinks at every step); out: slots sin(2 pi x) at level l - depth(), scale exactly
  /// `out_scale`. The scales on the way are chosen backwards from out_scale so that none needs adjusting.
  void evaluate(const CkksEvaluator& evaluator, const RelinKeys& rk, const Ciphertext& in, double out_scale,
                Ciphertext& out) const;

  /// The same computation on a double (the approximation the ciphertexts carry, without their noise).
  double evaluate_plain(double x) const;

 private:
  EvalModParameters params_;
  std::vector<double> coeffs_;
};

}  // namespace hnn::boot
