// Decryption: m = c_0 + c_1 s (+ c_2 s^2), at the ciphertext's level and scale.
#pragma once
#include "hnn/rlwe/ciphertext.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/keys.h"
#include "hnn/rlwe/plaintext.h"

namespace hnn {

class Decryptor {
 public:
  Decryptor(ContextPtr context, const SecretKey& secret_key);
  void decrypt(const Ciphertext& ct, Plaintext& out) const;

 private:
  ContextPtr ctx_;
  SecretKey sk_;  // a copy, wiped with the decryptor
};

}  // namespace hnn
