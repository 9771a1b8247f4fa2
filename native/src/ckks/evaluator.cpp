#include "hnn/ckks/evaluator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <sstream>
#include <string>

#include "hnn/ring/automorphism.h"
#include "hnn/ring/poly_arith.h"
#include "hnn/ring/rns.h"
#include "hnn/util/thread_pool.h"
#include "rounding.h"

namespace hnn {
namespace {

std::string pow2(double scale) {
  std::ostringstream os;
  os << "2^" << std::round(std::log2(scale) * 100) / 100;
  return os.str();
}

// Where an operation writes its result. `out` itself when it is none of the operands: its storage is reused
// (a fresh ciphertext takes a pooled block that is cold in cache, and the old one is released). When `out` is
// an operand, a temporary that finish() moves into it, unless the operation is coefficient-wise and `out`
// already has the result's shape: then every coefficient is read before it is written at the same index, so
// the result overwrites the operand in place.
class ResultTarget {
 public:
  ResultTarget(Ciphertext& out, std::initializer_list<const Ciphertext*> operands, bool coefficient_wise,
               const Context& ctx, std::size_t level, std::size_t size)
      : ResultTarget(out, std::find(operands.begin(), operands.end(), &out) != operands.end(), coefficient_wise, ctx,
                     level, size) {}
  ResultTarget(Ciphertext& out, const std::vector<const Ciphertext*>& operands, const Context& ctx, std::size_t level,
               std::size_t size)
      : ResultTarget(out, std::find(operands.begin(), operands.end(), &out) != operands.end(), false, ctx, level,
                     size) {}
  Ciphertext& get() { return *target_; }
  void finish(double scale) {
    target_->set_scale(scale);
    if (target_ == &temporary_) out_ = std::move(temporary_);
  }

 private:
  ResultTarget(Ciphertext& out, bool aliased, bool coefficient_wise, const Context& ctx, std::size_t level,
               std::size_t size)
      : out_(out) {
    if (aliased && coefficient_wise && out.level() == level && out.size() == size) {
      target_ = &out;  // in place: already the right shape
      return;
    }
    target_ = aliased ? &temporary_ : &out;
    target_->allocate(ctx.params_hash(), ctx.n(), level, size);
  }

