#include "hnn/ring/sampler.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "hnn/util/bits.h"

namespace hnn {
namespace {

// Cumulative distribution of |e| for the discrete Gaussian with sigma = 3.2 cut at kNoiseBound, scaled to
// 2^63: cdt[k] = P(|e| <= k) * 2^63. Sign from a separate bit (zero counted once).
struct GaussianTable {
  std::array<std::uint64_t, kNoiseBound + 1> cdt;
  GaussianTable() {
    double weights[kNoiseBound + 1];
    double total = 0;
    for (int k = 0; k <= kNoiseBound; ++k) {
      double w = std::exp(-static_cast<double>(k) * k / (2 * kNoiseStandardDeviation * kNoiseStandardDeviation));
      weights[k] = (k == 0) ? w : 2 * w;  // +k and -k
      total += weights[k];
    }
    long double acc = 0;
    for (int k = 0; k <= kNoiseBound; ++k) {
      acc += weights[k] / total;
      long double scaled = acc * 9223372036854775808.0L;  // 2^63
      cdt[k] = scaled >= 9223372036854775807.0L ? (1ULL << 63) : static_cast<std::uint64_t>(scaled);
    }
    cdt[kNoiseBound] = 1ULL << 63;
  }
};

const GaussianTable& gaussian_table() {
  static const GaussianTable table;
  return table;
}

}  // namespace

void sample_uniform(SeededStream& stream, const Modulus& q, std::uint64_t* out, std::size_t n) {
  const std::uint64_t qv = q.value();
  const std::uint64_t mask = (q.bit_count() >= 64) ? ~0ULL : ((1ULL << q.bit_count()) - 1);
  // Rejection sampling over the stream's 64-bit words in order, drawn in blocks (the same values as one
  // next_u64() per draw): the words of a block that pass fill `out`, the next block continues where it ended.
  std::uint64_t block[512];
  std::size_t i = 0;
  while (i < n) {
    const std::size_t want = std::min<std::size_t>(n - i, 512);
    stream.next_u64s(block, want);
    for (std::size_t b = 0; b < want; ++b) {
      const std::uint64_t v = block[b] & mask;
      if (v < qv) out[i++] = v;
    }
  }
}

void sample_ternary(SeededStream& stream, std::int8_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t b;
    do {
      b = stream.next_u8();
    } while (b >= 255);  // 255 = 3 * 85: rejection keeps the three values equally likely
    out[i] = static_cast<std::int8_t>(b % 3) - 1;
  }
}

void sample_gaussian(SeededStream& stream, std::int8_t* out, std::size_t n) {
  const auto& cdt = gaussian_table().cdt;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t r = stream.next_u64();
    const std::uint64_t u = r >> 1;  // 63 uniform bits
    // Scan the whole table: the number of steps does not depend on the sample.
    int magnitude = 0;
    for (int k = 0; k < kNoiseBound; ++k) magnitude += static_cast<int>(u >= cdt[k]);
    const int sign = static_cast<int>(r & 1);
    out[i] = static_cast<std::int8_t>(sign ? -magnitude : magnitude);
  }
}

void small_to_limb(const std::int8_t* in, const Modulus& q, std::uint64_t* out, std::size_t n) {
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t v = in[i];
    out[i] = v < 0 ? qv - static_cast<std::uint64_t>(-v) : static_cast<std::uint64_t>(v);
  }
}

}  // namespace hnn
