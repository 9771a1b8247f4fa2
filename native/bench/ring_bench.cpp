// Micro-benchmark of the ring-layer kernels: forward/inverse NTT (and ntt_forward_lifted, key switching's
// centered lift from another prime of the same size followed by the forward NTT) and the element-wise limb
// kernels (among them key switching's inner product over 8 digits, dot_product_pair_8), for every SIMD level
// this CPU supports. One limb, one 60-bit prime (or --bits), single thread; prints CSV
//   N,op,simd,median_us
// Usage: hnn_ring_bench [--bits B] [--reps R] [--n N]... [--ops PREFIX] [--min]
//   --ops ntt: the NTTs only; --min: the fastest run instead of the median (the column keeps its name).
// On AVX-512 CPUs, rows ntt_*_kernel time the two AVX-512F NTT kernels directly (simd column avx512-int and
// avx512-fp64, the latter for primes below 2^50): the level-dispatched avx512 row is whichever is the default.
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
#include "ntt_kernels.h"

using namespace hnn;

namespace {

// Median (or, with --min, minimum) wall time of one call per level, in microseconds. The levels are timed in turn within each round
// (not one after the other), so that a change of machine load affects all of them alike.
std::vector<double> median_us(int reps, const std::vector<SimdLevel>& levels, const std::function<void()>& op,
                              bool minimum) {
  for (SimdLevel level : levels) {
    set_simd_level(level);
    for (int i = 0; i < std::max(3, reps / 20); ++i) op();
  }
  std::vector<std::vector<double>> samples(levels.size(), std::vector<double>(reps));
  for (int i = 0; i < reps; ++i) {
    for (std::size_t l = 0; l < levels.size(); ++l) {
      set_simd_level(levels[l]);
      const auto start = std::chrono::steady_clock::now();
      op();
      const auto stop = std::chrono::steady_clock::now();
      samples[l][i] = std::chrono::duration<double, std::micro>(stop - start).count();
    }
  }
  std::vector<double> medians;
  for (auto& s : samples) {
    const std::size_t rank = minimum ? 0 : reps / 2;
    std::nth_element(s.begin(), s.begin() + rank, s.end());
    medians.push_back(s[rank]);
  }
  return medians;
}

}  // namespace

