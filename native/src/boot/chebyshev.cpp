#include "hnn/boot/chebyshev.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "hnn/util/errors.h"

namespace hnn::boot {
namespace {

constexpr long double kPi = 3.141592653589793238462643383279502884L;

std::size_t ceil_log2(std::size_t k) {
  std::size_t l = 0;
  while ((std::size_t{1} << l) < k) ++l;
  return l;
}

std::size_t floor_pow2(std::size_t k) {
  std::size_t m = 1;
  while (m * 2 <= k) m *= 2;
  return m;
}

// Baby steps T_1 ... T_b with b about sqrt(degree + 1), a power of two.
std::size_t baby_count(std::size_t degree) {
  const std::size_t l = ceil_log2(degree + 1);
  return std::size_t{1} << ((l + 1) / 2);
}

// Level (relative to the input's, 0) at which the evaluation of a degree-d polynomial lands, mirroring
// evaluate_recursive: T_k sits at -ceil(log2 k); a linear combination of babies costs one level.
long level_of(std::size_t d, std::size_t babies) {
  if (d < babies) return -static_cast<long>(ceil_log2(std::max<std::size_t>(d, 1))) - 1;
  const std::size_t m = floor_pow2(d);
  const long lq = level_of(d - m, babies), lm = -static_cast<long>(ceil_log2(m));
  const long product = std::min(lq, lm) - 1;
  return std::min(product, level_of(m - 1, babies));
}

}  // namespace

std::vector<double> chebyshev_interpolate(const std::function<long double(long double)>& f, std::size_t degree) {
  const std::size_t n = degree + 1;
  std::vector<long double> fx(n);
  for (std::size_t k = 0; k < n; ++k) fx[k] = f(std::cos(kPi * (k + 0.5L) / n));
  std::vector<double> c(n);
  for (std::size_t j = 0; j < n; ++j) {
    long double s = 0;
    for (std::size_t k = 0; k < n; ++k) s += fx[k] * std::cos(kPi * j * (k + 0.5L) / n);
    c[j] = static_cast<double>(s * (j == 0 ? 1.0L : 2.0L) / n);
  }
  return c;
}

double chebyshev_value(const std::vector<double>& c, double x) {
  long double b1 = 0, b2 = 0;
  for (std::size_t k = c.size(); k-- > 1;) {
    const long double b0 = 2 * x * b1 - b2 + c[k];
    b2 = b1;
    b1 = b0;
  }
  return static_cast<double>(x * b1 - b2 + c[0]);
}

struct ChebyshevEvaluator::Powers {
  std::size_t babies = 0;
  std::map<std::size_t, Ciphertext> t;  // T_k for k = 1 ... babies and the giant powers of two above
};

ChebyshevEvaluator::ChebyshevEvaluator(const CkksEvaluator& evaluator, const RelinKeys& relin_keys)
    : ev_(evaluator), rk_(relin_keys) {}

std::size_t ChebyshevEvaluator::depth(std::size_t degree) {
  return static_cast<std::size_t>(-level_of(degree, baby_count(degree)));
}

void ChebyshevEvaluator::land(Ciphertext& a, std::size_t level, double scale) const {
  if (a.level() == level && std::fabs(a.scale() / scale - 1) <= CkksEvaluator::kScaleTolerance) return;
  if (a.level() <= level) throw DepthExhaustedError("Chebyshev evaluation: an operand has no level to spare");
  ev_.mod_switch_to_inplace(a, level + 1);
  const double q = static_cast<double>(ev_.context()->prime(level + 1).value());
  ev_.multiply_scalar_inplace(a, 1.0, scale * q / a.scale());
  ev_.rescale_inplace(a);
  a.set_scale(scale);  // equal up to the rounding of the product of doubles above
}

void ChebyshevEvaluator::product_step(const Ciphertext& a, const Ciphertext& b, const Ciphertext* c,
                                      Ciphertext& out) const {
  const std::size_t level = std::min(a.level(), b.level());
  Ciphertext x, y;
  ev_.mod_switch_to(a, level, x);
  ev_.mod_switch_to(b, level, y);
  ev_.multiply_relin_rescale(x, y, rk_, out);
  ev_.multiply_integer_inplace(out, 2);
  if (c == nullptr) {
    ev_.add_scalar_inplace(out, -1.0);
  } else {
    Ciphertext t = *c;
    land(t, out.level(), out.scale());
    ev_.sub_inplace(out, t);
  }
}

void ChebyshevEvaluator::linear_combination(const Powers& pw, const std::vector<double>& c, double scale,
                                            Ciphertext& out) const {
  // sum_{k >= 1} c_k T_k, every term encoded at the scale that lands the sum on `scale` after one rescale at
  // the lowest level among the terms; then + c_0.
  // Terms with a zero coefficient are left out (an even polynomial never computes its odd T_k); T_1 stands in
  // when every coefficient above c_0 is zero. The result may then sit above level_of()'s prediction, never below.
  const std::size_t d = std::max<std::size_t>(c.size() - 1, 1);
  std::vector<std::size_t> terms;
  for (std::size_t k = 1; k <= d; ++k)
    if (k < c.size() && c[k] != 0) terms.push_back(k);
  if (terms.empty()) terms.push_back(1);
  std::size_t level = pw.t.at(terms[0]).level();
  for (std::size_t k : terms) level = std::min(level, pw.t.at(k).level());
  const double q = static_cast<double>(ev_.context()->prime(level).value());
  std::vector<const Ciphertext*> cts;
  std::vector<double> values, scales;
  for (std::size_t k : terms) {
    const Ciphertext& tk = pw.t.at(k);
    cts.push_back(&tk);
    values.push_back(k < c.size() ? c[k] : 0.0);
    scales.push_back(scale * q / tk.scale());
  }
  ev_.multiply_scalar_accumulate(cts, values, scales, out);
  ev_.rescale_inplace(out);
  out.set_scale(scale);
  if (c[0] != 0) ev_.add_scalar_inplace(out, c[0]);
}

void ChebyshevEvaluator::evaluate_recursive(const Powers& pw, const std::vector<double>& c, double scale,
                                            Ciphertext& out) const {
  const std::size_t d = c.size() - 1;
  if (d < pw.babies) return linear_combination(pw, c, scale, out);
  // p = q T_m + r with T_(m + i) = 2 T_m T_i - T_(m - i): q_0 = c_m, q_i = 2 c_(m + i), r_(m - i) -= c_(m + i).
  const std::size_t m = floor_pow2(d);
  std::vector<double> q(d - m + 1), r(c.begin(), c.begin() + m);
  q[0] = c[m];
  for (std::size_t i = 1; i <= d - m; ++i) {
    q[i] = 2 * c[m + i];
    r[m - i] -= c[m + i];
  }
  const Ciphertext& tm = pw.t.at(m);
  const long base = static_cast<long>(pw.t.at(1).level());
  const long lq = base + level_of(d - m, pw.babies);
  const std::size_t product_level = static_cast<std::size_t>(std::min<long>(lq, static_cast<long>(tm.level())));
  const double qp = static_cast<double>(ev_.context()->prime(product_level).value());
  Ciphertext cq;
  evaluate_recursive(pw, q, scale * qp / tm.scale(), cq);
  Ciphertext tm_low;
  ev_.mod_switch_to(tm, product_level, tm_low);
  ev_.mod_switch_to_inplace(cq, product_level);
  ev_.multiply_relin_rescale(cq, tm_low, rk_, out);
  out.set_scale(scale);
  Ciphertext cr;
  evaluate_recursive(pw, r, scale, cr);
  const std::size_t level = std::min(out.level(), cr.level());
  ev_.mod_switch_to_inplace(out, level);
  ev_.mod_switch_to_inplace(cr, level);
  ev_.add_inplace(out, cr);
}

void ChebyshevEvaluator::evaluate(const Ciphertext& x, const std::vector<double>& coeffs, double target_scale,
                                  Ciphertext& out) const {
  if (coeffs.empty()) throw InvalidArgumentError("Chebyshev evaluation: no coefficients");
  const std::size_t degree = coeffs.size() - 1;
  if (x.level() < depth(degree))
    throw DepthExhaustedError("Chebyshev evaluation: degree " + std::to_string(degree) + " needs " +
                              std::to_string(depth(degree)) + " levels, the input has " + std::to_string(x.level()));
  Powers pw;
  pw.babies = baby_count(degree);
  pw.t[1] = x;
  // An even polynomial (every odd coefficient exactly zero) stays even through the division by T_m (m even), so
  // its odd babies are never used: T_2k = 2 T_a T_c - T_(a-c) with a, c even needs even ones only.
  bool even = true;
  for (std::size_t k = 1; k < coeffs.size(); k += 2) even = even && coeffs[k] == 0;
  for (std::size_t k = 2; k <= pw.babies; ++k) {
    if (even && k % 2 == 1) continue;
    const std::size_t a = floor_pow2(k) == k ? k / 2 : floor_pow2(k), b = k - a;
    product_step(pw.t.at(a), pw.t.at(b), a == b ? nullptr : &pw.t.at(a - b), pw.t[k]);
  }
  for (std::size_t m = pw.babies; 2 * m <= degree; m *= 2) product_step(pw.t.at(m), pw.t.at(m), nullptr, pw.t[2 * m]);
  evaluate_recursive(pw, coeffs, target_scale, out);
}

}  // namespace hnn::boot
