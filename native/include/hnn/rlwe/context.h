// The validated, precomputed form of encryption parameters, shared (immutable, thread-safe) by every object
// that works with them. Creating a context checks the parameters against the HE Standard's bound unless
// the caller explicitly opts out with SecurityLevel::kNone.
//
// Levels: a ciphertext at level l lives modulo Q_l = q_0 ... q_l; the top level is L = data primes - 1.
// Key switching decomposes the data primes into digits of k primes (k = number of special primes); digit j
// holds primes j*k ... j*k + k - 1.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "hnn/ring/ntt.h"
#include "hnn/ring/rns.h"
#include "hnn/rlwe/parameters.h"

namespace hnn {

class Context {
 public:
  /// Validates and precomputes. Throws InvalidParametersError with the reason and a fix.
  static std::shared_ptr<const Context> create(const EncryptionParameters& params,
                                               SecurityLevel security = SecurityLevel::kClassical128);

  const EncryptionParameters& parameters() const { return params_; }
  const ParamsHash& params_hash() const { return hash_; }
  SecurityLevel security_level() const { return security_; }
  std::size_t n() const { return n_; }
  std::size_t slot_count() const { return n_ / 2; }
  std::size_t max_level() const { return data_count_ - 1; }
  std::size_t data_prime_count() const { return data_count_; }
  std::size_t special_prime_count() const { return special_count_; }
  std::size_t prime_count() const { return primes_.size(); }
  /// Per prime (data, then special): whether it is below 2^32, so that key-switching keys store its limbs as
  /// 32-bit words (KeySwitchKey::resize).
  std::vector<bool> narrow_key_limbs() const {
    std::vector<bool> narrow(primes_.size());
    for (std::size_t i = 0; i < primes_.size(); ++i) narrow[i] = primes_[i].value() < (std::uint64_t{1} << 32);
    return narrow;
  }
  /// All primes: data primes, then special primes.
  const std::vector<Modulus>& primes() const { return primes_; }
  const Modulus& prime(std::size_t i) const { return primes_[i]; }
  const NttTables& ntt(std::size_t prime_index) const { return *ntt_[prime_index]; }

  /// Bits of Q_l = q_0 ... q_l.
  double log2_modulus_at(std::size_t level) const { return log2_q_at_[level]; }

  // --- Rescaling: q_l^-1 mod q_i for i < l.
  const ShoupMultiplier& inv_last_prime(std::size_t level, std::size_t i) const {
    return inv_last_[level][i];
  }

  // --- Key switching (hybrid, Han-Ki 2020 style decomposition into digits of k primes).
  std::size_t digit_count() const { return digit_count_; }
  /// Number of digits in use at `level`.
  std::size_t digit_count_at(std::size_t level) const { return level / special_count_ + 1; }
  /// The digit data prime i belongs to.
  std::size_t digit_of(std::size_t i) const { return i / special_count_; }
  /// Primes [begin, end) of digit j at `level`.
  std::size_t digit_begin(std::size_t j) const { return j * special_count_; }
  std::size_t digit_end(std::size_t j, std::size_t level) const {
    std::size_t e = (j + 1) * special_count_;
    return e > level + 1 ? level + 1 : e;
  }
  /// Converts digit j (its primes at `level`) to the other primes of Q_level followed by the special primes.
  const BaseConverter& mod_up_converter(std::size_t level, std::size_t digit) const {
    return *mod_up_[level][digit];
  }
  /// Converts the special primes to the data primes of Q_level.
  const BaseConverter& mod_down_converter(std::size_t level) const { return *mod_down_[level]; }
  /// Converts {q_level} then the special primes to q_0 ... q_(level-1) (fused mod-down and rescale), level >= 1.
  const BaseConverter& mod_down_rescale_converter(std::size_t level) const { return *mod_down_rescale_[level]; }
  /// (P q_level)^-1 mod q_i for i < level.
  const ShoupMultiplier& inv_special_times_last(std::size_t level, std::size_t i) const {
    return inv_p_last_[level][i];
  }
  /// P^-1 mod q_i.
  const ShoupMultiplier& inv_special_product(std::size_t i) const { return inv_p_[i]; }
  /// P mod q_i (key generation).
  std::uint64_t special_product_mod(std::size_t i) const { return p_mod_[i]; }
  /// Index in primes() of limb `i` of the extended base Q_level P (data limbs, then special limbs).
  std::size_t extended_prime_index(std::size_t level, std::size_t i) const {
    return i <= level ? i : data_count_ + (i - level - 1);
  }

  /// NTT-domain permutation of a Galois element (computed once, cached).
  const std::vector<std::uint32_t>& galois_permutation(std::uint64_t galois_elt) const;

 private:
  explicit Context(const EncryptionParameters& params, SecurityLevel security);

  EncryptionParameters params_;
  SecurityLevel security_;
  ParamsHash hash_{};
  std::size_t n_ = 0, data_count_ = 0, special_count_ = 0, digit_count_ = 0;
  std::vector<Modulus> primes_;
  std::vector<std::unique_ptr<NttTables>> ntt_;
  std::vector<double> log2_q_at_;
  std::vector<std::vector<ShoupMultiplier>> inv_last_;
  std::vector<std::vector<std::unique_ptr<BaseConverter>>> mod_up_;
  std::vector<std::unique_ptr<BaseConverter>> mod_down_;
  std::vector<std::unique_ptr<BaseConverter>> mod_down_rescale_;
  std::vector<std::vector<ShoupMultiplier>> inv_p_last_;
  std::vector<ShoupMultiplier> inv_p_;
  std::vector<std::uint64_t> p_mod_;
  mutable std::mutex galois_mu_;
  mutable std::map<std::uint64_t, std::vector<std::uint32_t>> galois_perms_;
};

using ContextPtr = std::shared_ptr<const Context>;

}  // namespace hnn
