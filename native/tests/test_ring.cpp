// Ring layer: modular arithmetic, primes, NTT, RNS base conversion, automorphisms, samplers; and the memory
// pool the ring's buffers come from.
#include <algorithm>
#include <map>
#include <random>

#include "hnn/ring/automorphism.h"
#include "hnn/ring/modulus.h"
#include "hnn/ring/ntt.h"
#include "hnn/ring/poly_arith.h"
#include "hnn/ring/primes.h"
#include "hnn/ring/rns.h"
#include "hnn/ring/sampler.h"
#include "hnn/ring/simd.h"
#include "hnn/util/bits.h"
#include "hnn/util/memory.h"
#include "test_framework.h"

using namespace hnn;

namespace {
std::vector<std::uint64_t> random_limb(std::size_t n, std::uint64_t q, std::mt19937_64& rng) {
  std::vector<std::uint64_t> v(n);
  for (auto& x : v) x = rng() % q;
  return v;
}
}  // namespace

TEST(barrett_reduction_matches_division) {
  std::mt19937_64 rng(1);
  for (int bits : {2, 17, 30, 40, 50, 59, 60}) {
    std::uint64_t qv = (1ULL << (bits - 1)) + (rng() % (1ULL << (bits - 1)));
    if (qv < 2) qv = 3;
    Modulus q(qv);
    for (int i = 0; i < 20000; ++i) {
      std::uint64_t x = rng();
      CHECK_EQ(q.reduce(x), x % qv);
      u128 y = (static_cast<u128>(rng()) << 64) | rng();
      CHECK_EQ(q.reduce128(y), static_cast<std::uint64_t>(y % qv));
      std::uint64_t a = rng() % qv, b = rng() % qv;
      CHECK_EQ(mul_mod(a, b, q), static_cast<std::uint64_t>(static_cast<u128>(a) * b % qv));
      ShoupMultiplier w(b, q);
      CHECK_EQ(mul_shoup(a, w, qv), mul_mod(a, b, q));
      CHECK(mul_shoup_lazy(rng(), w, qv) < 2 * qv);
    }
  }
}

TEST(modulus_rejects_out_of_range) {
  CHECK_THROWS(Modulus(1), InvalidParametersError);
  CHECK_THROWS(Modulus(1ULL << 60), InvalidParametersError);
  Modulus q(97);
  CHECK_EQ(mul_mod(inverse_mod(5, q), 5, q), 1ULL);
  CHECK_THROWS(inverse_mod(0, q), InvalidArgumentError);
}

TEST(ntt_primes_are_prime_and_friendly) {
  CHECK(is_prime(1152921504606584833ULL));  // 2^60 - 2^14 + 1
  CHECK(!is_prime(4294967291ULL * 4294967279ULL));  // product of two primes
  CHECK(!is_prime(3215031751ULL));  // strong pseudoprime to bases 2, 3, 5, 7
  for (std::size_t n : {4096u, 16384u, 65536u}) {
    auto primes = generate_ntt_primes(40, 10, n);
    CHECK_EQ(primes.size(), 10u);
    for (auto& p : primes) {
      CHECK(is_prime(p.value()));
      CHECK_EQ(p.value() % (2 * n), 1u);
      CHECK_EQ(p.bit_count(), 40);
    }
    auto more = generate_ntt_primes(40, 2, n, primes);
    for (auto& p : more) CHECK(std::find(primes.begin(), primes.end(), p) == primes.end());
  }
  CHECK_THROWS(generate_ntt_primes(61, 1, 1024), InvalidParametersError);
  CHECK_THROWS(generate_ntt_primes(20, 100, 65536), InvalidParametersError);
}

