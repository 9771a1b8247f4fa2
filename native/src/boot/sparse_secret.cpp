#include "hnn/boot/sparse_secret.h"

#include <string>
#include <vector>

#include "../rlwe/sampling.h"
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

}  // namespace hnn::boot