  Ciphertext& out_;
  Ciphertext temporary_;
  Ciphertext* target_;
};

}  // namespace

CkksEvaluator::CkksEvaluator(ContextPtr context) : ctx_(std::move(context)), switcher_(ctx_) {
  if (!ctx_) throw InvalidArgumentError("context is null");
}

void CkksEvaluator::check_ciphertext(const Ciphertext& a, const char* what) const {
  if (a.empty()) throw InvalidArgumentError(std::string(what) + " is an empty ciphertext");
  if (a.params_hash() != ctx_->params_hash() || a.n() != ctx_->n() || a.level() > ctx_->max_level())
    throw IncompatibleObjectsError(std::string(what) + " belongs to other encryption parameters");
  if (a.size() < 2 || a.size() > 3) throw InvalidArgumentError(std::string(what) + " must have size 2 or 3");
  if (!(a.scale() > 0) || !std::isfinite(a.scale()))
    throw InvalidArgumentError(std::string(what) + " has a scale that is not positive and finite");
}

void CkksEvaluator::check_plaintext(const Plaintext& p, const char* what) const {
  if (p.empty()) throw InvalidArgumentError(std::string(what) + " is an empty plaintext");
  if (p.params_hash() != ctx_->params_hash() || p.n() != ctx_->n() || p.level() > ctx_->max_level())
    throw IncompatibleObjectsError(std::string(what) + " belongs to other encryption parameters");
  if (!(p.scale() > 0) || !std::isfinite(p.scale()))
    throw InvalidArgumentError(std::string(what) + " has a scale that is not positive and finite");
}

void CkksEvaluator::check_same_level_and_scale(const Ciphertext& a, double scale_b, std::size_t level_b,
                                               const char* op) const {
  if (a.level() != level_b)
    throw IncompatibleObjectsError(std::string(op) + ": operands are at levels " + std::to_string(a.level()) +
                                   " and " + std::to_string(level_b) +
                                   ": bring them to one level first (mod_switch_to or align)");
  if (std::fabs(a.scale() / scale_b - 1.0) > kScaleTolerance)
    throw IncompatibleObjectsError(std::string(op) + ": operands have scales " + pow2(a.scale()) + " and " +
                                   pow2(scale_b) + ": rescale both the same number of times, or use set_scale "
                                   "if the difference is only prime rounding");
}

void CkksEvaluator::check_scale_fits(double scale, std::size_t level, const char* op) const {
  if (!std::isfinite(scale) || std::log2(scale) >= ctx_->log2_modulus_at(level) - 1)
    throw DepthExhaustedError(std::string(op) + ": scale " + pow2(scale) + " exceeds the modulus at level " +
                              std::to_string(level) + " (2^" +
                              std::to_string(static_cast<int>(ctx_->log2_modulus_at(level))) +
                              "): rescale after each multiplication or choose more primes");
}

// ---------------------------------------------------------------- additive

void CkksEvaluator::add(const Ciphertext& a, const Ciphertext& b, Ciphertext& out) const {
  add_or_subtract(a, b, false, out);
}

void CkksEvaluator::add_inplace(Ciphertext& a, const Ciphertext& b) const { add_or_subtract(a, b, false, a); }

void CkksEvaluator::sub(const Ciphertext& a, const Ciphertext& b, Ciphertext& out) const {
  add_or_subtract(a, b, true, out);
}

void CkksEvaluator::sub_inplace(Ciphertext& a, const Ciphertext& b) const { add_or_subtract(a, b, true, a); }

void CkksEvaluator::add_or_subtract(const Ciphertext& a, const Ciphertext& b, bool subtract, Ciphertext& out) const {
  check_ciphertext(a, "first operand");
  check_ciphertext(b, "second operand");
  check_same_level_and_scale(a, b.scale(), b.level(), subtract ? "sub" : "add");
  const std::size_t n = ctx_->n(), limbs = a.level() + 1, size = std::max(a.size(), b.size());
  const double scale = a.scale();
  ResultTarget target(out, {&a, &b}, true, *ctx_, a.level(), size);
  Ciphertext& r = target.get();
  parallel_for(0, size * limbs, [&](std::size_t idx) {
    const std::size_t p = idx / limbs, i = idx % limbs;
    std::uint64_t* o = r.limb(p, i);
    const std::uint64_t* x = p < a.size() ? a.limb(p, i) : nullptr;
    const std::uint64_t* y = p < b.size() ? b.limb(p, i) : nullptr;
    if (x && y) {
      if (subtract) sub_mod(x, y, o, n, ctx_->prime(i));
      else add_mod(x, y, o, n, ctx_->prime(i));
    } else if (!x && subtract) {
      negate_mod(y, o, n, ctx_->prime(i));
    } else {
      const std::uint64_t* only = x ? x : y;
      if (only != o) std::copy(only, only + n, o);
    }
  });
  target.finish(scale);
}

void CkksEvaluator::negate_inplace(Ciphertext& a) const {
  check_ciphertext(a, "operand");
  const std::size_t n = ctx_->n(), limbs = a.level() + 1;
  parallel_for(0, a.size() * limbs, [&](std::size_t idx) {
    const std::size_t p = idx / limbs, i = idx % limbs;
    negate_mod(a.limb(p, i), a.limb(p, i), n, ctx_->prime(i));
  });
}

void CkksEvaluator::add_plain_inplace(Ciphertext& a, const Plaintext& p) const {
  check_ciphertext(a, "ciphertext");
  check_plaintext(p, "plaintext");
  if (p.level() < a.level())
    throw IncompatibleObjectsError("add_plain: the plaintext is at level " + std::to_string(p.level()) +
                                   ", below the ciphertext's " + std::to_string(a.level()) + ": encode it higher");
  check_same_level_and_scale(a, p.scale(), a.level(), "add_plain");
  const std::size_t n = ctx_->n();
  parallel_for(0, a.level() + 1, [&](std::size_t i) { add_mod(a.limb(0, i), p.limb(i), a.limb(0, i), n, ctx_->prime(i)); });
}

void CkksEvaluator::sub_plain_inplace(Ciphertext& a, const Plaintext& p) const {
  check_ciphertext(a, "ciphertext");
  check_plaintext(p, "plaintext");
  if (p.level() < a.level())
    throw IncompatibleObjectsError("sub_plain: the plaintext is below the ciphertext's level: encode it higher");
  check_same_level_and_scale(a, p.scale(), a.level(), "sub_plain");
  const std::size_t n = ctx_->n();
  parallel_for(0, a.level() + 1, [&](std::size_t i) { sub_mod(a.limb(0, i), p.limb(i), a.limb(0, i), n, ctx_->prime(i)); });
}

void CkksEvaluator::add_scalar_inplace(Ciphertext& a, double value) const {
  check_ciphertext(a, "ciphertext");
  if (!std::isfinite(value)) throw InvalidArgumentError("add_scalar: value is NaN or infinite");
  const double scaled = value * a.scale();
  if (std::fabs(scaled) >= 1 && std::log2(std::fabs(scaled)) >= ctx_->log2_modulus_at(a.level()) - 1)
    throw InvalidArgumentError("add_scalar: the value times the scale does not fit the modulus at this level");
  const std::size_t n = ctx_->n();
  // A constant polynomial is the same value at every NTT point.
  parallel_for(0, a.level() + 1, [&](std::size_t i) {
    add_scalar_mod(a.limb(0, i), detail::rounded_residue(scaled, ctx_->prime(i)), a.limb(0, i), n, ctx_->prime(i));
  });
}

// ---------------------------------------------------------------- multiplicative

void CkksEvaluator::multiply(const Ciphertext& a, const Ciphertext& b, Ciphertext& out) const {
  check_ciphertext(a, "first operand");
  check_ciphertext(b, "second operand");
  if (a.size() != 2 || b.size() != 2)
    throw InvalidArgumentError("multiply: operands must have size 2: relinearize first");
  if (a.level() != b.level())
    throw IncompatibleObjectsError("multiply: operands are at levels " + std::to_string(a.level()) + " and " +
                                   std::to_string(b.level()) + ": bring them to one level first (mod_switch_to or align)");
  const double scale = a.scale() * b.scale();
  check_scale_fits(scale, a.level(), "multiply");
  ResultTarget target(out, {&a, &b}, false, *ctx_, a.level(), 3);
  Ciphertext& r = target.get();
  const std::size_t n = ctx_->n();
  const bool same = &a == &b;
  parallel_for(0, a.level() + 1, [&](std::size_t i) {
    const Modulus& q = ctx_->prime(i);
    mul_mod(a.limb(0, i), b.limb(0, i), r.limb(0, i), n, q);
    mul_mod(a.limb(1, i), b.limb(1, i), r.limb(2, i), n, q);
    mul_mod(a.limb(0, i), b.limb(1, i), r.limb(1, i), n, q);
    if (same) add_mod(r.limb(1, i), r.limb(1, i), r.limb(1, i), n, q);
    else mul_add_mod(a.limb(1, i), b.limb(0, i), r.limb(1, i), n, q);
  });
  target.finish(scale);
}

void CkksEvaluator::square(const Ciphertext& a, Ciphertext& out) const { multiply(a, a, out); }

void CkksEvaluator::multiply_plain(const Ciphertext& a, const Plaintext& p, Ciphertext& out) const {
  check_ciphertext(a, "ciphertext");
  check_plaintext(p, "plaintext");
  if (p.level() < a.level())
    throw IncompatibleObjectsError("multiply_plain: the plaintext is at level " + std::to_string(p.level()) +
                                   ", below the ciphertext's " + std::to_string(a.level()) + ": encode it higher");
  const double scale = a.scale() * p.scale();
  check_scale_fits(scale, a.level(), "multiply_plain");
  ResultTarget target(out, {&a}, true, *ctx_, a.level(), a.size());
  Ciphertext& r = target.get();
  const std::size_t n = ctx_->n(), limbs = a.level() + 1;
  // Limb-major: both polynomials' products by plaintext limb i in a row, so that limb is read from memory once.
  parallel_for(0, a.size() * limbs, [&](std::size_t idx) {
    const std::size_t k = idx % a.size(), i = idx / a.size();
    mul_mod(a.limb(k, i), p.limb(i), r.limb(k, i), n, ctx_->prime(i));
  });
  target.finish(scale);
}

void CkksEvaluator::multiply_plain_inplace(Ciphertext& a, const Plaintext& p) const { multiply_plain(a, p, a); }

void CkksEvaluator::multiply_scalar_inplace(Ciphertext& a, double value, double scale) const {
  check_ciphertext(a, "ciphertext");
  if (!std::isfinite(value)) throw InvalidArgumentError("multiply_scalar: value is NaN or infinite");
  if (!(scale >= 1) || !std::isfinite(scale)) throw InvalidArgumentError("multiply_scalar: scale must be >= 1");
  const double new_scale = a.scale() * scale;
  check_scale_fits(new_scale, a.level(), "multiply_scalar");
  const double scaled = value * scale;
  const std::size_t n = ctx_->n(), limbs = a.level() + 1;
  parallel_for(0, a.size() * limbs, [&](std::size_t idx) {
    const std::size_t k = idx / limbs, i = idx % limbs;
    mul_scalar_mod(a.limb(k, i), detail::rounded_residue(scaled, ctx_->prime(i)), a.limb(k, i), n, ctx_->prime(i));
  });
  a.set_scale(new_scale);
}

void CkksEvaluator::multiply_integer_inplace(Ciphertext& a, long long value) const {
  check_ciphertext(a, "ciphertext");
  const std::size_t n = ctx_->n(), limbs = a.level() + 1;
  parallel_for(0, a.size() * limbs, [&](std::size_t idx) {
    const std::size_t k = idx / limbs, i = idx % limbs;
    mul_scalar_mod(a.limb(k, i), from_signed(value, ctx_->prime(i)), a.limb(k, i), n, ctx_->prime(i));
  });
}

void CkksEvaluator::relinearize(const Ciphertext& a, const RelinKeys& rk, Ciphertext& out) const {
  check_ciphertext(a, "ciphertext");
  if (a.size() == 2) {
    if (&out != &a) out = a;
    return;
  }
  if (rk.empty()) throw MissingKeyError("relinearize: the relinearization key is empty: generate it first");
  ResultTarget target(out, {&a}, false, *ctx_, a.level(), 2);
  Ciphertext& r = target.get();
  switcher_.switch_key(a.poly(2), a.level(), rk.key(), a.poly(0), a.poly(1), r.poly(0), r.poly(1));
  target.finish(a.scale());
}

void CkksEvaluator::rescale(const Ciphertext& a, Ciphertext& out) const {
  check_ciphertext(a, "ciphertext");
  const std::size_t level = a.level();
  if (level == 0)
    throw DepthExhaustedError("rescale: the ciphertext is at level 0, no prime is left to divide by: choose "
                              "parameters with more primes for this circuit's depth");
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n();
  const Modulus& last = ctx.prime(level);
  const std::uint64_t last_v = last.value();
  ResultTarget target(out, {&a}, false, ctx, level - 1, a.size());
  Ciphertext& r = target.get();
  // round(c / q_l) = (c - [c]_{q_l}) / q_l with [c]_{q_l} the centered residue: take the last limb to
  // coefficients, lift it centered into every other prime, divide.
  RawU64Vector last_coeffs(a.size() * n);
  parallel_for(0, a.size(), [&](std::size_t k) {
    std::uint64_t* c = last_coeffs.data() + k * n;
    std::copy(a.limb(k, level), a.limb(k, level) + n, c);
    ctx.ntt(level).inverse(c);
  });
  parallel_for(0, a.size() * level, [&](std::size_t idx) {
    const std::size_t k = idx / level, i = idx % level;
    const Modulus& q = ctx.prime(i);
    std::uint64_t* t = r.limb(k, i);
    centered_lift(last_coeffs.data() + k * n, last, q, t, n);
    ctx.ntt(i).forward(t);
    sub_mul_scalar_mod(a.limb(k, i), t, ctx.inv_last_prime(level, i).operand, t, n, q);  // (a - t) / q_l
  });
  target.finish(a.scale() / static_cast<double>(last_v));
}

void CkksEvaluator::multiply_relin_rescale(const Ciphertext& a, const Ciphertext& b, const RelinKeys& rk,
                                           Ciphertext& out) const {
  check_ciphertext(a, "first operand");
  if (a.level() == 0)
    throw DepthExhaustedError("multiply_relin_rescale: the operands are at level 0, no prime is left to rescale "
                              "by: choose parameters with more primes for this circuit's depth");
  if (rk.empty()) throw MissingKeyError("relinearize: the relinearization key is empty: generate it first");
  Ciphertext product;
  multiply(a, b, product);
  // Relinearization's division by P and the rescale's division by q_level in one step.
  ExtendedPair acc;
  switcher_.inner_product_direct(product.poly(2), product.level(), rk.key(), nullptr, acc);
  ResultTarget target(out, {&a, &b}, false, *ctx_, product.level() - 1, 2);
  Ciphertext& r = target.get();
  switcher_.mod_down_rescale(acc, product.poly(0), product.poly(1), r.poly(0), r.poly(1));
  target.finish(product.scale() / static_cast<double>(ctx_->prime(product.level()).value()));
}

namespace {

// The level and scale of an accumulated sum of products: the lowest operand level, and the one scale that
// every product scale (a_i.scale * factor_scales[i]) must agree on.
struct AccumulatedShape {
  std::size_t level;
  double scale;
};

AccumulatedShape accumulated_shape(const std::vector<const Ciphertext*>& a, const std::vector<double>& factor_scales,
                                   const char* op) {
  AccumulatedShape shape{a[0]->level(), a[0]->scale() * factor_scales[0]};
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k]->size() != 2) throw InvalidArgumentError(std::string(op) + ": relinearize the ciphertexts first");
    shape.level = std::min(shape.level, a[k]->level());
    const double product_scale = a[k]->scale() * factor_scales[k];
    if (std::fabs(product_scale / shape.scale - 1.0) > CkksEvaluator::kScaleTolerance)
      throw IncompatibleObjectsError(std::string(op) + ": the products have different scales (2^" +
                                     std::to_string(std::log2(shape.scale)) + " and 2^" +
                                     std::to_string(std::log2(product_scale)) +
                                     "): encode each factor at the scale that lands its product on the common one");
  }
  return shape;
}

}  // namespace

