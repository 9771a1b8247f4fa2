#include "hnn/ckks/encoder.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "crt_composer.h"
#include "encoder_kernels.h"
#include "hnn/ring/simd.h"
#include "hnn/util/bits.h"
#include "hnn/util/thread_pool.h"
#include "rounding.h"

namespace hnn {
namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

// Plain complex product: std::complex's operator* follows C99 Annex G (NaN/infinity recovery) through a
// library call per product; our operands are finite.
inline std::complex<double> mul(const std::complex<double>& a, const std::complex<double>& b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

void bit_reverse_permute(std::complex<double>* v, std::size_t n) {
  const int bits = log2_floor(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t j = reverse_bits(i, bits);
    if (i < j) std::swap(v[i], v[j]);
  }
}

}  // namespace

CkksEncoder::CkksEncoder(ContextPtr context) : ctx_(std::move(context)) {
  if (!ctx_) throw InvalidArgumentError("context is null");
  n_ = ctx_->n();
  slots_ = n_ / 2;
  const std::size_t m = 2 * n_;
  twiddles_.reserve(slots_);
  for (std::size_t len = 2; len <= slots_; len <<= 1) {
    const std::size_t lenq = len << 2, gap = m / lenq;
    std::size_t g = 1;  // 5^j mod 2N
    for (std::size_t j = 0; j < len / 2; ++j) {
      const std::size_t k = (g & (lenq - 1)) * gap;
      const long double angle = static_cast<long double>(kTwoPi) * k / m;
      twiddles_.emplace_back(static_cast<double>(std::cos(angle)), static_cast<double>(std::sin(angle)));
      g = g * 5 % m;
    }
  }
  tw_re_.reserve(twiddles_.size());
  tw_neg_im_.reserve(twiddles_.size());
  for (const auto& w : twiddles_) {
    tw_re_.push_back(w.real());
    tw_neg_im_.push_back(-w.imag());
  }
  const int bits = log2_floor(slots_);
  bit_reversed_.resize(slots_);
  for (std::size_t i = 0; i < slots_; ++i) bit_reversed_[i] = static_cast<std::uint32_t>(reverse_bits(i, bits));
}

namespace {
// Per-thread scratch of the vector path (slot values, coefficients): the encoder is shared between threads,
// and fresh 64-128 KB buffers per call cost more in page faults and heap trimming than the FFT itself.
std::vector<double>& scratch(int which, std::size_t size) {
  thread_local std::vector<double> buffers[3];
  std::vector<double>& b = buffers[which];
  b.resize(size);
  return b;
}
}  // namespace

bool CkksEncoder::vector_path() const {
  // The small-stage kernels work on 16 (AVX-512) or 8 (AVX2) slots at a time.
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (slots_ >= 16 && active_simd_level() >= SimdLevel::kAvx512) return true;
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
  if (slots_ >= 16 && active_simd_level() == SimdLevel::kAvx2) return true;
#endif
  return false;
}

// The vector path's inverse FFT: split real / imaginary arrays (no shuffles in the wide stages), the
// bit-reversal fused with the 1/n and scale multiplications (in the portable path's order: v * inv, then
// * scale) while writing the coefficients.
void CkksEncoder::encode_split(std::vector<double>& re, std::vector<double>& im, double scale, std::size_t level,
                               Plaintext& out) const {
#if defined(HNN_HAVE_AVX2_KERNELS)
  if (active_simd_level() == SimdLevel::kAvx2)
    detail::special_ifft_stages_avx2(re.data(), im.data(), slots_, tw_re_.data(), tw_neg_im_.data());
#endif
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (active_simd_level() >= SimdLevel::kAvx512)
    detail::special_ifft_stages_avx512(re.data(), im.data(), slots_, tw_re_.data(), tw_neg_im_.data());
#endif
  const double inv = 1.0 / static_cast<double>(slots_);
  std::vector<double>& coeffs = scratch(2, n_);
  for (std::size_t i = 0; i < slots_; ++i) {
    const std::uint32_t j = bit_reversed_[i];
    coeffs[i] = (re[j] * inv) * scale;
    coeffs[i + slots_] = (im[j] * inv) * scale;
  }
  coefficients_to_plaintext(coeffs, scale, level, out);
}

// Slot k of a real polynomial m is m(zeta^(5^k)). Writing u_i = m_i + i m_(i + N/2) (i < N/2) this equals
// U(zeta^(5^k)) for U = sum u_i X^i, because zeta^(5^k N/2) = i. Splitting U into even and odd parts gives
// U(x_k) = E_k + x_k O_k and U(x_(k + n/2)) = E_k - x_k O_k (since 5^(n/2) = N + 1 mod 2N), a radix-2 FFT
// whose twiddles follow the powers of 5.
void CkksEncoder::special_fft(std::complex<double>* v) const {
  const std::size_t n = slots_;
  bit_reverse_permute(v, n);
  const std::complex<double>* tw = twiddles_.data();
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::size_t half = len >> 1;
    for (std::size_t i = 0; i < n; i += len) {
      for (std::size_t j = 0; j < half; ++j) {
        const std::complex<double> u = v[i + j];
        const std::complex<double> t = mul(v[i + j + half], tw[j]);
        v[i + j] = u + t;
        v[i + j + half] = u - t;
      }
    }
    tw += half;
  }
}