int main(int argc, char** argv) {
  int bits = 60, reps = 1001;
  std::string only;  // a prefix of op names, e.g. "ntt"
  bool minimum = false;  // report the fastest run instead of the median (less sensitive to a loaded machine)
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--bits") && i + 1 < argc) bits = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--n") && i + 1 < argc) sizes.push_back(std::strtoull(argv[++i], nullptr, 10));
    else if (!std::strcmp(argv[i], "--ops") && i + 1 < argc) only = argv[++i];
    else if (!std::strcmp(argv[i], "--min")) minimum = true;
    else {
      std::fprintf(stderr, "usage: %s [--bits B] [--reps R] [--n N]... [--ops PREFIX] [--min]\n", argv[0]);
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
    std::vector<u128> acc(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = rng() % q.value();
      b[i] = rng() % q.value();
    }
    const std::uint64_t s = rng() % q.value();
    // ntt_forward_lifted: key switching's digit conversion and transform, from another prime of the same size.
    const Modulus from = generate_ntt_primes(bits, 2, n)[1];
    U64Vector digit(n);
    for (auto& x : digit) x = rng() % from.value();
    // dot_product_pair: key switching's inner product on one limb, with 8 digits (terms) and the key's two halves.
    constexpr std::size_t kTerms = 8;
    std::vector<U64Vector> terms(3 * kTerms, U64Vector(n));
    for (auto& t : terms)
      for (auto& x : t) x = rng() % q.value();
    std::vector<const std::uint64_t*> digits, key_b, key_a;
    for (std::size_t j = 0; j < kTerms; ++j) {
      digits.push_back(terms[j].data());
      key_b.push_back(terms[kTerms + j].data());
      key_a.push_back(terms[2 * kTerms + j].data());
    }
    struct Op {
      const char* name;
      std::function<void()> run;
    };
    const std::vector<Op> ops = {
        {"ntt_forward", [&] { tables.forward(work.data()); }},
        {"ntt_inverse", [&] { tables.inverse(work.data()); }},
        {"ntt_forward_lifted", [&] { tables.forward_lifted(digit.data(), from, work.data()); }},
        {"add", [&] { add_mod(a.data(), b.data(), c.data(), n, q); }},
        {"sub", [&] { sub_mod(a.data(), b.data(), c.data(), n, q); }},
        {"negate", [&] { negate_mod(a.data(), c.data(), n, q); }},
        {"mul", [&] { mul_mod(a.data(), b.data(), c.data(), n, q); }},
        {"mul_add", [&] { mul_add_mod(a.data(), b.data(), c.data(), n, q); }},
        {"mul_scalar", [&] { mul_scalar_mod(a.data(), s, c.data(), n, q); }},
        {"add_scalar", [&] { add_scalar_mod(a.data(), s, c.data(), n, q); }},
        {"sub_mul_scalar", [&] { sub_mul_scalar_mod(a.data(), b.data(), s, c.data(), n, q); }},
        {"mul_accumulate_u128", [&] { mul_accumulate_u128(a.data(), b.data(), acc.data(), n); }},
        {"reduce_u128", [&] { reduce_u128(acc.data(), c.data(), n, q); }},
        {"dot_product_pair_8",
         [&] { dot_product_pair(digits.data(), key_b.data(), key_a.data(), kTerms, c.data(), work.data(), n, q); }},
    };
    for (const Op& op : ops) {
      if (std::string(op.name).rfind(only, 0) != 0) continue;
      // The NTTs run in place on `work`: forward and inverse keep it in [0, q), which is all they need.
      std::copy(a.begin(), a.end(), work.begin());
      std::fill(c.begin(), c.end(), 0);
      const std::vector<double> us = median_us(reps, levels, op.run, minimum);
      for (std::size_t l = 0; l < levels.size(); ++l)
        std::printf("%zu,%s,%s,%.2f\n", n, op.name, to_string(levels[l]).c_str(), us[l]);
      std::fflush(stdout);
    }
#if defined(HNN_HAVE_AVX512_KERNELS)
    // The AVX-512F kernels called directly, interleaved round by round like the levels.
    if (detected_simd_level() >= SimdLevel::kAvx512 && tables.has_fp64_tables() &&
        std::string("ntt_forward_kernel").rfind(only, 0) == 0) {
      struct Kernel {
        const char* op;
        const char* simd;
        void (*run)(const NttTables&, std::uint64_t*);
      };
      const Kernel kernels[] = {{"ntt_forward_kernel", "avx512-int", ntt_kernels::forward_avx512},
                                {"ntt_forward_kernel", "avx512-fp64", ntt_kernels::forward_fp64_avx512},
                                {"ntt_inverse_kernel", "avx512-int", ntt_kernels::inverse_avx512},
                                {"ntt_inverse_kernel", "avx512-fp64", ntt_kernels::inverse_fp64_avx512}};
      std::copy(a.begin(), a.end(), work.begin());
      std::vector<std::vector<double>> samples(4, std::vector<double>(reps));
      for (int i = 0; i < reps; ++i) {
        for (int k = 0; k < 4; ++k) {
          const auto start = std::chrono::steady_clock::now();
          kernels[k].run(tables, work.data());
          const auto stop = std::chrono::steady_clock::now();
          samples[k][i] = std::chrono::duration<double, std::micro>(stop - start).count();
        }
      }
      for (int k = 0; k < 4; ++k) {
        auto& s_k = samples[k];
        const std::size_t rank = minimum ? 0 : reps / 2;
        std::nth_element(s_k.begin(), s_k.begin() + rank, s_k.end());
        std::printf("%zu,%s,%s,%.2f\n", n, kernels[k].op, kernels[k].simd, s_k[rank]);
      }
      std::fflush(stdout);
    }
#endif
  }
  return 0;
}
