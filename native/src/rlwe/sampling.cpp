#include "sampling.h"

#include "hnn/ring/sampler.h"
#include "hnn/util/memory.h"
#include "hnn/util/thread_pool.h"

namespace hnn::detail {

SmallPoly::~SmallPoly() { secure_wipe(v.data(), v.size()); }

void small_to_ntt(const Context& ctx, const SmallPoly& small, std::size_t limbs, std::uint64_t* out) {
  const std::size_t n = ctx.n();
  parallel_for(0, limbs, [&](std::size_t i) {
    std::uint64_t* o = out + i * n;
    small_to_limb(small.v.data(), ctx.prime(i), o, n);
    ctx.ntt(i).forward(o);
  });
}

void small_to_ntt(const Context& ctx, const SmallPoly& small, const std::vector<std::size_t>& prime_indices,
                  std::uint64_t* out) {
  const std::size_t n = ctx.n();
  parallel_for(0, prime_indices.size(), [&](std::size_t k) {
    std::uint64_t* o = out + k * n;
    small_to_limb(small.v.data(), ctx.prime(prime_indices[k]), o, n);
    ctx.ntt(prime_indices[k]).forward(o);
  });
}

void sample_error(SeededStream& stream, SmallPoly& out) { sample_gaussian(stream, out.v.data(), out.v.size()); }

void sample_ternary(SeededStream& stream, SmallPoly& out) {
  ::hnn::sample_ternary(stream, out.v.data(), out.v.size());
}

}  // namespace hnn::detail