// The NTT must equal evaluation at psi^(2 brv(j) + 1), exactly.
TEST(ntt_matches_naive_evaluation) {
  std::mt19937_64 rng(2);
  for (std::size_t n : {8u, 64u, 256u}) {
    for (int bits : {30, 50, 60}) {
      Modulus q = generate_ntt_primes(bits, 1, n)[0];
      NttTables t(n, q);
      auto a = random_limb(n, q.value(), rng);
      auto b = a;
      t.forward(b.data());
      const int log_n = log2_floor(n);
      for (std::size_t j = 0; j < n; ++j) {
        std::uint64_t x = pow_mod(t.root(), 2 * reverse_bits(j, log_n) + 1, q), acc = 0, xp = 1;
        for (std::size_t i = 0; i < n; ++i) {
          acc = add_mod(acc, mul_mod(a[i], xp, q), q);
          xp = mul_mod(xp, x, q);
        }
        CHECK_EQ(b[j], acc);
      }
    }
  }
}

TEST(ntt_round_trip_exact_all_sizes) {
  std::mt19937_64 rng(3);
  for (std::size_t n = 2; n <= 65536; n <<= 1) {
    for (int bits : {30, 40, 49, 50, 60}) {
      if (static_cast<std::uint64_t>(2 * n) >= (1ULL << (bits - 2))) continue;
      Modulus q = generate_ntt_primes(bits, 1, n)[0];
      NttTables t(n, q);
      auto a = random_limb(n, q.value(), rng);
      // Extremes too: all q-1.
      if (n >= 4) a[1] = q.value() - 1;
      auto b = a;
      t.forward(b.data());
      for (auto v : b) CHECK(v < q.value());
      t.inverse(b.data());
      CHECK(a == b);
    }
  }
}

// Negacyclic convolution through the NTT equals schoolbook multiplication mod X^n + 1.
TEST(ntt_gives_negacyclic_product) {
  std::mt19937_64 rng(4);
  const std::size_t n = 128;
  Modulus q = generate_ntt_primes(45, 1, n)[0];
  NttTables t(n, q);
  auto a = random_limb(n, q.value(), rng), b = random_limb(n, q.value(), rng);
  std::vector<std::uint64_t> expect(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      std::uint64_t p = mul_mod(a[i], b[j], q);
      if (i + j < n) expect[i + j] = add_mod(expect[i + j], p, q);
      else expect[i + j - n] = sub_mod(expect[i + j - n], p, q);
    }
  t.forward(a.data());
  t.forward(b.data());
  mul_mod(a.data(), b.data(), a.data(), n, q);
  t.inverse(a.data());
  CHECK(a == expect);
}

TEST(poly_arith_matches_scalar) {
  std::mt19937_64 rng(5);
  for (std::size_t n : {1u, 7u, 64u, 1000u, 4096u}) {
    Modulus q = generate_ntt_primes(58, 1, 2048)[0];
    auto a = random_limb(n, q.value(), rng), b = random_limb(n, q.value(), rng), c = random_limb(n, q.value(), rng);
    std::uint64_t s = rng() % q.value();
    std::vector<std::uint64_t> out(n);
    add_mod(a.data(), b.data(), out.data(), n, q);
    for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], add_mod(a[i], b[i], q));
    sub_mod(a.data(), b.data(), out.data(), n, q);
    for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], sub_mod(a[i], b[i], q));
    negate_mod(a.data(), out.data(), n, q);
    for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], negate_mod(a[i], q));
    mul_mod(a.data(), b.data(), out.data(), n, q);
    for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], mul_mod(a[i], b[i], q));
    out = c;
    mul_add_mod(a.data(), b.data(), out.data(), n, q);
    for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], add_mod(c[i], mul_mod(a[i], b[i], q), q));
    mul_scalar_mod(a.data(), s, out.data(), n, q);
    for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], mul_mod(a[i], s, q));
    add_scalar_mod(a.data(), s, out.data(), n, q);
    for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], add_mod(a[i], s, q));
    sub_mul_scalar_mod(a.data(), b.data(), s, out.data(), n, q);
    for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], mul_mod(sub_mod(a[i], b[i], q), s, q));
    for (bool in_place : {false, true}) {
      out = c;
      sub_mul_scalar_add_mod(a.data(), b.data(), s, in_place ? out.data() : c.data(), out.data(), n, q);
      for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], add_mod(c[i], mul_mod(sub_mod(a[i], b[i], q), s, q), q));
      out = c;
      mul_scalar_add_mod(a.data(), s, in_place ? out.data() : c.data(), out.data(), n, q);
      for (std::size_t i = 0; i < n; ++i) CHECK_EQ(out[i], add_mod(mul_mod(a[i], s, q), c[i], q));
    }
  }
}

