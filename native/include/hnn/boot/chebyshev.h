// Polynomials in the Chebyshev basis on [-1, 1]: interpolation in long double, and homomorphic evaluation by
// the baby-step giant-step recursion p = q T_m + r (m a power of two; Han-Ki 2020, Bossuat et al. 2021),
// which needs about log2(degree) + 1 levels and O(sqrt(degree)) non-scalar products.
//
// Scales are managed exactly rather than approximately: every constant is encoded at the scale that makes the
// product land, after its rescale, on a chosen target scale, so ciphertexts that are added always agree in
// scale however far the primes are from powers of two.
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include "hnn/ckks/evaluator.h"
#include "hnn/rlwe/keys.h"

namespace hnn::boot {

/// Coefficients c_0 ... c_degree of the interpolant of f at the degree + 1 Chebyshev nodes.
std::vector<double> chebyshev_interpolate(const std::function<long double(long double)>& f, std::size_t degree);
/// sum_k c_k T_k(x) (Clenshaw).
double chebyshev_value(const std::vector<double>& c, double x);

class ChebyshevEvaluator {
 public:
  ChebyshevEvaluator(const CkksEvaluator& evaluator, const RelinKeys& relin_keys);

  /// Levels the evaluation of a degree-`degree` polynomial consumes.
  static std::size_t depth(std::size_t degree);

  /// out = p(x) with p = sum_k c_k T_k, slots of x in [-1, 1]; out's scale is exactly `target_scale`, its level
  /// at least x's minus depth(degree). Terms with a zero coefficient cost nothing; when every odd one is zero,
  /// the odd powers are not computed. Throws DepthExhaustedError if x has fewer than depth(degree) levels.
  void evaluate(const Ciphertext& x, const std::vector<double>& coeffs, double target_scale, Ciphertext& out) const;

 private:
  struct Powers;
  void evaluate_recursive(const Powers& pw, const std::vector<double>& c, double scale, Ciphertext& out) const;
  void linear_combination(const Powers& pw, const std::vector<double>& c, double scale, Ciphertext& out) const;
  /// `a` (level > level, or equal with equal scale) brought to exactly (level, scale).
  void land(Ciphertext& a, std::size_t level, double scale) const;
  /// 2 a b - c (c: T_(|i-j|), or nullptr for the constant 1).
  void product_step(const Ciphertext& a, const Ciphertext& b, const Ciphertext* c, Ciphertext& out) const;

  const CkksEvaluator& ev_;
  const RelinKeys& rk_;
};

}  // namespace hnn::boot
