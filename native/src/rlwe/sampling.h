// Private helpers of the RLWE layer: sampling small polynomials into RNS + NTT form.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/rlwe/context.h"
#include "hnn/util/random.h"

namespace hnn::detail {

/// Small signed coefficients, wiped on destruction (they are secret: keys and errors).
struct SmallPoly {
  std::vector<std::int8_t> v;
  explicit SmallPoly(std::size_t n) : v(n) {}
  ~SmallPoly();
  SmallPoly(const SmallPoly&) = delete;
  SmallPoly& operator=(const SmallPoly&) = delete;
};

/// Writes `small` into the first `limbs` primes of the context (limb i modulo prime i) in NTT form.
void small_to_ntt(const Context& ctx, const SmallPoly& small, std::size_t limbs, std::uint64_t* out);
/// Same, for an arbitrary list of prime indices (limb k modulo prime indices[k]).
void small_to_ntt(const Context& ctx, const SmallPoly& small, const std::vector<std::size_t>& prime_indices,
                  std::uint64_t* out);

/// Fresh Gaussian error and ternary polynomials from a fresh OS-seeded stream.
void sample_error(SeededStream& stream, SmallPoly& out);
void sample_ternary(SeededStream& stream, SmallPoly& out);

}  // namespace hnn::detail
