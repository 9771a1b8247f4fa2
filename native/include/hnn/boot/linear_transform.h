// A linear map on the slots of CKKS ciphertexts given by its diagonals, evaluated with the baby-step giant-step
// method of Halevi-Shoup as used by Chen-Chillotti-Song 2019 and Bossuat et al. 2021: with diagonal d of M
// written d = g + b (g a multiple of the giant stride, b a baby step below it),
//   M v = sum_g rot_g( sum_b rot_{-g}(diag_{g+b}) * rot_b(v) ),
// so the baby rotations rot_b(v) share one decomposition of v's c_1 (hoisting) and each giant step costs one
// rotation. The plaintexts rot_{-g}(diag) are encoded once, at the level they are used.
#pragma once
#include <complex>
#include <cstddef>
#include <map>
#include <vector>

#include "hnn/ckks/encoder.h"
#include "hnn/ckks/evaluator.h"
#include "hnn/rlwe/keys.h"

namespace hnn::boot {

/// Diagonals of a period x period complex matrix M: diag[d][i] = M[i][(i + d) mod period], d in [0, period).
/// Vectors of `period` slots are laid out periodically over the N/2 slots of a ciphertext (sparse packing).
using Diagonals = std::map<std::size_t, std::vector<std::complex<double>>>;

/// Product a * b of two matrices in diagonal form (b applied first).
Diagonals multiply_diagonals(const Diagonals& a, const Diagonals& b, std::size_t period);

class LinearTransform {
 public:
  /// Prepares the BSGS plaintexts of `diagonals` at `level` and scale `plain_scale`: encoded now if
  /// `cache_plaintexts` (fast, (level + 1) N 8 bytes each), else kept as complex diagonals of `period` values
  /// (16 period bytes each) and encoded when apply() needs them. `encoder` must outlive the transform.
  LinearTransform(const CkksEncoder& encoder, const Diagonals& diagonals, std::size_t period, std::size_t level,
                  double plain_scale, bool cache_plaintexts = true);

  /// Rotation steps the evaluation needs (baby and giant, positive, below `period`; 0 excluded).
  const std::vector<long long>& rotation_steps() const { return steps_; }
  std::size_t level() const { return level_; }
  double plain_scale() const { return plain_scale_; }
  std::size_t diagonal_count() const { return diag_count_; }
  /// Bytes held by the encoded plaintexts (or the diagonals, when not cached).
  std::size_t byte_count() const;

  /// out = M in (no rescale: out.scale = in.scale * plain_scale). `in` at level() exactly, size 2.
  void apply(const CkksEvaluator& evaluator, const Ciphertext& in, const GaloisKeys& gk, Ciphertext& out) const;

  /// The rotation steps BSGS needs for these diagonals (what apply() uses), without encoding anything.
  static std::vector<long long> steps_for(const Diagonals& diagonals, std::size_t period);

 private:
  struct Giant {
    long long step;
    std::vector<long long> babies;
    std::vector<Plaintext> plains;  // one per baby (cached mode)
    std::vector<std::vector<std::complex<double>>> diags;  // one per baby, rot_{-g}(diag), `period` values
  };
  void encode(const std::vector<std::complex<double>>& diag, Plaintext& out) const;
  static std::size_t choose_baby_stride(const Diagonals& diagonals, std::size_t period);

  const CkksEncoder& encoder_;
  std::size_t period_, level_, diag_count_;
  double plain_scale_;
  std::vector<long long> baby_steps_;  // distinct baby steps, rotated once with hoisting
  std::vector<Giant> giants_;
  std::vector<long long> steps_;
};

}  // namespace hnn::boot