void CkksEncoder::special_fft_inverse(std::complex<double>* v) const {
  const std::size_t n = slots_;
  const std::complex<double>* tw = twiddles_.data() + twiddles_.size();
  for (std::size_t len = n; len >= 2; len >>= 1) {
    const std::size_t half = len >> 1;
    tw -= half;
    for (std::size_t i = 0; i < n; i += len) {
      for (std::size_t j = 0; j < half; ++j) {
        const std::complex<double> a = v[i + j], b = v[i + j + half];
        v[i + j] = a + b;
        v[i + j + half] = mul(a - b, std::conj(tw[j]));
      }
    }
  }
  bit_reverse_permute(v, n);
  const double inv = 1.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) v[i] *= inv;
}

void CkksEncoder::coefficients_to_plaintext(const std::vector<double>& coeffs, double scale, std::size_t level,
                                            Plaintext& out) const {
  const Context& ctx = *ctx_;
  // Every coefficient must stay below Q_level / 2 in absolute value, or it wraps around.
  double max_abs = 0;
  for (double c : coeffs) max_abs = std::max(max_abs, std::fabs(c));
  if (max_abs > 0 && std::log2(max_abs) >= ctx.log2_modulus_at(level) - 1)
    throw InvalidArgumentError("encoded values reach 2^" + std::to_string(static_cast<int>(std::log2(max_abs))) +
                               " at scale 2^" + std::to_string(std::log2(scale)) + ", beyond the modulus at level " +
                               std::to_string(level) + " (2^" + std::to_string(static_cast<int>(ctx.log2_modulus_at(level))) +
                               "): use a smaller scale, smaller values or a higher level");
  // Written in place: out's buffer is reused when it has the room (no allocation, no page faults for the
  // next 1 MB of residues); every check that can fail has run by now, so a failed call leaves out as it was.
  Plaintext& p = out;
  p.allocate(ctx.params_hash(), n_, level);
  // Coefficients below 2^62 (the usual case) are rounded once; larger ones go through the exact path.
  // Below 2^51 the residues come from a double-precision quotient estimate, eight (AVX-512) or four (AVX2)
  // lanes at a time; the same exact residues as the integer path below.
  void (*residues)(const double*, std::size_t, std::uint64_t, std::uint64_t*) = nullptr;
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (active_simd_level() >= SimdLevel::kAvx512) residues = detail::residues_avx512;
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
  if (active_simd_level() == SimdLevel::kAvx2) residues = detail::residues_avx2;
#endif
  if (residues && max_abs < 0x1p51 && n_ % 8 == 0) {
    parallel_for(0, level + 1, [&](std::size_t i) {
      std::uint64_t* limb = p.limb(i);
      residues(coeffs.data(), n_, ctx.prime(i).value(), limb);
      ctx.ntt(i).forward(limb);
    });
    p.set_scale(scale);
    return;
  }
  const bool small = max_abs < 4.6e18;
  std::vector<std::int64_t> rounded(small ? n_ : 0);
  for (std::size_t c = 0; c < rounded.size(); ++c) rounded[c] = static_cast<std::int64_t>(std::nearbyint(coeffs[c]));
  parallel_for(0, level + 1, [&](std::size_t i) {
    const Modulus& q = ctx.prime(i);
    std::uint64_t* limb = p.limb(i);
    if (small) {
      // Branch-free signed reduction: v + k q with k q just below 2^63 is non-negative for |v| < 2^62 and
      // still below 2^64; a sign branch here mispredicts half the time on real data.
      const std::uint64_t offset = ((1ULL << 63) / q.value()) * q.value();
      for (std::size_t c = 0; c < n_; ++c)
        limb[c] = q.reduce(static_cast<std::uint64_t>(rounded[c]) + offset);
    } else {
      for (std::size_t c = 0; c < n_; ++c) limb[c] = detail::rounded_residue(coeffs[c], q);
    }
    ctx.ntt(i).forward(limb);
  });
  p.set_scale(scale);
}