void CkksEvaluator::multiply_plain_accumulate(const std::vector<const Ciphertext*>& a,
                                              const std::vector<const Plaintext*>& p, Ciphertext& out) const {
  if (a.empty() || a.size() != p.size())
    throw InvalidArgumentError("multiply_plain_accumulate: needs as many plaintexts as ciphertexts, at least one");
  std::vector<double> plain_scales(a.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!a[k] || !p[k]) throw InvalidArgumentError("multiply_plain_accumulate: null operand");
    check_ciphertext(*a[k], "ciphertext");
    check_plaintext(*p[k], "plaintext");
    plain_scales[k] = p[k]->scale();
  }
  const AccumulatedShape shape = accumulated_shape(a, plain_scales, "multiply_plain_accumulate");
  for (std::size_t k = 0; k < a.size(); ++k)
    if (p[k]->level() < shape.level)
      throw IncompatibleObjectsError("multiply_plain_accumulate: a plaintext is below the ciphertexts' level");
  const std::size_t level = shape.level, n = ctx_->n();
  check_scale_fits(shape.scale, level, "multiply_plain_accumulate");
  ResultTarget target(out, a, *ctx_, level, 2);
  Ciphertext& r = target.get();
  constexpr std::size_t kDirectTerms = 8;
  if (a.size() <= kDirectTerms) {
    // A few terms: each product reduced into the output limb (fused multiply-add), where 128-bit accumulators
    // would cost a zeroed buffer twice the limb's size per limb.
    parallel_for(0, 2 * (level + 1), [&](std::size_t idx) {
      const std::size_t poly = idx / (level + 1), i = idx % (level + 1);
      const Modulus& q = ctx_->prime(i);
      std::uint64_t* o = r.limb(poly, i);
      mul_mod(a[0]->limb(poly, i), p[0]->limb(i), o, n, q);
      for (std::size_t k = 1; k < a.size(); ++k) mul_add_mod(a[k]->limb(poly, i), p[k]->limb(i), o, o, n, q);
    });
    target.finish(shape.scale);
    return;
  }
  // Many terms (the diagonals of a matrix product): dot_product_pair, the inner-product kernel of key switching,
  // with the plaintext limbs as its shared factor and the two ciphertext polynomials as its pair. It keeps the
  // sums in registers (no 128-bit accumulator to load and store per term) and reads each plaintext limb once for
  // both polynomials; products are memory-bound, and this measured faster than one 128-bit accumulator per
  // polynomial (docs/encrypted-encoder-algebra.md). Tasks: limbs x halves of the coefficients, so that a level-0
  // product still has two.
  constexpr std::size_t kParts = 2;
  const std::size_t part = n / kParts;
  parallel_for(0, kParts * (level + 1), [&](std::size_t idx) {
    const std::size_t i = idx / kParts, off = (idx % kParts) * part;
    const Modulus& q = ctx_->prime(i);
    std::uint64_t* o0 = r.limb(0, i) + off;
    std::uint64_t* o1 = r.limb(1, i) + off;
    std::vector<const std::uint64_t*> pl, c0, c1;
    RawU64Vector partial0(a.size() > kMaxDotProductTerms ? part : 0), partial1(partial0.size());
    for (std::size_t k0 = 0; k0 < a.size(); k0 += kMaxDotProductTerms) {
      const std::size_t count = std::min(a.size() - k0, kMaxDotProductTerms);
      pl.clear();
      c0.clear();
      c1.clear();
      for (std::size_t k = k0; k < k0 + count; ++k) {
        pl.push_back(p[k]->limb(i) + off);
        c0.push_back(a[k]->limb(0, i) + off);
        c1.push_back(a[k]->limb(1, i) + off);
      }
      if (k0 == 0) {
        dot_product_pair(pl.data(), c0.data(), c1.data(), count, o0, o1, part, q);  // the first batch writes
      } else {
        dot_product_pair(pl.data(), c0.data(), c1.data(), count, partial0.data(), partial1.data(), part, q);
        add_mod(o0, partial0.data(), o0, part, q);
        add_mod(o1, partial1.data(), o1, part, q);
      }
    }
  });
  target.finish(shape.scale);
}

