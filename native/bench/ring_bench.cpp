// Micro-benchmark of the ring-layer kernels: forward/inverse NTT and the element-wise limb kernels, for every
// SIMD level this CPU supports. One limb, one 60-bit prime (or --bits), single thread; prints CSV
//   N,op,simd,median_us
// Usage: hnn_ring_bench [--bits B] [--reps R] [--n N]...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "hnn/ring/ntt.h"
#include "hnn/ring/poly_arith.h"
#include "hnn/ring/primes.h"
#include "hnn/ring/simd.h"
#include "hnn/util/memory.h"

using namespace hnn;

namespace {

// Median wall time of one call, in microseconds, over `reps` timed calls after a warm-up.
double median_us(int reps, const std::function<void()>& op) {
  for (int i = 0; i < std::max(3, reps / 10); ++i) op();
  std::vector<double> samples(reps);
  for (int i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    op();
    const auto stop = std::chrono::steady_clock::now();
    samples[i] = std::chrono::duration<double, std::micro>(stop - start).count();
  }
  std::nth_element(samples.begin(), samples.begin() + reps / 2, samples.end());
  return samples[reps / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int bits = 60, reps = 1001;
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--bits") && i + 1 < argc) bits = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--n") && i + 1 < argc) sizes.push_back(std::strtoull(argv[++i], nullptr, 10));
    else {
      std::fprintf(stderr, "usage: %s [--bits B] [--reps R] [--n N]...\n", argv[0]);
      return 2;
    }
  }
  if (sizes.empty()) sizes = {4096, 8192, 16384, 32768, 65536};

  std::vector<SimdLevel> levels;
  for (int l = 0; l <= static_cast<int>(detected_simd_level()); ++l) levels.push_back(static_cast<SimdLevel>(l));

  std::printf("N,op,simd,median_us\n");
  std::mt19937_64 rng(42);
  for (std::size_t n : sizes) {
    const Modulus q = generate_ntt_primes(bits, 1, n)[0];
    const NttTables tables(n, q);
    U64Vector a(n), b(n), c(n), work(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = rng() % q.value();
      b[i] = rng() % q.value();
    }
    const std::uint64_t s = rng() % q.value();
    struct Op {
      const char* name;
      std::function<void()> run;
    };
    const std::vector<Op> ops = {
        {"ntt_forward", [&] { tables.forward(work.data()); }},
        {"ntt_inverse", [&] { tables.inverse(work.data()); }},
        {"add", [&] { add_mod(a.data(), b.data(), c.data(), n, q); }},
        {"sub", [&] { sub_mod(a.data(), b.data(), c.data(), n, q); }},
        {"negate", [&] { negate_mod(a.data(), c.data(), n, q); }},
        {"mul", [&] { mul_mod(a.data(), b.data(), c.data(), n, q); }},
        {"mul_add", [&] { mul_add_mod(a.data(), b.data(), c.data(), n, q); }},
        {"mul_scalar", [&] { mul_scalar_mod(a.data(), s, c.data(), n, q); }},
        {"add_scalar", [&] { add_scalar_mod(a.data(), s, c.data(), n, q); }},
        {"sub_mul_scalar", [&] { sub_mul_scalar_mod(a.data(), b.data(), s, c.data(), n, q); }},
    };
    for (const Op& op : ops) {
      for (SimdLevel level : levels) {
        set_simd_level(level);
        std::copy(a.begin(), a.end(), work.begin());
        std::fill(c.begin(), c.end(), 0);
        std::printf("%zu,%s,%s,%.2f\n", n, op.name, to_string(level).c_str(), median_us(reps, op.run));
        std::fflush(stdout);
      }
    }
  }
  return 0;
}
