#include "hnn/rlwe/decryptor.h"

#include "hnn/ring/poly_arith.h"
#include "hnn/util/thread_pool.h"

namespace hnn {

Decryptor::Decryptor(ContextPtr context, const SecretKey& secret_key) : ctx_(std::move(context)) {
  if (!ctx_) throw InvalidArgumentError("context is null");
  if (secret_key.empty() || secret_key.params_hash() != ctx_->params_hash() ||
      secret_key.limb_count() != ctx_->prime_count())
    throw IncompatibleObjectsError("the secret key belongs to other encryption parameters");
  sk_ = secret_key;
}

void Decryptor::decrypt(const Ciphertext& ct, Plaintext& out) const {
  const Context& ctx = *ctx_;
  if (ct.empty()) throw InvalidArgumentError("ciphertext is empty");
  if (ct.params_hash() != ctx.params_hash() || ct.n() != ctx.n() || ct.level() > ctx.max_level())
    throw IncompatibleObjectsError("the ciphertext belongs to other encryption parameters");
  if (ct.size() < 2 || ct.size() > 3) throw InvalidArgumentError("ciphertext size must be 2 or 3");
  const std::size_t n = ctx.n(), limbs = ct.level() + 1;
  Plaintext p;
  p.allocate(ctx.params_hash(), n, ct.level());
  parallel_for(0, limbs, [&](std::size_t i) {
    const Modulus& q = ctx.prime(i);
    std::uint64_t* m = p.limb(i);
    // Horner in s: ((c_2 s + c_1) s + c_0), one fused pass per step.
    const std::uint64_t* acc = ct.limb(ct.size() - 1, i);
    for (std::size_t k = ct.size() - 1; k-- > 0;) {
      mul_add_mod(acc, sk_.limb(i), ct.limb(k, i), m, n, q);
      acc = m;
    }
  });
  p.set_scale(ct.scale());
  out = std::move(p);
}

}  // namespace hnn