void CkksEvaluator::multiply_scalar_accumulate(const std::vector<const Ciphertext*>& a,
                                               const std::vector<double>& values, const std::vector<double>& scales,
                                               Ciphertext& out) const {
  if (a.empty() || a.size() != values.size() || a.size() != scales.size())
    throw InvalidArgumentError("multiply_scalar_accumulate: needs one value and one scale per ciphertext, at least one");
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!a[k]) throw InvalidArgumentError("multiply_scalar_accumulate: null operand");
    check_ciphertext(*a[k], "ciphertext");
    if (!std::isfinite(values[k])) throw InvalidArgumentError("multiply_scalar_accumulate: value is NaN or infinite");
    if (!(scales[k] >= 1) || !std::isfinite(scales[k]))
      throw InvalidArgumentError("multiply_scalar_accumulate: scales must be >= 1");
  }
  const AccumulatedShape shape = accumulated_shape(a, scales, "multiply_scalar_accumulate");
  const std::size_t level = shape.level, n = ctx_->n();
  check_scale_fits(shape.scale, level, "multiply_scalar_accumulate");
  ResultTarget target(out, a, *ctx_, level, 2);  // every limb is written by its first term
  Ciphertext& r = target.get();
  parallel_for(0, 2 * (level + 1), [&](std::size_t idx) {
    const std::size_t poly = idx / (level + 1), i = idx % (level + 1);
    const Modulus& q = ctx_->prime(i);
    std::uint64_t* o = r.limb(poly, i);
    RawU64Vector term(a.size() > 1 ? n : 0);
    for (std::size_t k = 0; k < a.size(); ++k) {
      const std::uint64_t c = detail::rounded_residue(values[k] * scales[k], q);
      if (k == 0) {
        mul_scalar_mod(a[k]->limb(poly, i), c, o, n, q);
      } else {
        mul_scalar_mod(a[k]->limb(poly, i), c, term.data(), n, q);
        add_mod(o, term.data(), o, n, q);
      }
    }
  });
  target.finish(shape.scale);
}

