// Encryption parameters of RNS-CKKS: ring degree N and the coefficient modulus, a chain of primes
// q_0 ... q_L (the data primes, q_L dropped first) followed by the special primes P that only key switching
// uses. Like SEAL's, the last primes of the list are the special ones (one by default).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hnn/ring/modulus.h"

namespace hnn {

/// SHA-256 of the canonical encoding of the parameters: binds keys, plaintexts and ciphertexts to them.
using ParamsHash = std::array<std::uint8_t, 32>;

/// Security level of the Homomorphic Encryption Standard (classical attacks, uniform ternary secret).
enum class SecurityLevel {
  kNone = 0,         // no check: for tests with toy parameters only
  kClassical128 = 128,
};

class EncryptionParameters {
 public:
  EncryptionParameters() = default;
  explicit EncryptionParameters(std::size_t poly_modulus_degree) : n_(poly_modulus_degree) {}

  void set_poly_modulus_degree(std::size_t n) { n_ = n; }
  /// Data primes first (q_0 first), special primes last.
  void set_coeff_modulus(std::vector<Modulus> primes) { primes_ = std::move(primes); }
  /// How many of the last primes are special (key-switching) primes; 1 by default. With k special primes,
  /// key switching decomposes the data primes into digits of k primes each.
  void set_special_prime_count(std::size_t k) { special_ = k; }

  std::size_t poly_modulus_degree() const { return n_; }
  const std::vector<Modulus>& coeff_modulus() const { return primes_; }
  std::size_t special_prime_count() const { return special_; }
  std::size_t data_prime_count() const { return primes_.size() >= special_ ? primes_.size() - special_ : 0; }

  /// Total bit count of the whole modulus including special primes (what the security bound limits).
  int total_coeff_modulus_bits() const;
  ParamsHash hash() const;
  /// Human-readable summary, e.g. "N=16384, log2 Q=360 (60+40x6 | special 60)".
  std::string describe() const;

  bool operator==(const EncryptionParameters& o) const {
    return n_ == o.n_ && primes_ == o.primes_ && special_ == o.special_;
  }

 private:
  std::size_t n_ = 0;
  std::vector<Modulus> primes_;
  std::size_t special_ = 1;
};

namespace coeff_modulus {
/// NTT-friendly primes of the given bit sizes (q = 1 mod 2N), distinct, largest first for each size.
std::vector<Modulus> create(std::size_t poly_modulus_degree, const std::vector<int>& bit_sizes);
/// Largest total modulus bit count the HE Standard allows at 128-bit classical security for a uniform
/// ternary secret: 27, 54, 109, 218, 438, 881, 1772 for N = 2^10 ... 2^16; 0 for other N.
int max_bit_count(std::size_t poly_modulus_degree, SecurityLevel level = SecurityLevel::kClassical128);
}  // namespace coeff_modulus

}  // namespace hnn
