// Private: exact integer view of RNS coefficients, with no floating point anywhere. A coefficient given by its
// residues modulo q_0 ... q_l is an integer x with |x| < Q_l / 2 (the centered representative); the
// client-aided refresh needs that integer itself, to re-encrypt it modulo more primes. The CRT composer of the
// decoder ends in a double; this one keeps every bit.
//
// Method: mixed-radix digits (Garner): x mod Q = a_0 + a_1 q_0 + a_2 q_0 q_1 + ..., 0 <= a_i < q_i, computed
// with modular arithmetic only. The sign of the centered value comes from comparing the digits with those of
// (Q - 1) / 2; the residue modulo any other prime p is a Horner evaluation of the digits modulo p.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/ring/modulus.h"

namespace hnn::detail {

class ExactLift {
 public:
  /// `from`: the primes the residues are given in (q_0 ... q_l); `to`: primes to produce residues for.
  ExactLift(const std::vector<Modulus>& from, const std::vector<Modulus>& to);

  /// Residues modulo every `to` prime of the centered integer whose residues modulo the `from` primes are
  /// residues[i * stride] (i = 0 ... l). out[j * out_stride] receives the residue modulo to[j].
  void lift(const std::uint64_t* residues, std::size_t stride, std::uint64_t* out, std::size_t out_stride) const;

  /// The centered integer divided by 2^shift, rounded down (floor). Throws InvalidArgumentError if the result
  /// does not fit in 64 bits (the message names the shift to use, never the value).
  std::int64_t shifted(const std::uint64_t* residues, std::size_t stride, unsigned shift) const;

  std::size_t from_count() const { return from_.size(); }

 private:
  /// Mixed-radix digits of the residues; returns whether the centered value is negative.
  bool digits(const std::uint64_t* residues, std::size_t stride, std::uint64_t* a) const;

  std::vector<Modulus> from_, to_;
  std::vector<std::uint64_t> inv_prefix_;     // (q_0 ... q_(i-1))^-1 mod q_i
  std::vector<std::uint64_t> q_mod_from_;     // q_j mod q_i at [i * k + j]
  std::vector<std::uint64_t> half_digits_;    // mixed-radix digits of (Q - 1) / 2
  std::vector<std::uint64_t> q_mod_to_;       // q_j mod to_t at [t * k + j]
  std::vector<std::uint64_t> big_q_mod_to_;   // Q mod to_t
  std::vector<std::uint64_t> big_q_words_;    // Q as little-endian 64-bit words
};

}  // namespace hnn::detail