TEST(fast_base_conversion_is_exact_up_to_multiple_of_source_modulus) {
  std::mt19937_64 rng(6);
  const std::size_t n = 64;
  auto from_primes = generate_ntt_primes(40, 3, 1024);
  auto to_primes = generate_ntt_primes(50, 2, 1024);
  RnsBase from(from_primes), to(to_primes);
  BaseConverter conv(from, to);
  // x < 2^100 chosen as a small combination we can check: x = x0 + x1 * 2^40 with known residues.
  std::vector<std::uint64_t> in(3 * n), out(2 * n);
  std::vector<u128> xs(n);
  for (std::size_t c = 0; c < n; ++c) {
    xs[c] = (static_cast<u128>(rng() >> 4) << 40) | (rng() & ((1ULL << 40) - 1));
    for (std::size_t i = 0; i < 3; ++i) in[i * n + c] = static_cast<std::uint64_t>(xs[c] % from[i].value());
  }
  conv.fast_convert(in.data(), out.data(), n);
  for (std::size_t c = 0; c < n; ++c)
    for (std::size_t j = 0; j < 2; ++j) {
      // out = x + u * Q mod p_j for some u in [0, 3).
      bool found = false;
      for (std::uint64_t u = 0; u < 3; ++u) {
        std::uint64_t want = add_mod(static_cast<std::uint64_t>(xs[c] % to[j].value()),
                                     mul_mod(u, from.product_mod(to[j]), to[j]), to[j]);
        found = found || want == out[j * n + c];
      }
      CHECK(found);
    }
}

TEST(centered_base_conversion_lifts_to_the_centered_value) {
  std::mt19937_64 rng(8);
  const std::size_t n = 256;
  // 40-bit sources into 50-bit targets (unsigned terms); 28-bit ones into 30-bit targets (signed terms for k > 1).
  for (const auto& [from_bits, to_bits] : {std::pair{40, 50}, std::pair{28, 30}}) {
    for (std::size_t k : {1u, 2u, 3u}) {
      RnsBase from(generate_ntt_primes(from_bits, k, 1024)), to(generate_ntt_primes(to_bits, 2, 1024));
      BaseConverter conv(from, to);
      CHECK_EQ(conv.signed_terms(), from_bits == 28 && k > 1);
      std::vector<std::uint64_t> in(k * n), out(2 * n);
      std::vector<std::int64_t> xs(n);
      for (std::size_t c = 0; c < n; ++c) {
        // Small signed values, whose centered lift must come out exactly (|u| Q multiples aside for k > 1).
        xs[c] = static_cast<std::int64_t>(rng() % 2000001) - 1000000;
        for (std::size_t i = 0; i < k; ++i) in[i * n + c] = from_signed(xs[c], from[i]);
      }
      conv.fast_convert_centered(in.data(), out.data(), n);
      for (std::size_t c = 0; c < n; ++c)
        for (std::size_t j = 0; j < 2; ++j) {
          bool found = false;
          for (long long u = -static_cast<long long>(k); u <= static_cast<long long>(k); ++u) {
            const std::uint64_t qm = from.product_mod(to[j]);
            std::uint64_t want = add_mod(from_signed(xs[c], to[j]), mul_mod(from_signed(u, to[j]), qm, to[j]), to[j]);
            found = found || want == out[j * n + c];
          }
          CHECK(found);
        }
      if (k == 1) {
        // One prime: no overflow at all, the signed value itself.
        for (std::size_t c = 0; c < n; ++c) CHECK_EQ(out[c], from_signed(xs[c], to[0]));
      }
    }
  }
}

