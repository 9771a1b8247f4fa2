#include "hnn/rlwe/key_shape.h"

#include <string>

#include "hnn/util/errors.h"

namespace hnn {

std::vector<std::size_t> switch_key_primes(const Context& ctx, std::size_t level) {
  if (level > ctx.max_level())
    throw InvalidArgumentError("key level " + std::to_string(level) + " is above the top level " +
                               std::to_string(ctx.max_level()));
  std::vector<std::size_t> primes;
  for (std::size_t i = 0; i <= level; ++i) primes.push_back(i);
  for (std::size_t s = 0; s < ctx.special_prime_count(); ++s) primes.push_back(ctx.data_prime_count() + s);
  return primes;
}

void shape_switch_key(const Context& ctx, std::size_t level, KeySwitchKey& key) {
  const std::vector<std::size_t> primes = switch_key_primes(ctx, level);
  const std::vector<bool> all = ctx.narrow_key_limbs();
  std::vector<bool> narrow(primes.size());
  for (std::size_t k = 0; k < primes.size(); ++k) narrow[k] = all[primes[k]];
  key.resize(ctx.params_hash(), ctx.n(), ctx.digit_count_at(level), primes.size(), narrow, ctx.max_level() - level,
             ctx.special_prime_count());
}

std::size_t switch_key_level(const Context& ctx, const KeySwitchKey& key) {
  const std::size_t skipped = key.skipped_primes();
  if (key.empty() || key.params_hash() != ctx.params_hash() || skipped > ctx.max_level())
    throw IncompatibleObjectsError("the key-switching key belongs to other encryption parameters");
  const std::size_t level = ctx.max_level() - skipped;
  if (key.digit_count() != ctx.digit_count_at(level) || key.limb_count() != level + 1 + ctx.special_prime_count())
    throw IncompatibleObjectsError("the key-switching key belongs to other encryption parameters");
  return level;
}

}  // namespace hnn
