// Private: the residue of a rounded real, shared by the encoder (coefficients) and the evaluator (constants).
#pragma once
#include <cmath>
#include <cstdint>

#include "hnn/ring/modulus.h"

namespace hnn::detail {

/// round(x) mod q for any finite double, exactly: below 2^63 through int64, above it as m 2^e with a 53-bit
/// integer m.
inline std::uint64_t rounded_residue(double x, const Modulus& q) {
  const double r = std::nearbyint(x);
  if (std::fabs(r) < 9.2e18) return from_signed(static_cast<std::int64_t>(r), q);
  int exp = 0;
  const double mant = std::frexp(r, &exp);  // r = mant * 2^exp, 0.5 <= |mant| < 1
  const std::int64_t m = static_cast<std::int64_t>(std::ldexp(mant, 53));
  return mul_mod(from_signed(m, q), pow_mod(2, static_cast<std::uint64_t>(exp - 53), q), q);
}

}  // namespace hnn::detail
