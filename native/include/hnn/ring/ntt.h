// Negacyclic number-theoretic transform over Z_q[X]/(X^N + 1).
//
// forward(): coefficients in natural order -> evaluations in bit-reversed order, where slot j holds
// a(psi^(2*brv(j)+1)) for the canonical primitive 2N-th root psi. inverse() undoes it exactly.
// Both take and return fully reduced values in [0, q). Internally the butterflies are Harvey's lazy ones
// (values kept in [0, 4q) between stages), and the kernel is chosen at run time by CPU detection
// (see simd.h): every kernel returns bit-identical results.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/ring/modulus.h"
#include "hnn/util/memory.h"

namespace hnn {

class NttTables {
 public:
  /// n a power of two in [2^1, 2^17]; q prime with q = 1 mod 2n.
  NttTables(std::size_t n, const Modulus& q);

  std::size_t n() const { return n_; }
  int log_n() const { return log_n_; }
  const Modulus& modulus() const { return q_; }
  std::uint64_t root() const { return psi_; }

  /// In place; input and output in [0, q).
  void forward(std::uint64_t* a) const;
  /// In place; input and output in [0, q). Includes the factor 1/n.
  void inverse(std::uint64_t* a) const;
  /// out = inverse(in), leaving `in` as it is (in == out allowed, partial overlap not): the kernels that can
  /// read `in` in their first pass save the copy a transform of a kept input would otherwise need.
  void inverse(const std::uint64_t* in, std::uint64_t* out) const;
  /// out = forward(centered_lift(in)) for residues `in` modulo another prime `from` (rns.h centered_lift):
  /// the digit conversion of key switching, read by the transform's first pass where the kernel can (saves a
  /// pass over memory). `out` must not overlap `in`.
  void forward_lifted(const std::uint64_t* in, const Modulus& from, std::uint64_t* out) const;

  // Tables, exposed for the SIMD kernels: psi^brv(i) and psi^-brv(i) (i in [0, n)) with Shoup quotients.
  const std::uint64_t* root_powers() const { return root_powers_.data(); }
  const std::uint64_t* root_quotients() const { return root_quotients_.data(); }
  const std::uint64_t* inv_root_powers() const { return inv_root_powers_.data(); }
  const std::uint64_t* inv_root_quotients() const { return inv_root_quotients_.data(); }
  const ShoupMultiplier& inv_n() const { return inv_n_; }

  // Tables for the double-precision (FMA) kernels, built only when q < 2^50 (nullptr otherwise): for each
  // table above, the power w as a double centered in (-q/2, q/2) (w or w - q), and w/q rounded to double.
  bool has_fp64_tables() const { return !fp64_roots_.empty(); }
  const double* fp64_root_powers() const { return has_fp64_tables() ? fp64_roots_.data() : nullptr; }
  const double* fp64_root_quotients() const { return has_fp64_tables() ? fp64_root_quotients_.data() : nullptr; }
  const double* fp64_inv_root_powers() const { return has_fp64_tables() ? fp64_inv_roots_.data() : nullptr; }
  const double* fp64_inv_root_quotients() const {
    return has_fp64_tables() ? fp64_inv_root_quotients_.data() : nullptr;
  }

 private:
  std::size_t n_;
  int log_n_;
  Modulus q_;
  std::uint64_t psi_;
  U64Vector root_powers_, root_quotients_, inv_root_powers_, inv_root_quotients_;
  ShoupMultiplier inv_n_;
  using F64Vector = std::vector<double, AlignedAllocator<double>>;
  F64Vector fp64_roots_, fp64_root_quotients_, fp64_inv_roots_, fp64_inv_root_quotients_;
};

}  // namespace hnn
