#include "hnn/rlwe/encryptor.h"

#include <string>

#include "hnn/ring/poly_arith.h"
#include "hnn/ring/sampler.h"
#include "hnn/util/thread_pool.h"
#include "sampling.h"

namespace hnn {

void expand_symmetric_c1(const Context& ctx, const Seed& seed, std::size_t level, std::uint64_t* out) {
  parallel_for(0, level + 1, [&](std::size_t i) { expand_symmetric_c1_limb(ctx, seed, i, out + i * ctx.n()); });
}

void expand_symmetric_c1_limb(const Context& ctx, const Seed& seed, std::size_t i, std::uint64_t* out) {
  SeededStream stream(seed, i);
  sample_uniform(stream, ctx.prime(i), out, ctx.n());
}

namespace {

void check_plain(const Context& ctx, const Plaintext& p) {
  if (p.empty()) throw InvalidArgumentError("plaintext is empty: encode a value first");
  if (p.params_hash() != ctx.params_hash() || p.n() != ctx.n() || p.level() > ctx.max_level())
    throw IncompatibleObjectsError("the plaintext belongs to other encryption parameters");
}

}  // namespace

Encryptor::Encryptor(ContextPtr context, const PublicKey& public_key) : ctx_(std::move(context)) {
  if (!ctx_) throw InvalidArgumentError("context is null");
  if (public_key.empty() || public_key.params_hash() != ctx_->params_hash() ||
      public_key.data().level() != ctx_->max_level() || public_key.data().size() != 2)
    throw IncompatibleObjectsError("the public key belongs to other encryption parameters");
  pk_ = public_key;
}

Encryptor::Encryptor(ContextPtr context, const SecretKey& secret_key) : ctx_(std::move(context)) {
  if (!ctx_) throw InvalidArgumentError("context is null");
  if (secret_key.empty() || secret_key.params_hash() != ctx_->params_hash() ||
      secret_key.limb_count() != ctx_->prime_count())
    throw IncompatibleObjectsError("the secret key belongs to other encryption parameters");
  sk_ = secret_key;
}

Encryptor::Encryptor(ContextPtr context, const PublicKey& public_key, const SecretKey& secret_key)
    : Encryptor(context, public_key) {
  if (secret_key.empty() || secret_key.params_hash() != ctx_->params_hash() ||
      secret_key.limb_count() != ctx_->prime_count())
    throw IncompatibleObjectsError("the secret key belongs to other encryption parameters");
  sk_ = secret_key;
}

void Encryptor::encrypt_zero(std::size_t level, Ciphertext& out) const {
  if (!pk_) throw InvalidArgumentError("this encryptor has no public key: use encrypt_symmetric");
  const Context& ctx = *ctx_;
  if (level > ctx.max_level())
    throw InvalidArgumentError("level " + std::to_string(level) + " is above the top level " +
                               std::to_string(ctx.max_level()));
  const std::size_t n = ctx.n(), limbs = level + 1;
  Ciphertext ct;
  ct.allocate(ctx.params_hash(), n, level, 2);
  detail::SmallPoly u(n), e0(n), e1(n);
  {
    SeededStream stream(random_seed(), 0);
    detail::sample_ternary(stream, u);
    detail::sample_error(stream, e0);
    detail::sample_error(stream, e1);
  }
  U64Vector u_ntt(limbs * n);
  detail::small_to_ntt(ctx, u, limbs, u_ntt.data());
  detail::small_to_ntt(ctx, e0, limbs, ct.poly(0));
  detail::small_to_ntt(ctx, e1, limbs, ct.poly(1));
  const Ciphertext& pk = pk_->data();
  parallel_for(0, limbs, [&](std::size_t i) {
    const Modulus& q = ctx.prime(i);
    mul_add_mod(pk.limb(0, i), u_ntt.data() + i * n, ct.limb(0, i), n, q);
    mul_add_mod(pk.limb(1, i), u_ntt.data() + i * n, ct.limb(1, i), n, q);
  });
  secure_wipe(u_ntt.data(), u_ntt.size() * sizeof(std::uint64_t));
  out = std::move(ct);
}

void Encryptor::encrypt(const Plaintext& plain, Ciphertext& out) const {
  const Context& ctx = *ctx_;
  check_plain(ctx, plain);
  Ciphertext ct;
  encrypt_zero(plain.level(), ct);
  const std::size_t n = ctx.n();
  parallel_for(0, plain.level() + 1, [&](std::size_t i) {
    add_mod(ct.limb(0, i), plain.limb(i), ct.limb(0, i), n, ctx.prime(i));
  });
  ct.set_scale(plain.scale());
  out = std::move(ct);
}

void Encryptor::encrypt_symmetric(const Plaintext& plain, Ciphertext& out) const {
  if (!sk_) throw InvalidArgumentError("this encryptor has no secret key: use encrypt with the public key");
  const Context& ctx = *ctx_;
  check_plain(ctx, plain);
  const std::size_t n = ctx.n(), level = plain.level(), limbs = level + 1;
  Ciphertext ct;
  ct.allocate(ctx.params_hash(), n, level, 2);
  const Seed seed = random_seed();  // public: it stands for c_1
  expand_symmetric_c1(ctx, seed, level, ct.poly(1));
  detail::SmallPoly e(n);
  {
    SeededStream stream(random_seed(), 0);  // secret: independent of the public seed
    detail::sample_error(stream, e);
  }
  std::uint64_t* c0 = ct.poly(0);
  const std::uint64_t* c1 = ct.poly(1);
  detail::small_to_ntt(ctx, e, limbs, c0);
  parallel_for(0, limbs, [&](std::size_t i) {
    const Modulus& q = ctx.prime(i);
    U64Vector t(n);
    mul_mod(c1 + i * n, sk_->limb(i), t.data(), n, q);
    sub_mod(c0 + i * n, t.data(), c0 + i * n, n, q);  // e - a s
    add_mod(c0 + i * n, plain.limb(i), c0 + i * n, n, q);
  });
  ct.set_scale(plain.scale());
  ct.set_c1_seed(seed);
  out = std::move(ct);
}

}  // namespace hnn
