// Homomorphic operations on CKKS ciphertexts. All ciphertexts and plaintexts are in NTT form; every
// operation checks that its operands belong to this context and agree in level and scale, and says how to
// fix it when they do not (mod_switch_to / rescale / align). Multiplications do not rescale by themselves:
// call rescale() (or multiply_relin_rescale) when the scale should come back down.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/key_switcher.h"
#include "hnn/rlwe/keys.h"
#include "hnn/rlwe/plaintext.h"

namespace hnn {

class CkksEvaluator {
 public:
  explicit CkksEvaluator(ContextPtr context);
  const ContextPtr& context() const { return ctx_; }

  // --- Additive operations (operands at equal level and scale).
  void add(const Ciphertext& a, const Ciphertext& b, Ciphertext& out) const;
  void add_inplace(Ciphertext& a, const Ciphertext& b) const;
  void sub(const Ciphertext& a, const Ciphertext& b, Ciphertext& out) const;
  void sub_inplace(Ciphertext& a, const Ciphertext& b) const;
  void negate_inplace(Ciphertext& a) const;
  void add_plain_inplace(Ciphertext& a, const Plaintext& p) const;
  void sub_plain_inplace(Ciphertext& a, const Plaintext& p) const;
  /// Adds a real constant to every slot (no level used).
  void add_scalar_inplace(Ciphertext& a, double value) const;

  // --- Multiplicative operations.
  /// Size-3 product (c_0 d_0, c_0 d_1 + c_1 d_0, c_1 d_1); scale multiplies.
  void multiply(const Ciphertext& a, const Ciphertext& b, Ciphertext& out) const;
  void square(const Ciphertext& a, Ciphertext& out) const;
  void multiply_plain(const Ciphertext& a, const Plaintext& p, Ciphertext& out) const;
  void multiply_plain_inplace(Ciphertext& a, const Plaintext& p) const;
  /// Multiplies every slot by a real constant encoded at `scale` (rescale afterwards to use a level).
  void multiply_scalar_inplace(Ciphertext& a, double value, double scale) const;
  /// Multiplies by a small integer: no new scale, no level used.
  void multiply_integer_inplace(Ciphertext& a, long long value) const;
  /// Size 3 -> size 2 with the relinearization key.
  void relinearize(const Ciphertext& a, const RelinKeys& rk, Ciphertext& out) const;
  void relinearize_inplace(Ciphertext& a, const RelinKeys& rk) const { relinearize(a, rk, a); }
  /// Divides by the last prime of the level: level - 1, scale / q_level.
  void rescale(const Ciphertext& a, Ciphertext& out) const;
  void rescale_inplace(Ciphertext& a) const { rescale(a, a); }
  /// multiply, relinearize, rescale.
  void multiply_relin_rescale(const Ciphertext& a, const Ciphertext& b, const RelinKeys& rk, Ciphertext& out) const;
  /// Sum of products sum_i a_i * p_i with one reduction per coefficient and no rescale: the inner loop of
  /// encrypted matrix-vector products. The result is at the lowest ciphertext level (operands above it lose
  /// their upper primes, as mod_switch_to would, without a copy); every product a_i.scale * p_i.scale must be
  /// the same scale, and every plaintext at the result's level or above.
  void multiply_plain_accumulate(const std::vector<const Ciphertext*>& a, const std::vector<const Plaintext*>& p,
                                 Ciphertext& out) const;
  /// sum_i values_i * a_i, value i encoded at scales_i, with the level rule of multiply_plain_accumulate and
  /// every a_i.scale * scales_i the same: a polynomial's baby-step combination in one pass, without the
  /// intermediate ciphertexts of separate multiply_scalar, mod_switch_to and add calls.
  void multiply_scalar_accumulate(const std::vector<const Ciphertext*>& a, const std::vector<double>& values,
                                  const std::vector<double>& scales, Ciphertext& out) const;

  // --- Levels and scales.
  /// Drops primes without dividing (scale unchanged) down to `level`. Out of place, only the kept limbs are
  /// copied; in place, nothing is allocated.
  void mod_switch_to(const Ciphertext& a, std::size_t level, Ciphertext& out) const;
  void mod_switch_to_inplace(Ciphertext& a, std::size_t level) const;
  void mod_switch_to_inplace(Plaintext& p, std::size_t level) const;
  /// Makes a and b addable: both end at the lower of their two levels with b's or a's scale. Equal scales:
  /// the higher operand is mod-switched down. Different scales: the operand at the higher level is multiplied
  /// by the constant 1 at scale t = s_low * q_high / s_high and rescaled, which lands it exactly on the other
  /// scale (up to the rounding of t, ~2^-40 relative) at the cost of that operand's spare level. Operands at
  /// one level with different scales throw IncompatibleObjectsError (there is no spare level to spend).
  void align_inplace(Ciphertext& a, Ciphertext& b) const;
  /// Overrides the recorded scale, accepting the relative error |scale / a.scale() - 1| in the values. Useful
  /// when two scales differ only because the primes divided out were not exactly equal to the scale.
  void set_scale(Ciphertext& a, double scale) const;

  /// Two scales are "equal" for addition when they differ by at most this much, relatively.
  static constexpr double kScaleTolerance = 1e-9;

  // --- Rotations (need Galois keys for the steps / conjugation).
  void rotate(const Ciphertext& a, long long steps, const GaloisKeys& gk, Ciphertext& out) const;
  void rotate_inplace(Ciphertext& a, long long steps, const GaloisKeys& gk) const;
  void conjugate(const Ciphertext& a, const GaloisKeys& gk, Ciphertext& out) const;
  /// Several rotations of one ciphertext sharing one decomposition of c_1 (hoisting).
  void rotate_hoisted(const Ciphertext& a, const std::vector<long long>& steps, const GaloisKeys& gk,
                      std::vector<Ciphertext>& out) const;
  void apply_galois(const Ciphertext& a, std::uint64_t galois_elt, const GaloisKeys& gk, Ciphertext& out) const;
  /// sum_k rotate(a, steps[k]) (a step that is 0 mod the slot count adds a itself) with one decomposition of c_1
  /// and one division by the special primes for the whole sum: the key-switching products of every rotation
  /// are added before the division. A round of r rotations costs about one rotation plus r inner products, and
  /// the sum carries one rounding error instead of r. At most kMaxDotProductTerms / digits rotations.
  void rotate_sum(const Ciphertext& a, const std::vector<long long>& steps, const GaloisKeys& gk,
                  Ciphertext& out) const;

 private:
  void check_ciphertext(const Ciphertext& a, const char* what) const;
  void check_plaintext(const Plaintext& p, const char* what) const;
  void check_same_level_and_scale(const Ciphertext& a, double scale_b, std::size_t level_b, const char* op) const;
  void check_scale_fits(double scale, std::size_t level, const char* op) const;
  void add_or_subtract(const Ciphertext& a, const Ciphertext& b, bool subtract, Ciphertext& out) const;
  void galois_with_lifted(const Ciphertext& a, const LiftedDigits& lifted, std::uint64_t galois_elt,
                          const GaloisKeys& gk, Ciphertext& out) const;

  ContextPtr ctx_;
  KeySwitcher switcher_;
};

}  // namespace hnn