// ---------------------------------------------------------------- levels and scales

namespace {

void check_not_raised(const Ciphertext& a, std::size_t level) {
  if (level > a.level())
    throw InvalidArgumentError("mod_switch_to: cannot raise a ciphertext from level " + std::to_string(a.level()) +
                               " to " + std::to_string(level));
}

}  // namespace

void CkksEvaluator::mod_switch_to(const Ciphertext& a, std::size_t level, Ciphertext& out) const {
  if (&out == &a) return mod_switch_to_inplace(out, level);
  check_ciphertext(a, "ciphertext");
  check_not_raised(a, level);
  const std::size_t words = (level + 1) * ctx_->n();
  out.allocate(ctx_->params_hash(), ctx_->n(), level, a.size());
  for (std::size_t k = 0; k < a.size(); ++k) std::copy(a.poly(k), a.poly(k) + words, out.poly(k));
  out.set_scale(a.scale());
}

void CkksEvaluator::mod_switch_to_inplace(Ciphertext& a, std::size_t level) const {
  check_ciphertext(a, "ciphertext");
  check_not_raised(a, level);
  if (level == a.level()) return;
  // Each polynomial keeps its first level + 1 limbs: polynomials 1.. move down over the dropped limbs of the
  // ones before, then the buffer shrinks in place (Ciphertext::allocate keeps the leading words of a smaller
  // shape), so nothing is allocated and polynomial 0 is not copied.
  const std::size_t n = ctx_->n(), words = (level + 1) * n, old_words = a.limb_count() * n;
  std::uint64_t* data = a.poly(0);
  for (std::size_t k = 1; k < a.size(); ++k)
    std::memmove(data + k * words, data + k * old_words, words * sizeof(std::uint64_t));
  const double scale = a.scale();
  a.allocate(ctx_->params_hash(), n, level, a.size());
  a.set_scale(scale);
}

