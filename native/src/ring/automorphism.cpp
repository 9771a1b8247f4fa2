#include "hnn/ring/automorphism.h"

#include <string>

#include "hnn/ring/simd.h"
#include "hnn/util/bits.h"
#include "poly_arith_kernels.h"

namespace hnn {

std::uint64_t galois_element_for_step(long long steps, std::size_t n) {
  const std::uint64_t two_n = 2 * static_cast<std::uint64_t>(n);
  const long long slots = static_cast<long long>(n / 2);
  long long s = steps % slots;
  if (s < 0) s += slots;
  // 5 generates the subgroup of Z_2N^* that rotates the slots; 5^(N/2) = 1 mod 2N.
  std::uint64_t g = 1;
  for (long long i = 0; i < s; ++i) g = g * 5 % two_n;
  return g;
}

std::vector<std::uint32_t> ntt_automorphism_permutation(std::size_t n, std::uint64_t galois_elt) {
  const std::uint64_t two_n = 2 * static_cast<std::uint64_t>(n);
  if ((galois_elt & 1) == 0 || galois_elt >= two_n)
    throw InvalidArgumentError("Galois element must be odd and below 2N");
  const int log_n = log2_floor(n);
  std::vector<std::uint32_t> perm(n);
  // Slot j holds a(psi^(2 brv(j) + 1)); a(X^g) there equals a at psi^((2 brv(j) + 1) g).
  for (std::size_t j = 0; j < n; ++j) {
    std::uint64_t e = (2 * reverse_bits(j, log_n) + 1) * galois_elt % two_n;
    perm[j] = static_cast<std::uint32_t>(reverse_bits((e - 1) / 2, log_n));
  }
  // Blocks: outputs 8b..8b+7 have exponents e_0 + brv_3(t) N/4 (the low index bits reverse into the top ones),
  // which g maps to g e_0 + (g brv_3(t) mod 8) N/4: one residue class mod N/4 again, so one aligned input block
  // of 8. apply_ntt_automorphism's vector path moves whole blocks and relies on it.
  for (std::size_t j = 0; j + 8 <= n; j += 8)
    for (std::size_t t = 1; t < 8; ++t)
      if ((perm[j + t] & ~std::uint32_t{7}) != (perm[j] & ~std::uint32_t{7}))
        throw InvalidArgumentError("internal: an automorphism that does not keep blocks of 8 together");
  return perm;
}

void apply_ntt_automorphism(const std::uint64_t* in, const std::uint32_t* perm, std::uint64_t* out, std::size_t n) {
  apply_ntt_automorphism_range(in, perm, 0, n, out);
}

void apply_ntt_automorphism_range(const std::uint64_t* in, const std::uint32_t* perm, std::size_t begin,
                                  std::size_t count, std::uint64_t* out) {
  perm += begin;
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (begin % 8 == 0 && count % 8 == 0 && active_simd_level() >= SimdLevel::kAvx512)
    return poly_kernels::permute_blocks_avx512(in, perm, out, count);
#endif
  // The reads are scattered: for a whole limb, fetch it into cache sequentially first (the prefetcher cannot
  // follow the permutation). Measured from memory, N = 16384: 28 -> 23 us per limb.
  if (begin == 0)
    for (std::size_t j = 0; j < count; j += 8) __builtin_prefetch(in + j, 0, 2);
  for (std::size_t j = 0; j < count; ++j) out[j] = in[perm[j]];
}

void apply_coeff_automorphism(const std::uint64_t* in, std::uint64_t galois_elt, const Modulus& q,
                              std::uint64_t* out, std::size_t n) {
  const std::uint64_t two_n = 2 * static_cast<std::uint64_t>(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t e = i * galois_elt % two_n;  // X^i -> X^(i g); X^N = -1
    if (e < n) out[e] = in[i];
    else out[e - n] = negate_mod(in[i], q);
  }
}

}  // namespace hnn