TEST(ntt_automorphism_equals_coefficient_automorphism) {
  std::mt19937_64 rng(7);
  const std::size_t n = 256;
  Modulus q = generate_ntt_primes(50, 1, n)[0];
  NttTables t(n, q);
  for (long long step : {1LL, -1LL, 7LL, 64LL}) {
    for (std::uint64_t g : {galois_element_for_step(step, n), galois_element_conjugate(n)}) {
      auto a = random_limb(n, q.value(), rng);
      std::vector<std::uint64_t> coeff(n), ntt_a = a, via_ntt(n);
      apply_coeff_automorphism(a.data(), g, q, coeff.data(), n);
      t.forward(ntt_a.data());
      auto perm = ntt_automorphism_permutation(n, g);
      apply_ntt_automorphism(ntt_a.data(), perm.data(), via_ntt.data(), n);
      t.inverse(via_ntt.data());
      CHECK(via_ntt == coeff);
    }
  }
}

TEST(samplers_have_the_right_distribution) {
  Seed seed{};
  seed[0] = 42;
  SeededStream s1(seed, 1), s2(seed, 1), s3(seed, 2);
  const std::size_t n = 200000;
  std::vector<std::int8_t> g(n), t(n);
  sample_gaussian(s1, g.data(), n);
  double sum = 0, sq = 0;
  int maxabs = 0;
  for (auto v : g) {
    sum += v;
    sq += double(v) * v;
    maxabs = std::max(maxabs, std::abs(int(v)));
  }
  double mean = sum / n, sd = std::sqrt(sq / n - mean * mean);
  CHECK(std::abs(mean) < 0.05);
  CHECK(std::abs(sd - kNoiseStandardDeviation) < 0.05);
  CHECK(maxabs <= kNoiseBound);
  sample_ternary(s2, t.data(), n);
  std::map<int, int> counts;
  for (auto v : t) counts[v]++;
  CHECK_EQ(counts.size(), 3u);
  for (auto& [v, c] : counts) CHECK(std::abs(c - int(n / 3)) < 2000);
  // Same seed and stream: same values; another stream: different.
  SeededStream a(seed, 5), b(seed, 5), c(seed, 6);
  Modulus q = generate_ntt_primes(60, 1, 1024)[0];
  std::vector<std::uint64_t> ua(1000), ub(1000), uc(1000);
  sample_uniform(a, q, ua.data(), 1000);
  sample_uniform(b, q, ub.data(), 1000);
  sample_uniform(c, q, uc.data(), 1000);
  CHECK(ua == ub);
  CHECK(ua != uc);
  for (auto v : ua) CHECK(v < q.value());
}

// The pool hands back the block released last of a size, keeps at most its limit (evicting the oldest
// blocks first), and its bookkeeping does not grow when one block is released and taken again many times.
TEST(memory_pool_reuses_blocks_and_evicts_the_oldest) {
  set_memory_pool_limit(0);  // empty, and a known state
  set_memory_pool_limit(1u << 20);
  const std::size_t big = 256 * 1024, small = 128 * 1024;
  void* a = aligned_allocate(big);
  aligned_release(a, big);
  CHECK_EQ(memory_pool_cached_bytes(), big);
  for (int i = 0; i < 100000; ++i) {  // the same block every time
    void* again = aligned_allocate(big);
    CHECK(again == a);
    aligned_release(again, big);
  }
  CHECK_EQ(memory_pool_cached_bytes(), big);
  std::vector<void*> smalls;
  for (int i = 0; i < 9; ++i) smalls.push_back(aligned_allocate(small));
  for (void* p : smalls) aligned_release(p, small);  // 256 KiB + 9 x 128 KiB > 1 MiB: `a` goes, then the first small
  CHECK_EQ(memory_pool_cached_bytes(), 8 * small);
  void* last = aligned_allocate(small);
  CHECK(last == smalls.back());
  aligned_release(last, small);
  set_memory_pool_limit(256u << 20);
}