void CkksEvaluator::mod_switch_to_inplace(Plaintext& p, std::size_t level) const {
  check_plaintext(p, "plaintext");
  if (level > p.level()) throw InvalidArgumentError("mod_switch_to: cannot raise a plaintext's level");
  if (level == p.level()) return;
  Plaintext r;
  r.allocate(ctx_->params_hash(), ctx_->n(), level);
  std::copy(p.data(), p.data() + (level + 1) * ctx_->n(), r.data());
  r.set_scale(p.scale());
  p = std::move(r);
}

void CkksEvaluator::align_inplace(Ciphertext& a, Ciphertext& b) const {
  check_ciphertext(a, "first operand");
  check_ciphertext(b, "second operand");
  const bool same_scale = std::fabs(a.scale() / b.scale() - 1.0) <= kScaleTolerance;
  if (!same_scale && a.level() != b.level()) {
    Ciphertext& high = a.level() > b.level() ? a : b;
    const Ciphertext& low = a.level() > b.level() ? b : a;
    if (high.size() != 2) throw InvalidArgumentError("align: relinearize the higher-level operand first");
    const double q_high = static_cast<double>(ctx_->prime(high.level()).value());
    multiply_scalar_inplace(high, 1.0, low.scale() * q_high / high.scale());
    rescale_inplace(high);
    high.set_scale(low.scale());  // equal up to the rounding of the constant
  }
  const std::size_t level = std::min(a.level(), b.level());
  mod_switch_to_inplace(a, level);
  mod_switch_to_inplace(b, level);
  check_same_level_and_scale(a, b.scale(), b.level(), "align");
}

