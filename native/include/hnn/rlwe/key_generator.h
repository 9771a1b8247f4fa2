// Generates the secret key and the keys derived from it: the public key, the relinearization key and
// Galois keys for chosen rotations (generate only those a circuit needs: each costs a full key-switching key).
#pragma once
#include <cstdint>
#include <vector>

#include "hnn/rlwe/context.h"
#include "hnn/rlwe/key_shape.h"
#include "hnn/rlwe/keys.h"

namespace hnn {

/// The uniform polynomial a_j of digit j of a key-switching key serving levels up to `level`, on its primes
/// (switch_key_primes, in that order), NTT form, expanded from the key's seed (stream digit * prime_count + the
/// prime's index in the context, so a key's limbs do not depend on its level). Serialization uses it to rebuild
/// keys from their seeds.
void expand_switch_key_a(const Context& ctx, const Seed& seed, std::size_t digit, std::size_t level,
                         std::uint64_t* out);

class KeyGenerator {
 public:
  /// Samples a fresh uniform ternary secret key.
  explicit KeyGenerator(ContextPtr context);
  /// Derives further keys from an existing secret key (validated against the context).
  KeyGenerator(ContextPtr context, const SecretKey& secret_key);

  const SecretKey& secret_key() const { return sk_; }
  void create_public_key(PublicKey& out) const;
  void create_relin_keys(RelinKeys& out) const;
  /// Keys for rotations by each step (positive: left) and, if asked, for complex conjugation.
  void create_galois_keys(const std::vector<long long>& steps, bool conjugation, GaloisKeys& out) const;
  /// Keys for explicit Galois elements (odd, below 2N), serving ciphertexts at levels up to `max_level` (the
  /// top level by default; a lower level makes smaller keys, see KeySwitchKey). An element `out` already has a
  /// key for, at that level or above, keeps its key.
  void create_galois_keys_for_elements(const std::vector<std::uint64_t>& elements, GaloisKeys& out) const;
  void create_galois_keys_for_elements(const std::vector<std::uint64_t>& elements, std::size_t max_level,
                                       GaloisKeys& out) const;
  /// Key switching from `other` (another secret key of this context) to this generator's secret: for changing
  /// keys, e.g. bootstrapping's sparse-secret encapsulation (hnn/boot/sparse_secret.h).
  void create_switch_key_from(const SecretKey& other, KeySwitchKey& out) const;

 private:
  void create_switch_key(const std::uint64_t* new_key_ntt, std::size_t level, KeySwitchKey& out) const;
  ContextPtr ctx_;
  SecretKey sk_;
};

}  // namespace hnn
