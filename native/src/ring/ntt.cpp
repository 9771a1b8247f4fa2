#include "hnn/ring/ntt.h"

#include <string>

#include "hnn/ring/primes.h"
#include "hnn/util/bits.h"
#include "ntt_kernels.h"

namespace hnn {

NttTables::NttTables(std::size_t n, const Modulus& q) : n_(n), q_(q) {
  if (!is_power_of_two(n) || n < 2 || n > (1u << 17))
    throw InvalidParametersError("NTT length " + std::to_string(n) + " must be a power of two in [2, 2^17]");
  log_n_ = log2_floor(n);
  psi_ = minimal_primitive_root(2 * n, q);
  const std::uint64_t psi_inv = inverse_mod(psi_, q);
  root_powers_.resize(n);
  root_quotients_.resize(n);
  inv_root_powers_.resize(n);
  inv_root_quotients_.resize(n);
  std::uint64_t power = 1, inv_power = 1;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = reverse_bits(i, log_n_);
    ShoupMultiplier w(power, q), wi(inv_power, q);
    root_powers_[r] = w.operand;
    root_quotients_[r] = w.quotient;
    inv_root_powers_[r] = wi.operand;
    inv_root_quotients_[r] = wi.quotient;
    power = mul_mod(power, psi_, q);
    inv_power = mul_mod(inv_power, psi_inv, q);
  }
  inv_n_ = ShoupMultiplier(inverse_mod(n, q), q);
  if (q.value() < (std::uint64_t{1} << 50)) {
    // For the FP64 kernels (ntt_fp64_avx512.cpp): centered twiddles, exact as doubles, and their quotients
    // by q, correctly rounded (one division of exact operands).
    const double qd = static_cast<double>(q.value());
    const auto centered = [&](std::uint64_t w) {
      return w > q.value() / 2 ? -static_cast<double>(q.value() - w) : static_cast<double>(w);
    };
    fp64_roots_.resize(n);
    fp64_root_quotients_.resize(n);
    fp64_inv_roots_.resize(n);
    fp64_inv_root_quotients_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      fp64_roots_[i] = centered(root_powers_[i]);
      fp64_root_quotients_[i] = fp64_roots_[i] / qd;
      fp64_inv_roots_[i] = centered(inv_root_powers_[i]);
      fp64_inv_root_quotients_[i] = fp64_inv_roots_[i] / qd;
    }
  }
}

void NttTables::forward(std::uint64_t* a) const { ntt_kernels::forward(*this, a); }

void NttTables::inverse(std::uint64_t* a) const { ntt_kernels::inverse(*this, a); }

void NttTables::inverse(const std::uint64_t* in, std::uint64_t* out) const { ntt_kernels::inverse(*this, in, out); }

void NttTables::forward_lifted(const std::uint64_t* in, const Modulus& from, std::uint64_t* out) const {
  ntt_kernels::forward_lifted(*this, in, from, out);
}

namespace ntt_kernels {

void forward_portable(const NttTables& t, std::uint64_t* a) {
  const std::size_t n = t.n();
  const std::uint64_t q = t.modulus().value(), two_q = 2 * q;
  const std::uint64_t* w = t.root_powers();
  const std::uint64_t* wq = t.root_quotients();
  // Cooley-Tukey, decimation in time, values lazily kept in [0, 4q).
  std::size_t gap = n;
  for (std::size_t m = 1; m < n; m <<= 1) {
    gap >>= 1;
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t tw = w[m + i], twq = wq[m + i];
      std::uint64_t* x = a + 2 * i * gap;
      std::uint64_t* y = x + gap;
      for (std::size_t j = 0; j < gap; ++j) {
        std::uint64_t u = x[j];
        if (u >= two_q) u -= two_q;
        const std::uint64_t v = mul_shoup_lazy(y[j], tw, twq, q);
        x[j] = u + v;
        y[j] = u - v + two_q;
      }
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    std::uint64_t v = a[j];
    if (v >= two_q) v -= two_q;
    if (v >= q) v -= q;
    a[j] = v;
  }
}

void inverse_portable(const NttTables& t, std::uint64_t* a) {
  const std::size_t n = t.n();
  const std::uint64_t q = t.modulus().value(), two_q = 2 * q;
  const std::uint64_t* w = t.inv_root_powers();
  const std::uint64_t* wq = t.inv_root_quotients();
  // Gentleman-Sande, decimation in frequency, values lazily kept in [0, 2q).
  std::size_t gap = 1;
  for (std::size_t m = n >> 1; m >= 1; m >>= 1) {
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t tw = w[m + i], twq = wq[m + i];
      std::uint64_t* x = a + 2 * i * gap;
      std::uint64_t* y = x + gap;
      for (std::size_t j = 0; j < gap; ++j) {
        const std::uint64_t u = x[j], v = y[j];
        std::uint64_t s = u + v;
        if (s >= two_q) s -= two_q;
        x[j] = s;
        y[j] = mul_shoup_lazy(u - v + two_q, tw, twq, q);
      }
    }
    gap <<= 1;
  }
  const ShoupMultiplier& inv_n = t.inv_n();
  for (std::size_t j = 0; j < n; ++j) a[j] = mul_shoup(a[j], inv_n, q);
}

}  // namespace ntt_kernels
}  // namespace hnn