void CkksEvaluator::set_scale(Ciphertext& a, double scale) const {
  check_ciphertext(a, "ciphertext");
  if (!(scale > 0) || !std::isfinite(scale)) throw InvalidArgumentError("set_scale: scale must be positive and finite");
  check_scale_fits(scale, a.level(), "set_scale");
  a.set_scale(scale);
}

// ---------------------------------------------------------------- rotations

void CkksEvaluator::galois_with_lifted(const Ciphertext& a, const LiftedDigits& lifted, std::uint64_t galois_elt,
                                       const GaloisKeys& gk, Ciphertext& out) const {
  const KeySwitchKey& key = gk.key(galois_elt);
  const auto& perm = ctx_->galois_permutation(galois_elt);
  const std::size_t n = ctx_->n(), limbs = a.level() + 1;
  ResultTarget target(out, {&a}, false, *ctx_, a.level(), 2);
  Ciphertext& r = target.get();
  parallel_for(0, limbs, [&](std::size_t i) { apply_ntt_automorphism(a.limb(0, i), perm.data(), r.limb(0, i), n); });
  switcher_.apply(lifted, key, perm.data(), r.poly(0), nullptr, r.poly(0), r.poly(1));  // (sigma(c_0), 0) + ...
  target.finish(a.scale());
}

void CkksEvaluator::apply_galois(const Ciphertext& a, std::uint64_t galois_elt, const GaloisKeys& gk,
                                 Ciphertext& out) const {
  check_ciphertext(a, "ciphertext");
  if (a.size() != 2) throw InvalidArgumentError("rotations need a size-2 ciphertext: relinearize first");
  const KeySwitchKey& key = gk.key(galois_elt);  // fails before any work if the key is missing
  const auto& perm = ctx_->galois_permutation(galois_elt);
  const std::size_t n = ctx_->n(), limbs = a.level() + 1;
  ExtendedPair acc;
  switcher_.inner_product_direct(a.poly(1), a.level(), key, perm.data(), acc);
  ResultTarget target(out, {&a}, false, *ctx_, a.level(), 2);
  Ciphertext& r = target.get();
  parallel_for(0, limbs, [&](std::size_t i) { apply_ntt_automorphism(a.limb(0, i), perm.data(), r.limb(0, i), n); });
  switcher_.mod_down(acc, r.poly(0), nullptr, r.poly(0), r.poly(1));  // (sigma(c_0), 0) + the switched sigma(c_1)
  target.finish(a.scale());
}

void CkksEvaluator::rotate(const Ciphertext& a, long long steps, const GaloisKeys& gk, Ciphertext& out) const {
  check_ciphertext(a, "ciphertext");
  if (steps % static_cast<long long>(ctx_->slot_count()) == 0) {
    if (&out != &a) out = a;
    return;
  }
  apply_galois(a, galois_element_for_step(steps, ctx_->n()), gk, out);
}

