#include "hnn/boot/dft.h"

#include <cmath>

#include "hnn/util/bits.h"
#include "hnn/util/errors.h"

namespace hnn::boot {
namespace {

constexpr long double kTwoPi = 6.283185307179586476925286766559L;

// Twiddles j < len/2 of the stage of length len: exp(2 pi i (5^j mod 4 len) / (4 len)); they do not depend on N.
std::vector<std::complex<double>> twiddles(std::size_t len) {
  const std::size_t m = 4 * len;
  std::vector<std::complex<double>> w(len / 2);
  std::size_t g = 1;
  for (std::size_t j = 0; j < len / 2; ++j) {
    const long double angle = kTwoPi * static_cast<long double>(g) / static_cast<long double>(m);
    w[j] = {static_cast<double>(std::cos(angle)), static_cast<double>(std::sin(angle))};
    g = g * 5 % m;
  }
  return w;
}

// One butterfly stage of length len as three diagonals (offsets 0, +half, -half).
// Forward (the encoder's special_fft): (a, b) -> (a + w b, a - w b).
// Inverse (special_fft_inverse without its 1/n): (a, b) -> (a + b, (a - b) conj(w)).
Diagonals butterfly_stage(std::size_t n, std::size_t len, bool inverse) {
  const std::size_t half = len / 2;
  Diagonals d;
  auto& d0 = d[0];
  auto& dp = d[half % n];
  auto& dm = d[(n - half) % n];
  for (auto* v : {&d0, &dp, &dm})
    if (v->empty()) v->assign(n, 0.0);
  const auto tw = twiddles(len);
  for (std::size_t i = 0; i < n; i += len) {
    for (std::size_t j = 0; j < half; ++j) {
      const std::complex<double> w = inverse ? std::conj(tw[j]) : tw[j];
      d0[i + j] += 1.0;
      dp[i + j] += inverse ? std::complex<double>(1.0) : w;
      dm[i + j + half] += inverse ? w : std::complex<double>(1.0);
      d0[i + j + half] += -w;
    }
  }
  return d;
}

Diagonals forward_stage(std::size_t n, std::size_t len) { return butterfly_stage(n, len, false); }

Diagonals inverse_stage(std::size_t n, std::size_t len) { return butterfly_stage(n, len, true); }

// Consecutive stages in `levels` groups of balanced sizes, the larger groups first or last. CoeffsToSlots runs
// the stages from the longest butterflies down and SlotsToCoeffs from the shortest up; with the larger groups last
// in the first and first in the second, both group the same butterfly lengths together, so their factors have the
// same diagonals and share every Galois key.
std::vector<Diagonals> group(const std::vector<Diagonals>& stages, std::size_t n, std::size_t levels,
                             std::complex<double> scale, bool larger_first) {
  const std::size_t s = stages.size();
  if (levels < 1) levels = 1;
  if (levels > s) levels = s;
  std::vector<Diagonals> out;
  std::size_t next = 0;
  for (std::size_t g = 0; g < levels; ++g) {
    const std::size_t rank = larger_first ? g : levels - 1 - g;
    const std::size_t count = s / levels + (rank < s % levels ? 1 : 0);
    Diagonals m = stages[next++];
    for (std::size_t k = 1; k < count; ++k) m = multiply_diagonals(stages[next++], m, n);
    // Drop diagonals that cancelled exactly (none do for the FFT, but they would cost a rotation).
    for (auto it = m.begin(); it != m.end();) {
      bool zero = true;
      for (const auto& x : it->second) zero = zero && x == std::complex<double>(0.0);
      it = zero ? m.erase(it) : std::next(it);
    }
    out.push_back(std::move(m));
  }
  // The constant is spread evenly over the factors: each then keeps its values' magnitudes (the 1/n of the
  // inverse DFT included), so the rounding of every factor's plaintexts costs the same relative precision.
  // Folded into the first factor alone, a factor 2^-20 there would cost 20 bits of it.
  const double share = std::pow(std::abs(scale), 1.0 / static_cast<double>(out.size()));
  const std::complex<double> phase = scale / std::abs(scale);
  for (std::size_t g = 0; g < out.size(); ++g)
    for (auto& [d, v] : out[g])
      for (auto& x : v) x *= g == 0 ? share * phase : std::complex<double>(share);
  return out;
}

void check_n(std::size_t n) {
  if (n < 2 || (n & (n - 1)) != 0) throw InvalidArgumentError("DFT: the slot count must be a power of two >= 2");
}

}  // namespace

std::vector<Diagonals> coeffs_to_slots_factors(std::size_t n, std::size_t levels, std::complex<double> scale) {
  check_n(n);
  std::vector<Diagonals> stages;
  for (std::size_t len = n; len >= 2; len >>= 1) stages.push_back(inverse_stage(n, len));
  return group(stages, n, levels, scale / static_cast<double>(n), false);
}

std::vector<Diagonals> slots_to_coeffs_factors(std::size_t n, std::size_t levels, std::complex<double> scale) {
  check_n(n);
  std::vector<Diagonals> stages;
  for (std::size_t len = 2; len <= n; len <<= 1) stages.push_back(forward_stage(n, len));
  return group(stages, n, levels, scale, true);
}

std::vector<std::complex<double>> special_dft(const std::vector<std::complex<double>>& u) {
  const std::size_t n = u.size(), m = 4 * n;
  std::vector<std::complex<double>> z(n);
  std::size_t g = 1;  // 5^k mod 4n
  for (std::size_t k = 0; k < n; ++k) {
    std::complex<long double> acc = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const long double angle = kTwoPi * static_cast<long double>((g * j) % m) / static_cast<long double>(m);
      acc += std::complex<long double>(u[j].real(), u[j].imag()) * std::complex<long double>(std::cos(angle), std::sin(angle));
    }
    z[k] = {static_cast<double>(acc.real()), static_cast<double>(acc.imag())};
    g = g * 5 % m;
  }
  return z;
}

std::vector<std::complex<double>> apply_factors(const std::vector<Diagonals>& factors,
                                                std::vector<std::complex<double>> v) {
  const std::size_t n = v.size();
  for (const auto& f : factors) {
    std::vector<std::complex<double>> out(n, 0.0);
    for (const auto& [d, diag] : f)
      for (std::size_t i = 0; i < n; ++i) out[i] += diag[i] * v[(i + d) % n];
    v = std::move(out);
  }
  return v;
}

}  // namespace hnn::boot
