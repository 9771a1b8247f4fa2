// Non-interactive CKKS bootstrapping (Cheon-Han-Kim-Kim-Song 2018, with the factored transforms of
// Chen-Chillotti-Song 2019 and the scaled-cosine EvalMod of Han-Ki 2020 / Bossuat et al. 2021):
//
//   level 0 --ModRaise--> top level L --(SubSum, sparse only)--> CoeffsToSlots (cts_levels levels)
//     --> two real halves --EvalMod--> (depth of EvalMod) --> recombined --SlotsToCoeffs (stc_levels)--> output
//
// The output sits at output_level() = L - cts_levels - EvalMod depth - stc_levels, at the input's scale. The
// bootstrapper holds only public data (encoded transform matrices); keys are passed to bootstrap().
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "hnn/boot/eval_mod.h"
#include "hnn/boot/linear_transform.h"
#include "hnn/boot/sparse_secret.h"
#include "hnn/ckks/encoder.h"
#include "hnn/ckks/evaluator.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/keys.h"

namespace hnn::boot {

struct BootstrapParameters {
  /// Slots of the messages: N/2 (0 means N/2) or a smaller power of two (sparse packing: the n values are
  /// repeated over the N/2 slots, as encoding n values replicated N/(2n) times gives).
  std::size_t slots = 0;
  /// Level budget of the two transforms: how many levels (= factors of the DFT) each uses.
  std::size_t cts_levels = 3;
  std::size_t stc_levels = 3;
  EvalModParameters eval_mod;
  /// The scale the messages are encoded at. q_0 / message_scale (at least 2^6) trades the sine's error on large
  /// coefficients, relative (2 pi m message_scale / q_0)^2 / 6, against the amplification of EvalMod's noise by
  /// q_0 / message_scale; 2^10 suits inputs uniform in [-1, 1] (coefficients about 1/sqrt(3n)).
  double message_scale = 0x1p40;
  /// Encode the transforms' plaintexts once (fast; at N = 2^16 full slots about 3.5 GB) or at each bootstrap
  /// from their complex diagonals (a few MB; costs the encodings every time).
  bool cache_plaintexts = true;
};

class Bootstrapper {
 public:
  /// Checks that the context has the levels the parameters need (InvalidParametersError otherwise, saying how
  /// many are missing) and encodes the transforms' plaintexts.
  Bootstrapper(ContextPtr context, const BootstrapParameters& params);
  ~Bootstrapper();
  // The transforms refer to this object's encoder: neither copied nor moved.
  Bootstrapper(const Bootstrapper&) = delete;
  Bootstrapper& operator=(const Bootstrapper&) = delete;

  const BootstrapParameters& parameters() const { return params_; }
  std::size_t slots() const { return slots_; }
  /// Levels bootstrapping consumes from the top level, and the level of its output.
  std::size_t depth() const;
  std::size_t output_level() const;
  /// Levels a context needs for these parameters: depth() + 1 (+ the levels left for the computation).
  static std::size_t required_depth(const BootstrapParameters& params);

  /// Rotation steps the keys must cover (plus conjugation): only those the transforms and SubSum use.
  std::vector<long long> rotation_steps() const;
  /// The Galois elements of rotation_steps() and conjugation, for KeyGenerator::create_galois_keys_for_elements.
  std::vector<std::uint64_t> galois_elements() const;
  /// Bytes of the transforms' plaintexts (or of their diagonals, without cache_plaintexts).
  std::size_t plaintext_bytes() const;

  /// Refreshes `in` (any level, size 2, scale at most q_0 / 2^6) to output_level(). Throws MissingKeyError
  /// naming the element if a Galois key is missing, InvalidArgumentError for an unusable input.
  void bootstrap(const Ciphertext& in, const GaloisKeys& gk, const RelinKeys& rk, Ciphertext& out) const;
  /// The same with ModRaise through sparse-secret encapsulation: the keys are for a dense secret (the HE
  /// Standard's setting) and I stays bounded by K as for a sparse one.
  void bootstrap(const Ciphertext& in, const GaloisKeys& gk, const RelinKeys& rk,
                 const SparseSecretEncapsulation& encapsulation, Ciphertext& out) const;

  /// The steps of bootstrap(), exposed for tests: CoeffsToSlots of a raised ciphertext (scale q_0 2^raise_bits(),
  /// the raised polynomial times 2^raise_bits()) -> (real,
  /// imaginary) halves, slots x / (K + 1); and SlotsToCoeffs of EvalMod's output.
  void coeffs_to_slots(const Ciphertext& raised, const GaloisKeys& gk, Ciphertext& real, Ciphertext& imag) const;
  void slots_to_coeffs(const Ciphertext& real, const Ciphertext& imag, const GaloisKeys& gk, Ciphertext& out) const;
  /// EvalMod's input and output scales.
  double eval_mod_scale() const { return eval_scale_; }
  int raise_bits() const { return raise_bits_; }

 private:
  void multiply_by_i(Ciphertext& a) const;
  void check_input(const Ciphertext& in, const GaloisKeys& gk, const RelinKeys& rk) const;
  void bootstrap_raised(Ciphertext& raised, double in_scale, const GaloisKeys& gk, const RelinKeys& rk,
                        Ciphertext& out) const;

  ContextPtr ctx_;
  BootstrapParameters params_;
  std::size_t slots_ = 0;
  CkksEncoder encoder_;
  CkksEvaluator evaluator_;
  EvalMod eval_mod_;
  std::vector<std::unique_ptr<LinearTransform>> cts_, stc_;
  std::vector<long long> sub_sum_steps_;
  double eval_scale_ = 0;
  int raise_bits_ = 0;
  std::vector<double> stc_targets_;
  Plaintext monomial_half_;  // X^(N/2): multiplies every slot by i, exactly and without a level
};

}  // namespace hnn::boot
