#include "hnn/boot/bootstrapper.h"

#include <cmath>
#include <set>
#include <string>

#include "hnn/boot/dft.h"
#include "hnn/boot/mod_raise.h"
#include "hnn/ring/automorphism.h"
#include "hnn/util/errors.h"

namespace hnn::boot {

namespace {
constexpr double kTwoPi = 6.283185307179586476925286766559;
}

std::size_t Bootstrapper::required_depth(const BootstrapParameters& params) {
  return params.cts_levels + EvalMod(params.eval_mod).depth() + params.stc_levels;
}

Bootstrapper::Bootstrapper(ContextPtr context, const BootstrapParameters& params)
    : ctx_(std::move(context)),
      params_(params),
      encoder_(ctx_),
      evaluator_(ctx_),
      eval_mod_(params.eval_mod) {
  const Context& ctx = *ctx_;
  const std::size_t full = ctx.slot_count();
  slots_ = params.slots == 0 ? full : params.slots;
  if (slots_ < 2 || slots_ > full || (slots_ & (slots_ - 1)) != 0)
    throw InvalidParametersError("bootstrapping: the slot count must be a power of two in [2, N/2 = " +
                                 std::to_string(full) + "], got " + std::to_string(slots_));
  std::size_t log_slots = 0;
  while ((std::size_t{1} << log_slots) < slots_) ++log_slots;
  if (params.cts_levels < 1 || params.stc_levels < 1 || params.cts_levels > log_slots ||
      params.stc_levels > log_slots)
    throw InvalidParametersError("bootstrapping: each transform needs between 1 and log2(slots) = " +
                                 std::to_string(log_slots) + " levels");
  if (!(params.message_scale > 1) || !std::isfinite(params.message_scale))
    throw InvalidParametersError("bootstrapping: the message scale must be finite and > 1");
  const std::size_t need = depth();
  if (ctx.max_level() < need)
    throw InvalidParametersError("bootstrapping needs " + std::to_string(need) + " levels above level 0 (CoeffsToSlots " +
                                 std::to_string(params.cts_levels) + ", EvalMod " + std::to_string(eval_mod_.depth()) +
                                 ", SlotsToCoeffs " + std::to_string(params.stc_levels) + "), the parameters have " +
                                 std::to_string(ctx.max_level()) + ": add " + std::to_string(need - ctx.max_level()) +
                                 " primes or lower the level budget");
  const double q0 = static_cast<double>(ctx.prime(0).value());
  if (q0 / params.message_scale < 0x1p6)
    throw InvalidParametersError("bootstrapping: q_0 / message scale is 2^" + std::to_string(std::log2(q0 / params.message_scale)) +
                                 ", at least 2^6 is needed for the sine to approximate the reduction: lower the scale");
  const std::size_t top = ctx.max_level();
  const std::size_t gap = full / slots_;
  for (std::size_t s = slots_; s < full; s <<= 1) sub_sum_steps_.push_back(static_cast<long long>(s));

  // EvalMod works at the scale of the primes it divides by (about), so its products keep the full precision.
  const std::size_t eval_level = top - params.cts_levels;
  eval_scale_ = std::ldexp(1.0, static_cast<int>(std::round(std::log2(static_cast<double>(ctx.prime(eval_level).value())))));

  // CoeffsToSlots: 1/2 for the real/imaginary split, 1/gap for SubSum's factor, 1/(K + 1) for EvalMod's input.
  const auto cts = coeffs_to_slots_factors(
      slots_, params.cts_levels, 0.5 / static_cast<double>(gap) / eval_mod_.input_divisor());
  // ModRaise's output is read at scale q_0 (slots t / q_0), then multiplied by the integer 2^raise_bits_: exact,
  // and it makes the additive noise of the baby-step rotations (about N sigma sqrt(digits) q_digit / P, whatever
  // the scale) 2^raise_bits_ times smaller relative to the values. The first plaintexts keep about 2^58
  // (measured at N = 4096: 2^50 there cost 4 bits of precision, 2^62 gained nothing).
  const double top_prime = static_cast<double>(ctx.prime(top).value());
  raise_bits_ = static_cast<int>(std::floor(std::log2(eval_scale_ * top_prime / q0) - 58));
  raise_bits_ = std::max(0, std::min(raise_bits_, 40));
  double scale = std::ldexp(q0, raise_bits_);
  for (std::size_t g = 0; g < cts.size(); ++g) {
    const std::size_t level = top - g;
    const double plain_scale = eval_scale_ * static_cast<double>(ctx.prime(level).value()) / scale;
    cts_.push_back(std::make_unique<LinearTransform>(encoder_, cts[g], slots_, level, plain_scale, params.cache_plaintexts));
    scale = eval_scale_;
  }
  // SlotsToCoeffs: q_0 / (2 pi message_scale) turns sin(2 pi x) back into the message.
  const std::size_t stc_level = eval_level - eval_mod_.depth();
  const auto stc = slots_to_coeffs_factors(slots_, params.stc_levels, q0 / (kTwoPi * params.message_scale));
  // Intermediate results stay at EvalMod's scale (their rotations' noise small against it); the last factor lands
  // on the message scale.
  for (std::size_t g = 0; g < stc.size(); ++g) {
    const std::size_t level = stc_level - g;
    const double target = g + 1 == stc.size() ? params.message_scale : eval_scale_;
    const double plain_scale = target * static_cast<double>(ctx.prime(level).value()) / scale;
    if (plain_scale < 0x1p30)
      throw InvalidParametersError("bootstrapping: the primes of SlotsToCoeffs are too small for the scales (the last "
                                   "factor's plaintexts would be encoded at 2^" + std::to_string(std::log2(plain_scale)) +
                                   "): use primes of about log2(EvalMod scale) bits there");
    stc_.push_back(std::make_unique<LinearTransform>(encoder_, stc[g], slots_, level, plain_scale, params.cache_plaintexts));
    stc_targets_.push_back(target);
    scale = target;
  }
  // X^(N/2), exactly: residue 1 at coefficient N/2 in every limb, transformed.
  monomial_half_.resize(ctx.params_hash(), ctx.n(), top);
  for (std::size_t i = 0; i <= top; ++i) {
    monomial_half_.limb(i)[ctx.n() / 2] = 1;
    ctx.ntt(i).forward(monomial_half_.limb(i));
  }
  monomial_half_.set_scale(1.0);
}

Bootstrapper::~Bootstrapper() = default;

std::size_t Bootstrapper::depth() const { return required_depth(params_); }

std::size_t Bootstrapper::output_level() const { return ctx_->max_level() - depth(); }

std::vector<long long> Bootstrapper::rotation_steps() const {
  std::set<long long> steps(sub_sum_steps_.begin(), sub_sum_steps_.end());
  for (const auto& t : cts_) steps.insert(t->rotation_steps().begin(), t->rotation_steps().end());
  for (const auto& t : stc_) steps.insert(t->rotation_steps().begin(), t->rotation_steps().end());
  return {steps.begin(), steps.end()};
}

std::vector<std::uint64_t> Bootstrapper::galois_elements() const {
  std::vector<std::uint64_t> out;
  for (long long s : rotation_steps()) out.push_back(galois_element_for_step(s, ctx_->n()));
  out.push_back(galois_element_conjugate(ctx_->n()));
  return out;
}

std::size_t Bootstrapper::plaintext_bytes() const {
  std::size_t bytes = 0;
  for (const auto& t : cts_) bytes += t->byte_count();
  for (const auto& t : stc_) bytes += t->byte_count();
  return bytes;
}

void Bootstrapper::multiply_by_i(Ciphertext& a) const {
  evaluator_.multiply_plain_inplace(a, monomial_half_);  // the plaintext's scale is 1: a's scale is kept
}

void Bootstrapper::coeffs_to_slots(const Ciphertext& raised, const GaloisKeys& gk, Ciphertext& real,
                                   Ciphertext& imag) const {
  Ciphertext ct = raised;
  // SubSum (sparse packing): sum of the rotations by multiples of the slot count keeps (N/2n) times the
  // coefficients of X^(N/2n)-powers and cancels the others.
  for (long long s : sub_sum_steps_) {
    Ciphertext r;
    evaluator_.rotate(ct, s, gk, r);
    evaluator_.add_inplace(ct, r);
  }
  for (const auto& t : cts_) {
    Ciphertext next;
    t->apply(evaluator_, ct, gk, next);
    evaluator_.rescale_inplace(next);
    next.set_scale(eval_scale_);  // the plaintext scale was chosen to land here (up to double rounding)
    ct = std::move(next);
  }
  // ct = u / 2 with u = t_j + i t_(j + n) (bit-reversed j): real = u/2 + conj(u/2), imag = -i (u/2 - conj(u/2)).
  Ciphertext conj;
  evaluator_.conjugate(ct, gk, conj);
  evaluator_.add(ct, conj, real);
  evaluator_.sub(ct, conj, imag);
  multiply_by_i(imag);
  evaluator_.negate_inplace(imag);
}

void Bootstrapper::slots_to_coeffs(const Ciphertext& real, const Ciphertext& imag, const GaloisKeys& gk,
                                   Ciphertext& out) const {
  Ciphertext ct = imag;
  multiply_by_i(ct);
  evaluator_.add_inplace(ct, real);
  for (std::size_t g = 0; g < stc_.size(); ++g) {
    Ciphertext next;
    stc_[g]->apply(evaluator_, ct, gk, next);
    evaluator_.rescale_inplace(next);
    next.set_scale(stc_targets_[g]);
    ct = std::move(next);
  }
  out = std::move(ct);
}

void Bootstrapper::check_input(const Ciphertext& in, const GaloisKeys& gk, const RelinKeys& rk) const {
  const Context& ctx = *ctx_;
  if (in.empty() || in.params_hash() != ctx.params_hash())
    throw IncompatibleObjectsError("bootstrap: the ciphertext belongs to other encryption parameters");
  if (in.size() != 2) throw InvalidArgumentError("bootstrap: the ciphertext must have size 2: relinearize first");
  const double q0 = static_cast<double>(ctx.prime(0).value());
  if (!(in.scale() > 0) || in.scale() > q0 / 0x1p6)
    throw InvalidArgumentError("bootstrap: the ciphertext's scale must be at most q_0 / 2^6 (2^" +
                               std::to_string(std::log2(q0) - 6) + ")");
  if (rk.empty()) throw MissingKeyError("bootstrap: the relinearization key is empty: generate it first");
  for (std::uint64_t g : galois_elements()) gk.key(g);  // every key present before any work
}

void Bootstrapper::bootstrap_raised(Ciphertext& raised, double in_scale, const GaloisKeys& gk, const RelinKeys& rk,
                                    Ciphertext& out) const {
  const double q0 = static_cast<double>(ctx_->prime(0).value());
  raised.set_scale(std::ldexp(q0, raise_bits_));  // the raised polynomial, times 2^raise_bits_
  Ciphertext real, imag;
  coeffs_to_slots(raised, gk, real, imag);
  Ciphertext real_mod, imag_mod;
  eval_mod_.evaluate(evaluator_, rk, real, eval_scale_, real_mod);
  eval_mod_.evaluate(evaluator_, rk, imag, eval_scale_, imag_mod);
  slots_to_coeffs(real_mod, imag_mod, gk, out);
  // The transforms assumed message_scale: an input at scale s comes out as m s / message_scale at
  // message_scale, the same polynomial as m at scale s.
  out.set_scale(in_scale);
}

void Bootstrapper::bootstrap(const Ciphertext& in, const GaloisKeys& gk, const RelinKeys& rk, Ciphertext& out) const {
  check_input(in, gk, rk);
  Ciphertext low, raised;
  evaluator_.mod_switch_to(in, 0, low);
  mod_raise(*ctx_, low, ctx_->max_level(), raised);
  evaluator_.multiply_integer_inplace(raised, 1LL << raise_bits_);
  bootstrap_raised(raised, in.scale(), gk, rk, out);
}

void Bootstrapper::bootstrap(const Ciphertext& in, const GaloisKeys& gk, const RelinKeys& rk,
                             const SparseSecretEncapsulation& encapsulation, Ciphertext& out) const {
  check_input(in, gk, rk);
  Ciphertext low, raised;
  evaluator_.mod_switch_to(in, 0, low);
  encapsulation.mod_raise(low, ctx_->max_level(), raise_bits_, raised);
  bootstrap_raised(raised, in.scale(), gk, rk, out);
}

}  // namespace hnn::boot
