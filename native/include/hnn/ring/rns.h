// Residue number system bases and fast base conversion (Bajard et al.; Cheon-Han-Kim-Kim-Song 2018):
// given residues of x modulo the primes of base B, produce residues modulo the primes of base C of
// x + u*Q_B for a small u in [0, |B|), without reconstructing x.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/ring/modulus.h"
#include "hnn/util/memory.h"

namespace hnn {

/// The centered lift of residues modulo `from` into `to`: out = x if x <= from/2, else x - from (mod to).
/// Rounding division by a prime and single-prime key-switching digits both need exactly this.
void centered_lift(const std::uint64_t* in, const Modulus& from, const Modulus& to, std::uint64_t* out,
                   std::size_t n);

class RnsBase {
 public:
  RnsBase() = default;
  /// Distinct primes; throws InvalidParametersError otherwise.
  explicit RnsBase(std::vector<Modulus> primes);

  std::size_t size() const { return primes_.size(); }
  const Modulus& operator[](std::size_t i) const { return primes_[i]; }
  const std::vector<Modulus>& primes() const { return primes_; }
  /// (Q / q_i)^-1 mod q_i, with Shoup quotients.
  const ShoupMultiplier& inv_punctured(std::size_t i) const { return inv_punctured_[i]; }
  /// Q mod p for another prime p.
  std::uint64_t product_mod(const Modulus& p) const;
  /// (Q / q_i) mod p.
  std::uint64_t punctured_product_mod(std::size_t i, const Modulus& p) const;

 private:
  std::vector<Modulus> primes_;
  std::vector<ShoupMultiplier> inv_punctured_;
};

class BaseConverter {
 public:
  BaseConverter(const RnsBase& from, const RnsBase& to);
  const RnsBase& from() const { return from_; }
  const RnsBase& to() const { return to_; }

  /// in: |from| limbs of n coefficients (limb-major); out: |to| limbs of n coefficients, in [0, p_j).
  void fast_convert(const std::uint64_t* in, std::uint64_t* out, std::size_t n) const;

  /// Like fast_convert, with every term y_i = x_i (Q/q_i)^-1 mod q_i taken centered in (-q_i/2, q_i/2]: the
  /// result is x + u Q_B with |u| <= |B|/2 and, more to the point, a zero-mean lift. Key switching lifts its
  /// digits this way: a [0, q) lift has mean q/2, which the key error turns into a structured error that peaks
  /// in a few slots.
  void fast_convert_centered(const std::uint64_t* in, std::uint64_t* out, std::size_t n) const;
  /// The same, writing target limb j to out_limbs[j] (so results can land directly inside a larger array).
  void fast_convert_centered(const std::uint64_t* in, std::uint64_t* const* out_limbs, std::size_t n) const;
  /// The centered conversion into target prime `target` only.
  void fast_convert_centered_to(const std::uint64_t* in, std::size_t target, std::uint64_t* out, std::size_t n) const;
  /// The terms y_i = x_i (Q/q_i)^-1 mod q_i of a conversion of `in` (|from| limbs of n) into `terms` (same
  /// shape; may be `in`), residues in [0, q_i).
  void conversion_terms(const std::uint64_t* in, std::uint64_t* terms, std::size_t n) const;
  /// The terms of a centered conversion, in the form centered_convert_terms_to() reads: signed
  /// representatives of y_i in (-q_i/2, q_i/2] (two's complement words) where signed_terms(), else
  /// conversion_terms(). They do not depend on the target, so converting one input into several targets
  /// computes them once: fast_convert_centered_to(in, j, ...) equals centered_convert_terms_to(terms, j, ...).
  void centered_terms(const std::uint64_t* in, std::uint64_t* terms, std::size_t n) const;
  /// The centered term of source limb i alone (`in` and `term`: n coefficients; may be the same).
  void centered_term(std::size_t i, const std::uint64_t* in, std::uint64_t* term, std::size_t n) const;
  void centered_convert_terms_to(const std::uint64_t* terms, std::size_t target, std::uint64_t* out,
                                 std::size_t n) const;
  /// Whether the centered terms are signed: several source primes, every prime of both bases below 2^32,
  /// and every target's sum of products bounded below 2^63 - p_j in magnitude. The sums are then plain
  /// signed 64-bit sums of one 32 x 32-bit product per term (key switching's digits with primes of up to
  /// 32 bits).
  bool signed_terms() const { return signed_terms_; }

  /// Like fast_convert, but removes the overflow u Q_B with a floating-point estimate of
  /// u = floor(sum_i y_i / q_i) (Halevi-Polyakov-Shoup 2019), so out = x mod p_j for x in [0, Q_B) (exact but
  /// for inputs within ~2^-50 Q_B of 0 or Q_B). Division by Q_B after it is then exact floor division.
  void exact_convert(const std::uint64_t* in, std::uint64_t* out, std::size_t n) const;
  /// exact_convert in two steps, so that callers can spread the targets over threads: the terms and the
  /// overflow estimate (exact_prepared_limbs() limbs of n into `prepared`), then any target from them.
  std::size_t exact_prepared_limbs() const { return from_.size() + 1; }
  void exact_prepare(const std::uint64_t* in, std::uint64_t* prepared, std::size_t n) const;
  void exact_convert_prepared_to(const std::uint64_t* prepared, std::size_t target, std::uint64_t* out,
                                 std::size_t n) const;

 private:
  void init_signed_terms();
  void init_exact_sums_fit();
  RnsBase from_, to_;
  // matrix_[j * |from| + i] = (Q_from / q_i) mod p_j
  std::vector<std::uint64_t> matrix_;
  std::vector<std::uint64_t> q_mod_to_;  // Q_from mod p_j
  std::vector<double> inv_from_;         // 1 / q_i
  std::vector<std::uint64_t> from_values_;  // q_i
  // Per target p_j: (Q/q_i) mod p_j for every i, then -Q mod p_j (the vector exact_convert's extra term u).
  std::vector<std::uint64_t> exact_matrix_;
  int from_bits_ = 0;                       // bit count of the largest source prime
  std::vector<std::uint8_t> exact_sums_fit_;  // per target: an exact conversion's sums fit 64 bits
  bool signed_terms_ = false;
  // With signed terms, per target: (Q/q_i) mod p_j centered into (-p_j/2, p_j/2] for every i (two's
  // complement words), and the multiple of p_j that makes each sum non-negative.
  std::vector<std::uint64_t> signed_matrix_;
  std::vector<std::uint64_t> signed_offset_;
};

}  // namespace hnn
