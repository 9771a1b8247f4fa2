// Key material. All polynomials are in NTT form over the data primes and, where key switching needs them,
// the special primes. The secret key lives in memory that is wiped when freed, and is never printed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/parameters.h"
#include "hnn/util/memory.h"
#include "hnn/util/random.h"

namespace hnn {

/// Uniform ternary secret s, over all primes (data and special), NTT form.
class SecretKey {
 public:
  SecretKey() = default;
  void resize(const ParamsHash& params, std::size_t n, std::size_t limbs);
  std::size_t n() const { return n_; }
  std::size_t limb_count() const { return limbs_; }
  const ParamsHash& params_hash() const { return params_; }
  bool empty() const { return n_ == 0; }
  std::uint64_t* limb(std::size_t i) { return data_.data() + i * n_; }
  const std::uint64_t* limb(std::size_t i) const { return data_.data() + i * n_; }
  std::uint64_t* data() { return data_.data(); }
  const std::uint64_t* data() const { return data_.data(); }
  std::size_t word_count() const { return data_.size(); }
  /// Overwrites and releases the key now (the destructor does the same).
  void wipe();

 private:
  ParamsHash params_{};
  std::size_t n_ = 0, limbs_ = 0;
  SecretU64Vector data_;
};

/// An encryption of zero under s at the top level: (b, a) = (-a s + e, a).
class PublicKey {
 public:
  Ciphertext& data() { return ct_; }
  const Ciphertext& data() const { return ct_; }
  const ParamsHash& params_hash() const { return ct_.params_hash(); }
  bool empty() const { return ct_.empty(); }

 private:
  Ciphertext ct_;
};

/// Hybrid key-switching key from s' to s: for each digit j of data primes, (b_j, a_j) over Q_L P with
/// b_j = -a_j s + e_j + P [Q/Q_j]^-1_{Q_j} (Q/Q_j) s'. Every a_j is expanded from `seed`, so serialization
/// sends the seed instead of the a_j.
///
/// A key may be restricted to a level l < L: it then holds only the digits in use at level l and, of each, the
/// limbs of q_0 .. q_l and of the special primes. Modulo every prime the gadget is P or 0, so these limbs are
/// exactly the full key's, and the key serves every ciphertext at level l or below (a circuit that works below a
/// bootstrapper's output level needs no more): at N = 2^16 with 27 data primes, a key for level 12 takes a third
/// of the memory.
class KeySwitchKey {
 public:
  KeySwitchKey() = default;
  /// Zeroed storage for `digits` pairs (b_j, a_j) of `limbs` limbs of n. Limb i with narrow[i] (its prime is
  /// below 2^32; empty: none) is stored as 32-bit words: half the memory, and half the bytes key switching
  /// streams from memory for that limb. `skipped` is the number of the context's top data primes the key
  /// leaves out (a key restricted to a level; then limbs - `specials` are data limbs).
  void resize(const ParamsHash& params, std::size_t n, std::size_t digits, std::size_t limbs,
              const std::vector<bool>& narrow = {}, std::size_t skipped = 0, std::size_t specials = 0);

  std::size_t n() const { return n_; }
  std::size_t digit_count() const { return digits_; }
  std::size_t limb_count() const { return limbs_; }
  const ParamsHash& params_hash() const { return params_; }
  bool empty() const { return n_ == 0; }
  /// How many of the context's top data primes the key leaves out: its level is the context's top level minus
  /// this (0 for a key of every level).
  std::size_t skipped_primes() const { return skipped_; }
  /// The key's limb for the context's prime `pi` (data primes, then special primes), which the key must hold.
  std::size_t limb_of_prime(std::size_t pi) const { return pi < first_gap_ ? pi : pi - skipped_; }

  /// Whether limb i is stored as 32-bit words.
  bool narrow(std::size_t i) const { return narrow_[i]; }
  /// Limb i of polynomial p (0 = b, 1 = a) of digit j: wide_limb for a 64-bit limb, narrow_limb for a 32-bit one.
  const std::uint64_t* wide_limb(std::size_t digit, std::size_t p, std::size_t i) const {
    return data_.data() + word_offset(digit, p, i);
  }
  const std::uint32_t* narrow_limb(std::size_t digit, std::size_t p, std::size_t i) const {
    return reinterpret_cast<const std::uint32_t*>(data_.data() + word_offset(digit, p, i));
  }
  /// Copies n residues into limb i of polynomial p of digit j (below 2^32 for a narrow limb) / out of it.
  void set_limb(std::size_t digit, std::size_t p, std::size_t i, const std::uint64_t* values);
  void get_limb(std::size_t digit, std::size_t p, std::size_t i, std::uint64_t* out) const;
  /// Bytes the key's storage takes: its limbs, each followed by a few cache lines of skew (memory.h,
  /// skewed_stride).
  std::size_t byte_count() const { return data_.size() * sizeof(std::uint64_t); }

  /// Whether every a_j is the expansion of seed() (keys from the generator; loaded seed-compressed keys).
  bool has_seed() const { return has_seed_; }
  const Seed& seed() const { return seed_; }
  void set_seed(const Seed& s) {
    seed_ = s;
    has_seed_ = true;
  }

 private:
  std::size_t word_offset(std::size_t digit, std::size_t p, std::size_t i) const {
    return (digit * 2 + p) * poly_words_ + limb_offset_[i];
  }
  ParamsHash params_{};
  std::size_t n_ = 0, digits_ = 0, limbs_ = 0;
  std::size_t skipped_ = 0, first_gap_ = 0;  // limbs [first_gap_, limbs_) are the special primes' when skipped_ > 0
  std::vector<bool> narrow_;
  std::vector<std::size_t> limb_offset_;  // in 64-bit words from the start of a polynomial
  std::size_t poly_words_ = 0;
  U64Vector data_;
  Seed seed_{};
  bool has_seed_ = false;
};

/// Key switching from s^2 to s.
class RelinKeys {
 public:
  KeySwitchKey& key() { return key_; }
  const KeySwitchKey& key() const { return key_; }
  const ParamsHash& params_hash() const { return key_.params_hash(); }
  bool empty() const { return key_.empty(); }

 private:
  KeySwitchKey key_;
};

/// Key switching from s(X^g) to s, one key per Galois element g.
class GaloisKeys {
 public:
  bool has_key(std::uint64_t galois_elt) const { return keys_.count(galois_elt) != 0; }
  /// Throws MissingKeyError naming the element (and the rotation step, if given) when absent.
  const KeySwitchKey& key(std::uint64_t galois_elt) const;
  KeySwitchKey& insert(std::uint64_t galois_elt) { return keys_[galois_elt]; }
  const std::map<std::uint64_t, KeySwitchKey>& keys() const { return keys_; }
  std::size_t size() const { return keys_.size(); }

 private:
  std::map<std::uint64_t, KeySwitchKey> keys_;
};

}  // namespace hnn
