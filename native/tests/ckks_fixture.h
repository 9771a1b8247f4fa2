// Shared set-up for the CKKS tests: a context with keys, random inputs, error measurement.
#pragma once
#include <cmath>
#include <complex>
#include <memory>
#include <random>
#include <vector>

#include "hnn/ckks/encoder.h"
#include "hnn/ckks/evaluator.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/decryptor.h"
#include "hnn/rlwe/encryptor.h"
#include "hnn/rlwe/key_generator.h"

namespace hnn_test {

struct CkksSetup {
  hnn::ContextPtr ctx;
  std::unique_ptr<hnn::KeyGenerator> keygen;
  hnn::PublicKey pk;
  hnn::RelinKeys rk;
  std::unique_ptr<hnn::CkksEncoder> encoder;
  std::unique_ptr<hnn::Encryptor> encryptor;
  std::unique_ptr<hnn::Decryptor> decryptor;
  std::unique_ptr<hnn::CkksEvaluator> evaluator;
  double scale;

  CkksSetup(std::size_t n, const std::vector<int>& bits, hnn::SecurityLevel security = hnn::SecurityLevel::kClassical128,
            std::size_t special = 1, double scale_bits = 40) {
    hnn::EncryptionParameters p(n);
    p.set_coeff_modulus(hnn::coeff_modulus::create(n, bits));
    p.set_special_prime_count(special);
    ctx = hnn::Context::create(p, security);
    keygen = std::make_unique<hnn::KeyGenerator>(ctx);
    keygen->create_public_key(pk);
    keygen->create_relin_keys(rk);
    encoder = std::make_unique<hnn::CkksEncoder>(ctx);
    encryptor = std::make_unique<hnn::Encryptor>(ctx, pk, keygen->secret_key());
    decryptor = std::make_unique<hnn::Decryptor>(ctx, keygen->secret_key());
    evaluator = std::make_unique<hnn::CkksEvaluator>(ctx);
    scale = std::ldexp(1.0, static_cast<int>(scale_bits));
  }

  hnn::Ciphertext encrypt(const std::vector<double>& v) const {
    hnn::Plaintext pt;
    encoder->encode(v, scale, ctx->max_level(), pt);
    hnn::Ciphertext ct;
    encryptor->encrypt(pt, ct);
    return ct;
  }
  std::vector<double> decrypt(const hnn::Ciphertext& ct) const {
    hnn::Plaintext pt;
    decryptor->decrypt(ct, pt);
    std::vector<double> out;
    encoder->decode(pt, out);
    return out;
  }
};

inline std::vector<double> random_vector(std::size_t n, std::mt19937_64& rng, double lo = -1, double hi = 1) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

inline double max_abs_error(const std::vector<double>& got, const std::vector<double>& want) {
  double e = 0;
  for (std::size_t i = 0; i < want.size(); ++i) e = std::max(e, std::fabs(got[i] - want[i]));
  return e;
}

}  // namespace hnn_test