void CkksEncoder::encode_complex(const std::complex<double>* values, std::size_t count, double scale,
                                 std::size_t level, Plaintext& out) const {
  const Context& ctx = *ctx_;
  if (count > slots_)
    throw InvalidArgumentError(std::to_string(count) + " values do not fit in " + std::to_string(slots_) +
                               " slots: split the vector over several plaintexts");
  if (!(scale > 0) || !std::isfinite(scale)) throw InvalidArgumentError("scale must be positive and finite");
  if (level > ctx.max_level())
    throw InvalidArgumentError("level " + std::to_string(level) + " is above the top level " +
                               std::to_string(ctx.max_level()));
  if (vector_path()) {
    std::vector<double>& re = scratch(0, slots_);
    std::vector<double>& im = scratch(1, slots_);
    std::fill(re.begin() + count, re.end(), 0.0);
    std::fill(im.begin() + count, im.end(), 0.0);
    for (std::size_t i = 0; i < count; ++i) {
      if (!std::isfinite(values[i].real()) || !std::isfinite(values[i].imag()))
        throw InvalidArgumentError("value at index " + std::to_string(i) + " is NaN or infinite");
      re[i] = values[i].real();
      im[i] = values[i].imag();
    }
    encode_split(re, im, scale, level, out);
    return;
  }
  std::vector<std::complex<double>> v(slots_);
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i].real()) || !std::isfinite(values[i].imag()))
      throw InvalidArgumentError("value at index " + std::to_string(i) + " is NaN or infinite");
    v[i] = values[i];
  }
  special_fft_inverse(v.data());
  std::vector<double> coeffs(n_);
  for (std::size_t i = 0; i < slots_; ++i) {
    coeffs[i] = v[i].real() * scale;
    coeffs[i + slots_] = v[i].imag() * scale;
  }
  coefficients_to_plaintext(coeffs, scale, level, out);
}

void CkksEncoder::encode(const double* values, std::size_t count, double scale, std::size_t level,
                         Plaintext& out) const {
  if (count > 0 && values == nullptr) throw InvalidArgumentError("values is null");
  if (vector_path() && count <= slots_ && scale > 0 && std::isfinite(scale) && level <= ctx_->max_level()) {
    std::vector<double>& re = scratch(0, slots_);
    std::vector<double>& im = scratch(1, slots_);
    std::fill(re.begin() + count, re.end(), 0.0);
    std::fill(im.begin(), im.end(), 0.0);
    for (std::size_t i = 0; i < count; ++i) {
      if (!std::isfinite(values[i])) throw InvalidArgumentError("value at index " + std::to_string(i) + " is NaN or infinite");
      re[i] = values[i];
    }
    encode_split(re, im, scale, level, out);
    return;
  }
  std::vector<std::complex<double>> v(count);
  for (std::size_t i = 0; i < count; ++i) v[i] = values[i];
  encode_complex(v.data(), count, scale, level, out);
}

void CkksEncoder::encode(const std::vector<double>& values, double scale, std::size_t level, Plaintext& out) const {
  encode(values.data(), values.size(), scale, level, out);
}

void CkksEncoder::encode(const std::vector<std::complex<double>>& values, double scale, std::size_t level,
                         Plaintext& out) const {
  encode_complex(values.data(), values.size(), scale, level, out);
}

void CkksEncoder::encode_constant(double value, double scale, std::size_t level, Plaintext& out) const {
  if (!std::isfinite(value)) throw InvalidArgumentError("value is NaN or infinite");
  if (!(scale > 0) || !std::isfinite(scale)) throw InvalidArgumentError("scale must be positive and finite");
  if (level > ctx_->max_level()) throw InvalidArgumentError("level is above the top level");
  std::vector<double> coeffs(n_, 0.0);
  coeffs[0] = value * scale;  // the constant polynomial: the same value in every slot
  coefficients_to_plaintext(coeffs, scale, level, out);
}

void CkksEncoder::plaintext_to_coefficients(const Plaintext& plain, std::vector<double>& coeffs) const {
  const Context& ctx = *ctx_;
  if (plain.empty()) throw InvalidArgumentError("plaintext is empty");
  if (plain.params_hash() != ctx.params_hash() || plain.n() != n_ || plain.level() > ctx.max_level())
    throw IncompatibleObjectsError("the plaintext belongs to other encryption parameters");
  if (!(plain.scale() > 0) || !std::isfinite(plain.scale()))
    throw InvalidArgumentError("plaintext scale must be positive and finite");
  const std::size_t limbs = plain.level() + 1;
  U64Vector data(plain.data(), plain.data() + limbs * n_);
  parallel_for(0, limbs, [&](std::size_t i) { ctx.ntt(i).inverse(data.data() + i * n_); });
  std::vector<Modulus> primes(ctx.primes().begin(), ctx.primes().begin() + limbs);
  detail::CrtComposer crt(primes);
  coeffs.resize(n_);
  const double inv_scale = 1.0 / plain.scale();
  const std::size_t chunk = 1024;
  parallel_for(0, (n_ + chunk - 1) / chunk, [&](std::size_t b) {
    for (std::size_t c = b * chunk; c < std::min(n_, (b + 1) * chunk); ++c)
      coeffs[c] = crt.compose(data.data() + c, n_) * inv_scale;
  });
}

void CkksEncoder::decode(const Plaintext& plain, std::vector<std::complex<double>>& out) const {
  std::vector<double> coeffs;
  plaintext_to_coefficients(plain, coeffs);
  std::vector<std::complex<double>> v(slots_);
  for (std::size_t i = 0; i < slots_; ++i) v[i] = {coeffs[i], coeffs[i + slots_]};
  special_fft(v.data());
  out = std::move(v);
}

void CkksEncoder::decode(const Plaintext& plain, std::vector<double>& out) const {
  std::vector<std::complex<double>> v;
  decode(plain, v);
  out.resize(slots_);
  for (std::size_t i = 0; i < slots_; ++i) out[i] = v[i].real();
}

}  // namespace hnn
