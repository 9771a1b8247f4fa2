// Hybrid key switching (Cheon-Han-Kim-Kim-Song 2018; Han-Ki 2020): lifts a polynomial d mod Q_l to Q_l P
// digit by digit ("mod up"), takes the inner product with a key-switching key, and divides by P ("mod down").
// The lifted digits do not depend on the key, so several rotations of one ciphertext share them (hoisting):
// an automorphism is a permutation in the NTT domain and is applied to the lifted digits directly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/rlwe/context.h"
#include "hnn/rlwe/keys.h"
#include "hnn/util/memory.h"

namespace hnn {

/// The digits of a polynomial at some level, each over the extended base Q_level P, NTT form.
struct LiftedDigits {
  std::size_t level = 0;
  std::size_t digits = 0;
  std::size_t limbs = 0;  // level + 1 + special primes
  std::size_t n = 0;
  RawU64Vector data;      // [digit][limb][n], digits digit_words() apart
  /// Words from one digit to the next: its limbs and a skew (memory.h, skewed_stride), because the inner product
  /// streams one limb of every digit at once.
  std::size_t digit_words() const { return skewed_stride(limbs * n, 5); }
  const std::uint64_t* limb(std::size_t digit, std::size_t i) const { return data.data() + digit * digit_words() + i * n; }
  std::uint64_t* limb(std::size_t digit, std::size_t i) { return data.data() + digit * digit_words() + i * n; }
};

/// The result of the inner product with a key, over Q_level P, before the division by P: two polynomials.
struct ExtendedPair {
  std::size_t level = 0;
  std::size_t limbs = 0;  // level + 1 + special primes
  std::size_t n = 0;
  RawU64Vector data;      // [poly][limb][n]
  std::uint64_t* limb(std::size_t poly, std::size_t i) { return data.data() + (poly * limbs + i) * n; }
  const std::uint64_t* limb(std::size_t poly, std::size_t i) const { return data.data() + (poly * limbs + i) * n; }
};

class KeySwitcher {
 public:
  explicit KeySwitcher(ContextPtr context) : ctx_(std::move(context)) {}

  /// Lifts d (level + 1 limbs, NTT form) into digits over Q_level P.
  void lift(const std::uint64_t* d, std::size_t level, LiftedDigits& out) const;

  /// Inner product of d's digits with `key` without keeping the lifted digits: each limb of Q_level P is
  /// converted, transformed and multiplied while it is hot in cache, so the key is the only large stream.
  /// With an automorphism `perm` (nullptr for none) the result is that of sigma(d), whose digits are the
  /// permuted digits of d (d's limbs are permuted once). For one key switch of one polynomial; hoisted
  /// rotations lift once with lift() and call inner_product() per key.
  void inner_product_direct(const std::uint64_t* d, std::size_t level, const KeySwitchKey& key,
                            const std::uint32_t* perm, ExtendedPair& out) const;

  /// Inner product of the lifted digits with `key`, optionally after the automorphism with NTT permutation
  /// `perm` (nullptr for none), over Q_level P.
  void inner_product(const LiftedDigits& digits, const KeySwitchKey& key, const std::uint32_t* perm,
                     ExtendedPair& out) const;

  /// sum_k of the inner product of the digits after automorphism perms[k] (nullptr for none) with keys[k], in
  /// one reduction: a sum of rotations of one ciphertext then needs one lift and one mod_down in all (Bossuat,
  /// Mouchet, Troncoso-Pastoriza, Hubaux 2021: hoisting with the division by P done once, after the sum).
  /// At most kMaxDotProductTerms / digits keys.
  void inner_product_sum(const LiftedDigits& digits, const std::vector<const KeySwitchKey*>& keys,
                         const std::vector<const std::uint32_t*>& perms, ExtendedPair& out) const;

  /// (out0, out1) = (base0, base1) + acc / P (rounded), level + 1 limbs, NTT form. A base may be its output
  /// (the key switch accumulates into it) or nullptr (nothing is read: out = acc / P), so callers need neither
  /// copy their input polynomials into the result first nor clear it.
  void mod_down(const ExtendedPair& acc, const std::uint64_t* base0, const std::uint64_t* base1,
                std::uint64_t* out0, std::uint64_t* out1) const;

  /// Relinearize-and-rescale in one division: out_k = (P c_k + acc_k) / (P q_level), for the size-2 part
  /// (c0, c1) of a product at `acc.level` >= 1. out0/out1: level limbs (one level down), NTT form. Saves the
  /// separate rescale's transforms.
  void mod_down_rescale(const ExtendedPair& acc, const std::uint64_t* c0, const std::uint64_t* c1,
                        std::uint64_t* out0, std::uint64_t* out1) const;

  /// inner_product then mod_down (bases as there).
  void apply(const LiftedDigits& digits, const KeySwitchKey& key, const std::uint32_t* perm,
             const std::uint64_t* base0, const std::uint64_t* base1, std::uint64_t* out0, std::uint64_t* out1) const;

  /// Both steps: (out0, out1) = (base0, base1) + key-switch of d (bases as in mod_down).
  void switch_key(const std::uint64_t* d, std::size_t level, const KeySwitchKey& key, const std::uint64_t* base0,
                  const std::uint64_t* base1, std::uint64_t* out0, std::uint64_t* out1) const;

 private:
  void mod_down_rescale_one_special(const ExtendedPair& acc, const std::uint64_t* c0, const std::uint64_t* c1,
                                    std::uint64_t* out0, std::uint64_t* out1) const;
  ContextPtr ctx_;
};

}  // namespace hnn