void CkksEvaluator::rotate_inplace(Ciphertext& a, long long steps, const GaloisKeys& gk) const { rotate(a, steps, gk, a); }

void CkksEvaluator::conjugate(const Ciphertext& a, const GaloisKeys& gk, Ciphertext& out) const {
  apply_galois(a, galois_element_conjugate(ctx_->n()), gk, out);
}

void CkksEvaluator::rotate_hoisted(const Ciphertext& a, const std::vector<long long>& steps, const GaloisKeys& gk,
                                   std::vector<Ciphertext>& out) const {
  check_ciphertext(a, "ciphertext");
  if (a.size() != 2) throw InvalidArgumentError("rotations need a size-2 ciphertext: relinearize first");
  const long long slots = static_cast<long long>(ctx_->slot_count());
  for (long long s : steps)
    if (s % slots != 0) gk.key(galois_element_for_step(s, ctx_->n()));  // all keys present before any work
  std::vector<Ciphertext> result(steps.size());
  LiftedDigits lifted;
  bool lifted_ready = false;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    if (steps[k] % slots == 0) {
      result[k] = a;
      continue;
    }
    if (!lifted_ready) {
      switcher_.lift(a.poly(1), a.level(), lifted);
      lifted_ready = true;
    }
    galois_with_lifted(a, lifted, galois_element_for_step(steps[k], ctx_->n()), gk, result[k]);
  }
  out = std::move(result);
}

void CkksEvaluator::rotate_sum(const Ciphertext& a, const std::vector<long long>& steps, const GaloisKeys& gk,
                               Ciphertext& out) const {
  check_ciphertext(a, "ciphertext");
  if (a.size() != 2) throw InvalidArgumentError("rotations need a size-2 ciphertext: relinearize first");
  if (steps.empty()) throw InvalidArgumentError("rotate_sum: no steps");
  const Context& ctx = *ctx_;
  const long long slots = static_cast<long long>(ctx.slot_count());
  const std::size_t n = ctx.n(), level = a.level(), limbs = level + 1;
  // Zero steps (mod the slot count) add `a` itself; every other step one key and one automorphism.
  std::uint64_t identities = 0;
  std::vector<const KeySwitchKey*> keys;
  std::vector<const std::uint32_t*> perms;
  for (long long s : steps) {
    if (s % slots == 0) {
      ++identities;
      continue;
    }
    const std::uint64_t g = galois_element_for_step(s, n);
    keys.push_back(&gk.key(g));  // all keys present before any work
    perms.push_back(ctx.galois_permutation(g).data());
  }
  const std::size_t max_keys = kMaxDotProductTerms / ctx.digit_count_at(level);
  if (keys.size() > max_keys)
    throw InvalidArgumentError("rotate_sum: at most " + std::to_string(max_keys) + " rotations at level " +
                               std::to_string(level) + " in one sum");
  if (keys.empty()) {  // identities only
    if (&out != &a) out = a;
    multiply_integer_inplace(out, static_cast<long long>(identities));
    return;
  }
  LiftedDigits lifted;
  switcher_.lift(a.poly(1), level, lifted);
  ExtendedPair acc;
  switcher_.inner_product_sum(lifted, keys, perms, acc);
  ResultTarget target(out, {&a}, false, ctx, level, 2);
  Ciphertext& r = target.get();
  // The bases of the one mod-down: sum_k sigma_k(c_0) + identities * c_0, and identities * c_1.
  const std::size_t base_polys = identities > 0 ? 2 : 1;
  parallel_for(0, base_polys * limbs, [&](std::size_t idx) {
    const std::size_t p = idx / limbs, i = idx % limbs;
    const Modulus& q = ctx.prime(i);
    std::uint64_t* o = r.limb(p, i);
    if (identities > 0) mul_scalar_mod(a.limb(p, i), identities % q.value(), o, n, q);
    if (p == 1) return;
    RawU64Vector rotated(perms.size() > 1 || identities > 0 ? n : 0);  // scratch for every term after the first
    for (std::size_t k = 0; k < perms.size(); ++k) {
      const bool first = k == 0 && identities == 0;
      apply_ntt_automorphism(a.limb(0, i), perms[k], first ? o : rotated.data(), n);
      if (!first) add_mod(o, rotated.data(), o, n, q);
    }
  });
  switcher_.mod_down(acc, r.poly(0), identities > 0 ? r.poly(1) : nullptr, r.poly(0), r.poly(1));
  target.finish(a.scale());
}

}  // namespace hnn
