#include "hnn/boot/eval_mod.h"

#include <cmath>
#include <string>

#include "hnn/boot/chebyshev.h"
#include "hnn/util/errors.h"

namespace hnn::boot {

namespace {
constexpr long double kTwoPi = 6.283185307179586476925286766559L;
}

EvalMod::EvalMod(const EvalModParameters& params) : params_(params) {
  if (params.k_bound < 1 || params.degree < 2 || params.double_angles > 10)
    throw InvalidArgumentError("EvalMod: need K >= 1, degree >= 2 and at most 10 double-angle steps");
  const long double amplitude = kTwoPi * (params.k_bound + 1) / std::ldexp(1.0L, static_cast<int>(params.double_angles));
  coeffs_ = chebyshev_interpolate([amplitude](long double w) { return std::cos(amplitude * w); }, params.degree);
  // The cosine is even: its odd coefficients are rounding noise (~1e-18). Exact zeros let the evaluation skip the
  // odd powers (3 of about 14 products).
  for (std::size_t k = 1; k < coeffs_.size(); k += 2) coeffs_[k] = 0;
}

std::size_t EvalMod::depth() const { return ChebyshevEvaluator::depth(params_.degree) + params_.double_angles; }

double EvalMod::evaluate_plain(double x) const {
  double c = chebyshev_value(coeffs_, (x - 0.25) / input_divisor());
  for (std::size_t i = 0; i < params_.double_angles; ++i) c = 2 * c * c - 1;
  return c;
}

void EvalMod::evaluate(const CkksEvaluator& evaluator, const RelinKeys& rk, const Ciphertext& in, double out_scale,
                       Ciphertext& out) const {
  const Context& ctx = *evaluator.context();
  if (in.level() < depth())
    throw DepthExhaustedError("EvalMod needs " + std::to_string(depth()) + " levels, the ciphertext has " +
                              std::to_string(in.level()));
  const std::size_t cheb_depth = ChebyshevEvaluator::depth(params_.degree);
  const std::size_t cheb_level = in.level() - cheb_depth;
  // Double-angle step i multiplies at level cheb_level - i and divides by that prime: s_i^2 / q = s_(i+1).
  double scale = out_scale;
  for (std::size_t i = params_.double_angles; i-- > 0;)
    scale = std::sqrt(scale * static_cast<double>(ctx.prime(cheb_level - i).value()));
  Ciphertext w = in;
  evaluator.add_scalar_inplace(w, -0.25 / input_divisor());
  ChebyshevEvaluator(evaluator, rk).evaluate(w, coeffs_, scale, out);
  if (out.level() < cheb_level) throw Error("EvalMod: internal error: unexpected level after the interpolant");
  evaluator.mod_switch_to_inplace(out, cheb_level);  // the double-angle scales were planned for this level
  for (std::size_t i = 0; i < params_.double_angles; ++i) {
    Ciphertext sq;
    evaluator.multiply_relin_rescale(out, out, rk, sq);
    evaluator.multiply_integer_inplace(sq, 2);
    evaluator.add_scalar_inplace(sq, -1.0);
    out = std::move(sq);
  }
  out.set_scale(out_scale);  // equal to the tracked scale up to rounding of the square roots above
}

}  // namespace hnn::boot
