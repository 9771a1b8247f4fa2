// Encryption of plaintexts (NTT form, any level) with the public key or with the secret key. Symmetric
// encryption expands c_1 from a fresh seed, so a serialized symmetric ciphertext is half the size.
#pragma once
#include <optional>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/keys.h"
#include "hnn/rlwe/plaintext.h"

namespace hnn {

/// c_1 of a symmetric ciphertext at `level` (level + 1 limbs, NTT form), expanded from its seed (stream i for
/// limb i, so the expansion does not depend on the level).
void expand_symmetric_c1(const Context& ctx, const Seed& seed, std::size_t level, std::uint64_t* out);
/// Limb i alone of that expansion (each limb has its own stream).
void expand_symmetric_c1_limb(const Context& ctx, const Seed& seed, std::size_t i, std::uint64_t* out);

class Encryptor {
 public:
  Encryptor(ContextPtr context, const PublicKey& public_key);
  Encryptor(ContextPtr context, const SecretKey& secret_key);
  Encryptor(ContextPtr context, const PublicKey& public_key, const SecretKey& secret_key);

  /// With the public key: (pk_0 u + e_0 + m, pk_1 u + e_1).
  void encrypt(const Plaintext& plain, Ciphertext& out) const;
  /// With the secret key: (-a s + e + m, a), a expanded from a fresh seed.
  void encrypt_symmetric(const Plaintext& plain, Ciphertext& out) const;
  /// Encryption of zero at a level (public key).
  void encrypt_zero(std::size_t level, Ciphertext& out) const;

 private:
  ContextPtr ctx_;
  std::optional<PublicKey> pk_;  // copies: an encryptor outlives the caller's key objects safely
  std::optional<SecretKey> sk_;
};

}  // namespace hnn
