#include "hnn/ring/primes.h"

#include <algorithm>
#include <string>

#include "hnn/util/bits.h"

namespace hnn {
namespace {

std::uint64_t mul_mod_raw(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
  return static_cast<std::uint64_t>(static_cast<u128>(a) * b % m);
}
std::uint64_t pow_mod_raw(std::uint64_t b, std::uint64_t e, std::uint64_t m) {
  std::uint64_t r = 1 % m;
  b %= m;
  while (e) {
    if (e & 1) r = mul_mod_raw(r, b, m);
    b = mul_mod_raw(b, b, m);
    e >>= 1;
  }
  return r;
}

}  // namespace

bool is_prime(std::uint64_t n) {
  if (n < 2) return false;
  for (std::uint64_t p : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    if (n % p == 0) return n == p;
  }
  std::uint64_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  // These seven bases make Miller-Rabin deterministic for all 64-bit n (Jaeschke; Sinclair).
  for (std::uint64_t a : {2ULL, 325ULL, 9375ULL, 28178ULL, 450775ULL, 9780504ULL, 1795265022ULL}) {
    std::uint64_t x = pow_mod_raw(a % n, d, n);
    if (a % n == 0 || x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int r = 1; r < s; ++r) {
      x = mul_mod_raw(x, x, n);
      if (x == n - 1) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

std::vector<Modulus> generate_ntt_primes(int bits, std::size_t count, std::size_t n,
                                         const std::vector<Modulus>& exclude) {
  if (bits < 2 || bits > kMaxModulusBits)
    throw InvalidParametersError("prime bit size " + std::to_string(bits) + " is out of range [2, " +
                                 std::to_string(kMaxModulusBits) + "]");
  if (!is_power_of_two(n)) throw InvalidParametersError("polynomial degree must be a power of two");
  const std::uint64_t step = 2 * static_cast<std::uint64_t>(n);
  const std::uint64_t lower = 1ULL << (bits - 1);
  // Largest candidate below 2^bits congruent to 1 mod 2n.
  std::uint64_t candidate = ((1ULL << bits) - 1) / step * step + 1;
  if (candidate >= (1ULL << bits)) candidate -= step;
  std::vector<Modulus> out;
  while (out.size() < count && candidate > lower) {
    bool excluded = std::any_of(exclude.begin(), exclude.end(), [&](const Modulus& m) { return m.value() == candidate; });
    if (!excluded && is_prime(candidate)) out.emplace_back(candidate);
    if (candidate < step) break;
    candidate -= step;
  }
  if (out.size() < count)
    throw InvalidParametersError("not enough " + std::to_string(bits) + "-bit primes congruent to 1 mod " +
                                 std::to_string(step) + ": use larger primes or a smaller polynomial degree");
  return out;
}

std::uint64_t minimal_primitive_root(std::size_t two_n, const Modulus& q) {
  const std::uint64_t qv = q.value();
  if ((qv - 1) % two_n != 0)
    throw InvalidParametersError("prime " + std::to_string(qv) + " is not congruent to 1 mod " + std::to_string(two_n));
  const std::uint64_t cofactor = (qv - 1) / two_n;
  std::uint64_t root = 0;
  for (std::uint64_t x = 2; x < qv; ++x) {
    std::uint64_t r = pow_mod(x, cofactor, q);
    // two_n is a power of two: r has order exactly two_n iff r^(two_n/2) = -1.
    if (pow_mod(r, two_n / 2, q) == qv - 1) {
      root = r;
      break;
    }
  }
  if (root == 0) throw InvalidParametersError("no primitive root found modulo " + std::to_string(qv));
  // The primitive 2n-th roots are root^k for odd k; take the smallest for a canonical choice.
  const std::uint64_t step = mul_mod(root, root, q);
  std::uint64_t best = root, current = root;
  for (std::size_t k = 1; k < two_n / 2; ++k) {
    current = mul_mod(current, step, q);
    if (current < best) best = current;
  }
  return best;
}

}  // namespace hnn
