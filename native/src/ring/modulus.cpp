#include "hnn/ring/modulus.h"

#include <string>

namespace hnn {

Modulus::Modulus(std::uint64_t value) : value_(value) {
  if (value < 2 || value >= (1ULL << kMaxModulusBits))
    throw InvalidParametersError("modulus " + std::to_string(value) + " is out of range: moduli must be in [2, 2^" +
                                 std::to_string(kMaxModulusBits) + ")");
  bits_ = 64 - __builtin_clzll(value);
  // floor(2^128 / q) = floor((2^128 - 1) / q) because q is not a power of two... unless it is; handle both.
  u128 max = ~static_cast<u128>(0);
  u128 ratio = max / value;
  if (max % value == value - 1) ratio += 1;  // 2^128 divisible by q
  ratio_hi_ = static_cast<std::uint64_t>(ratio >> 64);
  ratio_lo_ = static_cast<std::uint64_t>(ratio);
}

std::uint64_t pow_mod(std::uint64_t base, std::uint64_t exp, const Modulus& q) {
  std::uint64_t result = 1 % q.value();
  base = q.reduce(base);
  while (exp) {
    if (exp & 1) result = mul_mod(result, base, q);
    base = mul_mod(base, base, q);
    exp >>= 1;
  }
  return result;
}

std::uint64_t inverse_mod(std::uint64_t a, const Modulus& q) {
  // Extended Euclid on signed 128-bit values.
  __int128 t = 0, new_t = 1;
  __int128 r = q.value(), new_r = q.reduce(a);
  while (new_r != 0) {
    __int128 quotient = r / new_r;
    __int128 tmp = t - quotient * new_t;
    t = new_t;
    new_t = tmp;
    tmp = r - quotient * new_r;
    r = new_r;
    new_r = tmp;
  }
  if (r != 1) throw InvalidArgumentError("value has no inverse modulo " + std::to_string(q.value()));
  if (t < 0) t += q.value();
  return static_cast<std::uint64_t>(t);
}

}  // namespace hnn
