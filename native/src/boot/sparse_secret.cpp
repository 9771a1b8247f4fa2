#include "hnn/boot/sparse_secret.h"

#include <string>
#include <vector>

#include "../rlwe/sampling.h"
#include "hnn/boot/mod_raise.h"
#include "hnn/ckks/evaluator.h"
#include "hnn/rlwe/key_generator.h"
#include "hnn/rlwe/key_switcher.h"
#include "hnn/util/errors.h"
#include "hnn/util/memory.h"
#include "hnn/util/random.h"

namespace hnn::boot {

void create_sparse_secret_key(const Context& ctx, std::size_t hamming_weight, SecretKey& out) {
  const std::size_t n = ctx.n();
  if (hamming_weight == 0 || hamming_weight > n)
    throw InvalidArgumentError("sparse secret: the Hamming weight must be in [1, N]");
  detail::SmallPoly s(n);
  SeededStream stream(random_seed(), 0);
  // n is a power of two, so masking gives uniform positions; occupied ones are drawn again.
  for (std::size_t placed = 0; placed < hamming_weight;) {
    const std::size_t pos = static_cast<std::size_t>(stream.next_u64() & (n - 1));
    if (s.v[pos] != 0) continue;
    s.v[pos] = (stream.next_u8() & 1) ? 1 : -1;
    ++placed;
  }
  SecretKey sk;
  sk.resize(ctx.params_hash(), n, ctx.prime_count());
  detail::small_to_ntt(ctx, s, ctx.prime_count(), sk.data());
  out = std::move(sk);
}

void convert_secret_key(const Context& from, const SecretKey& sk, const Context& to, SecretKey& out) {
  const std::size_t n = from.n();
  if (sk.empty() || sk.params_hash() != from.params_hash() || sk.limb_count() != from.prime_count())
    throw IncompatibleObjectsError("convert_secret_key: the key belongs to other encryption parameters");
  if (to.n() != n) throw InvalidArgumentError("convert_secret_key: both contexts must have the same N");
  // Coefficients modulo q_0, read centered: a ternary secret is -1, 0 or 1 there.
  SecretU64Vector c(sk.limb(0), sk.limb(0) + n);
  from.ntt(0).inverse(c.data());
  const std::uint64_t q = from.prime(0).value();
  detail::SmallPoly s(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t v = c[i];
    if (v > 1 && v != q - 1) throw InvalidArgumentError("convert_secret_key: the key is not ternary");
    s.v[i] = v == 0 ? 0 : (v == 1 ? 1 : -1);
  }
  SecretKey r;
  r.resize(to.params_hash(), n, to.prime_count());
  detail::small_to_ntt(to, s, to.prime_count(), r.data());
  out = std::move(r);
}

ContextPtr SparseSecretEncapsulation::small_context_for(const Context& c, SecurityLevel security) {
  EncryptionParameters small(c.n());
  small.set_coeff_modulus({c.prime(0), c.prime(c.data_prime_count())});
  small.set_special_prime_count(1);
  return Context::create(small, security);
}

SparseSecretEncapsulation::SparseSecretEncapsulation(ContextPtr ctx, ContextPtr small, std::size_t hamming_weight)
    : ctx_(std::move(ctx)), small_(std::move(small)), weight_(hamming_weight) {}

SparseSecretEncapsulation::SparseSecretEncapsulation(ContextPtr ctx, const SecretKey& sk, std::size_t hamming_weight,
                                                     SecurityLevel security)
    : ctx_(std::move(ctx)), weight_(hamming_weight) {
  if (!ctx_) throw InvalidArgumentError("sparse-secret encapsulation: context is null");
  const Context& c = *ctx_;
  small_ = small_context_for(c, security);
  // s' over both contexts; s over the small one. All wiped when these go out of scope.
  SecretKey sparse_big, sparse_small, dense_small;
  create_sparse_secret_key(c, hamming_weight, sparse_big);
  convert_secret_key(c, sparse_big, *small_, sparse_small);
  convert_secret_key(c, sk, *small_, dense_small);
  KeyGenerator(small_, sparse_small).create_switch_key_from(dense_small, to_sparse_);
  KeyGenerator(ctx_, sk).create_switch_key_from(sparse_big, to_dense_);
}

void SparseSecretEncapsulation::mod_raise(const Ciphertext& in, std::size_t level, int shift, Ciphertext& out) const {
  const Context& c = *ctx_;
  if (in.empty() || in.params_hash() != c.params_hash())
    throw IncompatibleObjectsError("encapsulated mod_raise: the ciphertext belongs to other encryption parameters");
  if (in.level() != 0 || in.size() != 2)
    throw InvalidArgumentError("encapsulated mod_raise: needs a size-2 ciphertext at level 0");
  const std::size_t n = c.n();
  // s -> s' modulo q_0 (keys over q_0 p): (c_0, 0) + switch(c_1).
  Ciphertext low;
  low.allocate(c.params_hash(), n, 0, 2);
  KeySwitcher(small_).switch_key(in.poly(1), 0, to_sparse_, in.poly(0), nullptr, low.poly(0), low.poly(1));
  low.set_scale(in.scale());
  Ciphertext raised;
  boot::mod_raise(c, low, level, raised);
  if (shift < 0 || shift > 62) throw InvalidArgumentError("encapsulated mod_raise: shift must be in [0, 62]");
  CkksEvaluator(ctx_).multiply_integer_inplace(raised, 1LL << shift);
  // s' -> s at the raised level.
  Ciphertext r;
  r.allocate(c.params_hash(), n, level, 2);
  KeySwitcher(ctx_).switch_key(raised.poly(1), level, to_dense_, raised.poly(0), nullptr, r.poly(0), r.poly(1));
  r.set_scale(raised.scale());
  out = std::move(r);
}

}  // namespace hnn::boot
