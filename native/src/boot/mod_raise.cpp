#include "hnn/boot/mod_raise.h"

#include <string>

#include "hnn/util/errors.h"
#include "hnn/util/memory.h"
#include "hnn/util/thread_pool.h"

namespace hnn::boot {

void mod_raise(const Context& ctx, const Ciphertext& in, std::size_t level, Ciphertext& out) {
  if (in.empty() || in.params_hash() != ctx.params_hash() || in.n() != ctx.n())
    throw IncompatibleObjectsError("mod_raise: the ciphertext belongs to other encryption parameters");
  if (in.level() != 0)
    throw InvalidArgumentError("mod_raise: the ciphertext is at level " + std::to_string(in.level()) +
                               ", expected 0: mod_switch_to(0) first");
  if (in.size() != 2) throw InvalidArgumentError("mod_raise: the ciphertext must have size 2: relinearize first");
  if (level > ctx.max_level()) throw InvalidArgumentError("mod_raise: target level above the top level");
  const std::size_t n = ctx.n();
  // Coefficient form modulo q_0 once per polynomial; every target limb is its centered lift, transformed.
  RawU64Vector coeffs(2 * n);
  parallel_for(0, 2, [&](std::size_t k) {
    std::copy(in.limb(k, 0), in.limb(k, 0) + n, coeffs.data() + k * n);
    ctx.ntt(0).inverse(coeffs.data() + k * n);
  });
  Ciphertext r;
  r.allocate(ctx.params_hash(), n, level, 2);
  parallel_for(0, 2 * (level + 1), [&](std::size_t idx) {
    const std::size_t k = idx / (level + 1), i = idx % (level + 1);
    std::uint64_t* o = r.limb(k, i);
    if (i == 0) {
      std::copy(in.limb(k, 0), in.limb(k, 0) + n, o);
      return;
    }
    ctx.ntt(i).forward_lifted(coeffs.data() + k * n, ctx.prime(0), o);
  });
  r.set_scale(in.scale());
  out = std::move(r);
}

}  // namespace hnn::boot
