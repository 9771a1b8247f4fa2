// Client-aided refresh of CKKS ciphertexts: the server hides a ciphertext's plaintext under a fresh uniform
// integer mask, the client (holder of the secret key) decrypts it to its exact integer coefficients and encrypts
// the same integer polynomial again at a higher level, and the server removes the mask. The result encrypts the
// same message (same slots, same scale) at the higher level with fresh noise. See docs/refresh.md for the
// protocol and the statistical bound that sizes the mask.
//
// Everything here is integer arithmetic: the client's path (decrypt, lift, encrypt) never rounds.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/decryptor.h"
#include "hnn/rlwe/encryptor.h"
#include "hnn/rlwe/plaintext.h"

namespace hnn::refresh {

/// Largest mask the engine samples, in bits (far above any modulus the HE Standard allows).
constexpr int kMaxMaskBits = 4096;

// --- Server side (public keys only).

/// A fresh mask r: an integer polynomial, each coefficient uniform in [-2^(bits-1), 2^(bits-1)) from an
/// OS-seeded stream (OpenSSL), stored at the top level in NTT form with scale 1. Its residues at level l are its
/// first l + 1 limbs; they represent r exactly wherever |r| < Q_l / 2, which apply_mask checks.
void sample_mask(const Context& ctx, int bits, Plaintext& out);

/// ct += Enc_pk(0) + (r, 0) at ct's level. The encryption of zero re-randomizes c_1 (which otherwise carries the
/// server's computation, e.g. c_1 w after a plaintext product) and r hides c_0 + c_1 s. Requires a size-2
/// ciphertext (relinearize first: c_2 could not be re-randomized) and log2 Q_level >= bits + 2 so that
/// m + e + r does not wrap modulo Q_level.
void apply_mask(const Context& ctx, const Encryptor& public_encryptor, const Plaintext& mask, int bits,
                Ciphertext& ct);

/// ct -= (r, 0) at ct's level (the first level + 1 limbs of the mask).
void remove_mask(const Context& ctx, const Plaintext& mask, Ciphertext& ct);

// --- Client side (secret key).

/// The integer polynomial of `plain` (NTT form, level l, coefficients taken centered modulo Q_l) at `level`
/// >= l: limbs 0 ... l are copied, limbs l + 1 ... level are the exact residues of the centered integers.
void lift_plaintext(const Context& ctx, const Plaintext& plain, std::size_t level, Plaintext& out);

/// Decrypts `in` (any level, size 2 or 3) to its exact integer polynomial and encrypts that polynomial with the
/// secret key (seeded: c_1 travels as 32 bytes) at `level` >= in.level(), keeping the scale. Wipes every
/// intermediate plaintext.
void reencrypt(const Context& ctx, const Decryptor& decryptor, const Encryptor& secret_encryptor,
               const Ciphertext& in, std::size_t level, Ciphertext& out);

/// The centered integer coefficients of `plain` (NTT form) divided by 2^shift and rounded down, into out[0, n).
/// Throws InvalidArgumentError if one does not fit 64 bits.
void integer_coefficients(const Context& ctx, const Plaintext& plain, unsigned shift, std::int64_t* out);

}  // namespace hnn::refresh
