// Sparse ternary secrets: exactly h coefficients in {-1, 1}, at uniformly random positions with uniform signs.
// Bootstrapping's ModRaise leaves t = m + q_0 I with |I| about sqrt(h / 12) standard deviations, so a sparse
// secret keeps EvalMod's interval [-K, K] small. A sparse secret over the whole modulus is not covered by the
// HE Standard's table; sparse_secret_encapsulation.h uses one only at a small modulus.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/keys.h"

namespace hnn::boot {

/// A fresh sparse ternary secret of Hamming weight h over all primes of `ctx` (NTT form), from OpenSSL's CSPRNG.
void create_sparse_secret_key(const Context& ctx, std::size_t hamming_weight, SecretKey& out);

/// Re-expresses `sk` (a ternary secret of `from`) over the primes of `to` (same N). For moving one secret
/// between a large and a small modulus.
void convert_secret_key(const Context& from, const SecretKey& sk, const Context& to, SecretKey& out);

/// Sparse-secret encapsulation (Bossuat, Troncoso-Pastoriza, Hubaux 2022): the circuit runs under a dense uniform
/// ternary secret s, as the HE Standard assumes; only for ModRaise is a level-0 ciphertext switched to a sparse
/// secret s' (weight h) modulo the small modulus q_0 p (p the first special prime), where the sparse secret's
/// security is argued, raised, and switched back to s at the top level. |I| then follows s' (sqrt(h / 12)
/// standard deviations) instead of s (sqrt(N / 18)), so EvalMod's interval stays [-K, K] with K = 12.
///
/// Built by the secret-key holder; afterwards it holds only public key-switching keys.
class SparseSecretEncapsulation {
 public:
  /// Hamming weight of s' that the failure bound in docs/bootstrapping.md is computed for.
  static constexpr std::size_t kDefaultHammingWeight = 32;

  /// Samples s' and creates both keys from the dense secret `sk` of `ctx`. The small context is checked at
  /// `security` (tests with toy N pass SecurityLevel::kNone).
  SparseSecretEncapsulation(ContextPtr ctx, const SecretKey& sk, std::size_t hamming_weight = kDefaultHammingWeight,
                            SecurityLevel security = SecurityLevel::kClassical128);

  const ContextPtr& small_context() const { return small_; }
  std::size_t hamming_weight() const { return weight_; }
  /// Bytes of the two keys (s -> s' modulo q_0 p, s' -> s modulo Q_L P).
  std::size_t key_bytes() const { return to_sparse_.byte_count() + to_dense_.byte_count(); }

  /// ModRaise through s': `in` at level 0 under s -> `out` at `level` under s, decrypting to 2^shift (m + q_0 I)
  /// with I bounded through s'. The exact multiplication by 2^shift comes before the switch back to s, so that
  /// switch's additive noise (about sqrt(N digits) sigma in each coefficient, q_0^-1 2^-shift relative to one
  /// unit of x = t / q_0) does not reach EvalMod's input at full size: without it, at N = 2^16, it cost 3 bits.
  void mod_raise(const Ciphertext& in, std::size_t level, int shift, Ciphertext& out) const;

  /// The two public keys, for a party that holds no secret (a server): "HNNE", u16 version, u16 zero, u32 Hamming
  /// weight, then each key as a length-prefixed (u64) relinearization-key blob of serialization.h -- s -> s'
  /// over the small context, s' -> s over the context -- and a CRC-32 of everything before it. The keys reuse
  /// the engine's key codec (seed compression, checksums, parameter hashes, range checks) rather than a format
  /// of their own; the relinearization-key type is only their container.
  std::vector<std::uint8_t> save() const;
  /// Loads what save() wrote for `ctx`, checking the small context at `security` (the level `ctx` was checked
  /// at). Throws CorruptDataError for truncated or altered bytes (every key is validated against its context:
  /// N, primes, digits, ranges) and IncompatibleObjectsError for keys of other parameters.
  static SparseSecretEncapsulation load(ContextPtr ctx, const std::uint8_t* data, std::size_t size,
                                        SecurityLevel security = SecurityLevel::kClassical128);

 private:
  SparseSecretEncapsulation(ContextPtr ctx, ContextPtr small, std::size_t hamming_weight);
  /// The 2-prime context q_0 p (p the first special prime of `c`) where s' lives.
  static ContextPtr small_context_for(const Context& c, SecurityLevel security);

  ContextPtr ctx_, small_;
  std::size_t weight_;
  KeySwitchKey to_sparse_;  // over the small context
  KeySwitchKey to_dense_;   // over ctx
};

}  // namespace hnn::boot
