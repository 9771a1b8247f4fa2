// Every SIMD path of the ring layer against the portable one, bit for bit: the NTT (forward and inverse, all
// sizes, primes of 30..60 bits, random and edge inputs) and the element-wise limb kernels (odd lengths too).
// The IFMA kernel is checked through its emulated-lane instantiation on every CPU, and for real where the
// CPU has IFMA.
#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "hnn/ring/automorphism.h"
#include "hnn/ring/ntt.h"
#include "hnn/ring/poly_arith.h"
#include "hnn/ring/primes.h"
#include "hnn/ring/rns.h"
#include "hnn/ring/simd.h"
#include "ntt_kernels.h"
#include "poly_arith_kernels.h"
#include "test_framework.h"

using namespace hnn;

namespace {

using Limb = std::vector<std::uint64_t>;
using NttKernel = void (*)(const NttTables&, std::uint64_t*);

struct NttPath {
  std::string name;
  NttKernel forward, inverse;
};

// The paths this CPU can run, besides the portable reference.
std::vector<NttPath> ntt_paths() {
  std::vector<NttPath> paths;
  paths.push_back({"ifma-emulated", ntt_kernels::forward_ifma_emulated, ntt_kernels::inverse_ifma_emulated});
  const SimdLevel cpu = detected_simd_level();
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (cpu >= SimdLevel::kAvx512)
    paths.push_back({"avx512", ntt_kernels::forward_avx512, ntt_kernels::inverse_avx512});
  if (cpu >= SimdLevel::kAvx512)
    paths.push_back({"fp64", ntt_kernels::forward_fp64_avx512, ntt_kernels::inverse_fp64_avx512});
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
  if (cpu >= SimdLevel::kAvx2)
    paths.push_back({"fp64-avx2", ntt_kernels::forward_fp64_avx2, ntt_kernels::inverse_fp64_avx2});
  if (cpu >= SimdLevel::kAvx2) paths.push_back({"avx2", ntt_kernels::forward_avx2, ntt_kernels::inverse_avx2});
#endif
#if defined(HNN_HAVE_IFMA_KERNELS)
  if (cpu >= SimdLevel::kAvx512Ifma)
    paths.push_back({"ifma", ntt_kernels::forward_ifma, ntt_kernels::inverse_ifma});
#endif
  (void)cpu;
  return paths;
}

// Random residues, with the edge values 0 and q-1 at the start, the end and a few random places.
Limb test_input(std::size_t n, std::uint64_t q, std::mt19937_64& rng) {
  Limb v(n);
  for (auto& x : v) x = rng() % q;
  v[0] = q - 1;
  v[n - 1] = 0;
  for (int k = 0; k < 4; ++k) v[rng() % n] = (k % 2) ? 0 : q - 1;
  return v;
}

std::string where(const std::string& path, std::size_t n, int bits) {
  return path + " n=" + std::to_string(n) + " bits=" + std::to_string(bits);
}

}  // namespace

TEST(ntt_simd_paths_match_portable) {
  std::mt19937_64 rng(7);
  const auto paths = ntt_paths();
  for (int bits : {30, 40, 49, 50, 55, 60}) {
    for (int log_n = 1; log_n <= 17; ++log_n) {
      const std::size_t n = std::size_t{1} << log_n;
      const Modulus q = generate_ntt_primes(bits, 1, n)[0];
      const NttTables t(n, q);
      const int inputs = log_n <= 12 ? 3 : 1;
      for (int k = 0; k < inputs; ++k) {
        Limb in = test_input(n, q.value(), rng);
        if (k == 1) std::fill(in.begin(), in.end(), q.value() - 1);
        Limb ref_fwd = in, ref_inv = in;
        ntt_kernels::forward_portable(t, ref_fwd.data());
        ntt_kernels::inverse_portable(t, ref_inv.data());
        for (const auto& path : paths) {
          Limb fwd = in, inv = in;
          path.forward(t, fwd.data());
          path.inverse(t, inv.data());
          if (fwd != ref_fwd) throw hnn_test::Failure{"forward differs: " + where(path.name, n, bits)};
          if (inv != ref_inv) throw hnn_test::Failure{"inverse differs: " + where(path.name, n, bits)};
        }
      }
    }
  }
}

// The double-precision FMA kernels (q < 2^50; AVX-512 and AVX2) against the portable ones, called directly
// (whatever the dispatcher picks): primes of 20..50 bits (the 50-bit one just below 2^50, the 46-bit one at
// the switch of lazy schedules), every n from 2^4 to 2^17 (and the fallbacks below), random inputs with 0 and
// q-1 edges, all q-1, all 0.
TEST(ntt_fp64_matches_portable) {
  struct Fp64Path {
    std::string name;
    bool (*supports)(const NttTables&);
    NttKernel forward, inverse;
  };
  std::vector<Fp64Path> kernels;
#if defined(HNN_HAVE_AVX2_KERNELS)
  if (detected_simd_level() >= SimdLevel::kAvx2)
    kernels.push_back({"fp64-avx2", ntt_kernels::fp64_avx2_supports, ntt_kernels::forward_fp64_avx2,
                       ntt_kernels::inverse_fp64_avx2});
#endif
#if defined(HNN_HAVE_AVX512_KERNELS)
  if (detected_simd_level() >= SimdLevel::kAvx512)
    kernels.push_back({"fp64-avx512", ntt_kernels::fp64_supports, ntt_kernels::forward_fp64_avx512,
                       [](const NttTables& t, std::uint64_t* a) { ntt_kernels::inverse_fp64_avx512(t, a); }});
#endif
  std::mt19937_64 rng(17);
  for (const Fp64Path& k : kernels) {
    for (int bits : {20, 30, 40, 45, 46, 47, 49, 50}) {
      for (int log_n = 1; log_n <= 17; ++log_n) {
        const std::size_t n = std::size_t{1} << log_n;
        const Modulus q = generate_ntt_primes(bits, 1, n)[0];
        const NttTables t(n, q);
        CHECK(k.supports(t) == (n >= 16));
        const int inputs = log_n <= 12 ? 4 : 3;
        for (int i = 0; i < inputs; ++i) {
          Limb in = test_input(n, q.value(), rng);
          if (i == 1) std::fill(in.begin(), in.end(), q.value() - 1);
          if (i == 2 && log_n > 12) std::fill(in.begin(), in.end(), q.value() - 1);
          if (i == 3) std::fill(in.begin(), in.end(), 0);
          Limb ref_fwd = in, ref_inv = in, fwd = in, inv = in;
          ntt_kernels::forward_portable(t, ref_fwd.data());
          ntt_kernels::inverse_portable(t, ref_inv.data());
          k.forward(t, fwd.data());
          k.inverse(t, inv.data());
          if (fwd != ref_fwd) throw hnn_test::Failure{"forward differs: " + where(k.name, n, bits)};
          if (inv != ref_inv) throw hnn_test::Failure{"inverse differs: " + where(k.name, n, bits)};
          k.inverse(t, fwd.data());
          if (fwd != in) throw hnn_test::Failure{"round trip differs: " + where(k.name, n, bits)};
        }
      }
    }
    // Moduli of 50 bits and more have no FP64 tables and fall back to another kernel.
    const NttTables big(1024, generate_ntt_primes(51, 1, 1024)[0]);
    CHECK(!big.has_fp64_tables() && !k.supports(big));
  }
}

// The public entry points dispatch to every level the CPU has and round-trip exactly.
TEST(ntt_dispatch_all_levels_round_trip) {
  std::mt19937_64 rng(8);
  const SimdLevel saved = active_simd_level();
  for (int bits : {40, 60}) {
    const std::size_t n = 4096;
    const Modulus q = generate_ntt_primes(bits, 1, n)[0];
    const NttTables t(n, q);
    const Limb in = test_input(n, q.value(), rng);
    set_simd_level(SimdLevel::kPortable);
    Limb ref = in;
    t.forward(ref.data());
    for (int level = 0; level <= static_cast<int>(detected_simd_level()); ++level) {
      set_simd_level(static_cast<SimdLevel>(level));
      CHECK(active_simd_level() == static_cast<SimdLevel>(level));
      Limb v = in;
      t.forward(v.data());
      CHECK(v == ref);
      t.inverse(v.data());
      CHECK(v == in);
    }
  }
  set_simd_level(saved);
}

// The out-of-place inverse (key switching transforms limbs it must keep) equals the in-place one at every
// level and leaves its input alone; 28- to 60-bit primes cover the FP64 kernel's two ranges and the integer one.
TEST(ntt_inverse_out_of_place_matches_in_place) {
  std::mt19937_64 rng(9);
  const SimdLevel saved = active_simd_level();
  for (int bits : {28, 32, 48, 60}) {
    for (std::size_t n : {std::size_t{64}, std::size_t{4096}, std::size_t{16384}}) {
      const Modulus q = generate_ntt_primes(bits, 1, n)[0];
      const NttTables t(n, q);
      const Limb in = test_input(n, q.value(), rng);
      for (int level = 0; level <= static_cast<int>(detected_simd_level()); ++level) {
        set_simd_level(static_cast<SimdLevel>(level));
        Limb in_place = in, input = in, out(n, 0);
        t.inverse(in_place.data());
        t.inverse(input.data(), out.data());
        if (out != in_place || input != in)
          throw hnn_test::Failure{"out-of-place inverse differs at " + to_string(static_cast<SimdLevel>(level)) +
                                  ", " + std::to_string(bits) + "-bit prime, n = " + std::to_string(n)};
      }
    }
  }
  set_simd_level(saved);
}

// The block-moving automorphism kernel against the scalar gather, for every rotation and conjugation of small
// rings and some of N = 16384.
TEST(ntt_automorphism_simd_levels_match_portable) {
  std::mt19937_64 rng(31);
  const SimdLevel saved = active_simd_level();
  for (std::size_t n : {std::size_t{8}, std::size_t{64}, std::size_t{1024}, std::size_t{16384}}) {
    std::vector<std::uint64_t> elements{galois_element_conjugate(n)};
    const long long slots = static_cast<long long>(n / 2);
    for (long long step = 1; step < slots; step += n <= 1024 ? 1 : 997) elements.push_back(galois_element_for_step(step, n));
    Limb in(n);
    for (auto& v : in) v = rng();
    for (std::uint64_t g : elements) {
      const auto perm = ntt_automorphism_permutation(n, g);
      set_simd_level(SimdLevel::kPortable);
      Limb want(n), got(n);
      apply_ntt_automorphism(in.data(), perm.data(), want.data(), n);
      for (int level = 1; level <= static_cast<int>(detected_simd_level()); ++level) {
        set_simd_level(static_cast<SimdLevel>(level));
        std::fill(got.begin(), got.end(), 0);
        apply_ntt_automorphism(in.data(), perm.data(), got.data(), n);
        if (got != want)
          throw hnn_test::Failure{"automorphism " + std::to_string(g) + " differs at " +
                                  to_string(static_cast<SimdLevel>(level)) + ", n = " + std::to_string(n)};
      }
    }
  }
  set_simd_level(saved);
}

// The element-wise kernels at every level the CPU has, against the portable level, for lengths around the
// vector width.
TEST(poly_arith_simd_levels_match_portable) {
  std::mt19937_64 rng(9);
  const SimdLevel saved = active_simd_level();
  for (int bits : {30, 49, 50, 60}) {
    const Modulus q = generate_ntt_primes(bits, 1, 1024)[0];
    const std::uint64_t qv = q.value();
    for (std::size_t n : {1u, 3u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 100u, 1024u, 1027u}) {
      Limb a = test_input(n, qv, rng), b = test_input(n, qv, rng), acc = test_input(n, qv, rng);
      if (n > 2) b[1] = qv - 1, a[1] = qv - 1;
      const std::uint64_t s = rng() % qv;
      const std::vector<std::pair<std::string, std::function<void(Limb&)>>> ops = {
          {"add", [&](Limb& o) { add_mod(a.data(), b.data(), o.data(), n, q); }},
          {"sub", [&](Limb& o) { sub_mod(a.data(), b.data(), o.data(), n, q); }},
          {"negate", [&](Limb& o) { negate_mod(a.data(), o.data(), n, q); }},
          {"mul", [&](Limb& o) { mul_mod(a.data(), b.data(), o.data(), n, q); }},
          {"mul_add", [&](Limb& o) { mul_add_mod(a.data(), b.data(), o.data(), n, q); }},
          {"mul_add_addend", [&](Limb& o) { mul_add_mod(a.data(), b.data(), a.data(), o.data(), n, q); }},
          {"mul_scalar", [&](Limb& o) { mul_scalar_mod(a.data(), s, o.data(), n, q); }},
          {"mul_scalar_edge", [&](Limb& o) { mul_scalar_mod(a.data(), qv - 1, o.data(), n, q); }},
          {"add_scalar", [&](Limb& o) { add_scalar_mod(a.data(), s, o.data(), n, q); }},
          {"add_scalar_edge", [&](Limb& o) { add_scalar_mod(a.data(), qv - 1, o.data(), n, q); }},
          {"sub_mul_scalar", [&](Limb& o) { sub_mul_scalar_mod(a.data(), b.data(), s, o.data(), n, q); }},
          {"sub_mul_scalar_add",
           [&](Limb& o) { sub_mul_scalar_add_mod(a.data(), b.data(), s, acc.data(), o.data(), n, q); }},
          {"sub_mul_scalar_add_in_place",
           [&](Limb& o) { sub_mul_scalar_add_mod(a.data(), b.data(), s, o.data(), o.data(), n, q); }},
          {"mul_scalar_add", [&](Limb& o) { mul_scalar_add_mod(a.data(), s, b.data(), o.data(), n, q); }},
          {"mul_scalar_add_in_place", [&](Limb& o) { mul_scalar_add_mod(a.data(), qv - 1, o.data(), o.data(), n, q); }},
          {"in_place_add", [&](Limb& o) { add_mod(o.data(), a.data(), o.data(), n, q); }},
      };
      for (const auto& [name, op] : ops) {
        set_simd_level(SimdLevel::kPortable);
        Limb ref = acc;
        op(ref);
        for (int level = 1; level <= static_cast<int>(detected_simd_level()); ++level) {
          set_simd_level(static_cast<SimdLevel>(level));
          Limb out = acc;
          op(out);
          if (out != ref)
            throw hnn_test::Failure{name + " differs at " + to_string(static_cast<SimdLevel>(level)) +
                                    " n=" + std::to_string(n) + " bits=" + std::to_string(bits)};
        }
      }
    }
  }
  set_simd_level(saved);
}

// The vector Barrett reduction at the edges of its range: moduli just above 2^(k-1) and just below 2^k for
// many k (where its estimate is loosest), operands near q, also for the Shoup-based scalar kernels.
TEST(poly_arith_simd_edge_moduli) {
  std::mt19937_64 rng(10);
  const SimdLevel saved = active_simd_level();
  std::vector<std::uint64_t> moduli = {2, 3, 4, 5, 7, 1ULL << 32, (1ULL << 60) - 1};
  for (int k : {3, 8, 17, 31, 32, 33, 45, 50, 51, 59, 60}) {
    moduli.push_back((1ULL << (k - 1)) + 1);
    moduli.push_back((1ULL << k) - 1);
    moduli.push_back((1ULL << (k - 1)) + (rng() >> (65 - k)));
  }
  const std::size_t n = 4099;
  for (std::uint64_t qv : moduli) {
    const Modulus q(qv);
    Limb a(n), b(n), acc(n);
    for (std::size_t i = 0; i < n; ++i) {
      const int kind = static_cast<int>(rng() % 4);
      a[i] = kind == 0 ? qv - 1 - rng() % std::min<std::uint64_t>(qv, 4) : rng() % qv;
      b[i] = kind == 1 ? qv - 1 : rng() % qv;
      acc[i] = kind == 2 ? qv - 1 : rng() % qv;
    }
    const std::uint64_t s = qv - 1;
    set_simd_level(SimdLevel::kPortable);
    Limb ref_mul(n), ref_mul_add = acc, ref_mul_scalar(n), ref_sub_mul(n);
    mul_mod(a.data(), b.data(), ref_mul.data(), n, q);
    mul_add_mod(a.data(), b.data(), ref_mul_add.data(), n, q);
    mul_scalar_mod(a.data(), s, ref_mul_scalar.data(), n, q);
    sub_mul_scalar_mod(a.data(), b.data(), s, ref_sub_mul.data(), n, q);
    for (int level = 1; level <= static_cast<int>(detected_simd_level()); ++level) {
      set_simd_level(static_cast<SimdLevel>(level));
      Limb out(n), out_add = acc, out_scalar(n), out_sub_mul(n);
      mul_mod(a.data(), b.data(), out.data(), n, q);
      mul_add_mod(a.data(), b.data(), out_add.data(), n, q);
      mul_scalar_mod(a.data(), s, out_scalar.data(), n, q);
      sub_mul_scalar_mod(a.data(), b.data(), s, out_sub_mul.data(), n, q);
      const std::string at = " q=" + std::to_string(qv) + " " + to_string(static_cast<SimdLevel>(level));
      if (out != ref_mul) throw hnn_test::Failure{"mul differs" + at};
      if (out_add != ref_mul_add) throw hnn_test::Failure{"mul_add differs" + at};
      if (out_scalar != ref_mul_scalar) throw hnn_test::Failure{"mul_scalar differs" + at};
      if (out_sub_mul != ref_sub_mul) throw hnn_test::Failure{"sub_mul_scalar differs" + at};
    }
  }
  set_simd_level(saved);
}

// The 128-bit accumulation of key switching: accumulate, then reduce, at every level; also reduction of
// arbitrary 128-bit values (including all-ones) and accumulators that wrap past 2^128 in the same way.
TEST(u128_accumulate_and_reduce_simd_levels_match_portable) {
  std::mt19937_64 rng(11);
  const SimdLevel saved = active_simd_level();
  for (int bits : {30, 50, 60}) {
    const Modulus q = generate_ntt_primes(bits, 1, 1024)[0];
    const std::uint64_t qv = q.value();
    for (std::size_t n : {1u, 5u, 8u, 13u, 64u, 1031u}) {
      std::vector<u128> start(n);
      for (auto& v : start) v = (static_cast<u128>(rng()) << 64) | rng();
      start[0] = ~static_cast<u128>(0);
      std::vector<Limb> as, bs;
      for (int k = 0; k < 5; ++k) {
        as.push_back(test_input(n, qv, rng));
        bs.push_back(test_input(n, qv, rng));
      }
      as[0][0] = ~std::uint64_t{0};  // any 64-bit operands are allowed
      bs[0][0] = ~std::uint64_t{0};
      std::vector<u128> ref_acc;
      Limb ref_out(n), ref_direct(n);
      for (int level = 0; level <= static_cast<int>(detected_simd_level()); ++level) {
        set_simd_level(static_cast<SimdLevel>(level));
        std::vector<u128> acc = start;
        for (int k = 0; k < 5; ++k) mul_accumulate_u128(as[k].data(), bs[k].data(), acc.data(), n);
        Limb out(n), direct(n);
        reduce_u128(acc.data(), out.data(), n, q);
        reduce_u128(start.data(), direct.data(), n, q);
        if (level == 0) {
          ref_acc = acc;
          ref_out = out;
          ref_direct = direct;
          for (std::size_t i = 0; i < n; ++i) CHECK_EQ(direct[i], static_cast<std::uint64_t>(start[i] % qv));
          continue;
        }
        const std::string at = to_string(static_cast<SimdLevel>(level)) + " n=" + std::to_string(n);
        if (acc != ref_acc) throw hnn_test::Failure{"mul_accumulate_u128 differs at " + at};
        if (out != ref_out) throw hnn_test::Failure{"reduce_u128 (accumulated) differs at " + at};
        if (direct != ref_direct) throw hnn_test::Failure{"reduce_u128 (random) differs at " + at};
      }
    }
  }
  set_simd_level(saved);
}

// Key switching's inner product on one limb at every level against the portable u128 sums, for term counts
// across the fold interval of the vector partial sums (every 2^(62-k) terms for k-bit moduli), the maximum
// count, and the largest operands (q - 1 everywhere: the partial sums' worst case).
TEST(dot_product_pair_simd_levels_match_portable) {
  std::mt19937_64 rng(13);
  const SimdLevel saved = active_simd_level();
  std::vector<std::uint64_t> moduli = {(1ULL << 60) - 1, (1ULL << 59) + 1, (1ULL << 55) - 1, (1ULL << 54) + 1, 3};
  for (int bits : {28, 30, 32, 40, 50, 60}) moduli.push_back(generate_ntt_primes(bits, 1, 1024)[0].value());
  for (std::uint64_t qv : moduli) {
    const Modulus q(qv);
    for (std::size_t count : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5}, std::size_t{8},
                              std::size_t{9}, std::size_t{17}, kMaxDotProductTerms}) {
      for (std::size_t n : {1u, 7u, 8u, 15u, 16u, 17u, 40u, 1031u}) {
        if (count == kMaxDotProductTerms && n > 40) continue;
        const bool worst = rng() % 2 == 0;
        std::vector<Limb> a(count, Limb(n)), b0(count, Limb(n)), b1(count, Limb(n));
        std::vector<const std::uint64_t*> pa, pb0, pb1;
        for (std::size_t j = 0; j < count; ++j) {
          for (std::size_t i = 0; i < n; ++i) {
            a[j][i] = worst ? qv - 1 : rng() % qv;
            b0[j][i] = worst ? qv - 1 : rng() % qv;
            b1[j][i] = rng() % qv;
          }
          pa.push_back(a[j].data());
          pb0.push_back(b0[j].data());
          pb1.push_back(b1[j].data());
        }
        set_simd_level(SimdLevel::kPortable);
        Limb ref0(n), ref1(n);
        dot_product_pair(pa.data(), pb0.data(), pb1.data(), count, ref0.data(), ref1.data(), n, q);
        for (std::size_t i = 0; i < n; ++i) {  // the reference itself, against plain 128-bit arithmetic
          u128 s = 0;
          for (std::size_t j = 0; j < count; ++j) s += static_cast<u128>(a[j][i]) * b0[j][i];
          CHECK_EQ(ref0[i], static_cast<std::uint64_t>(s % qv));
        }
        // The key halves as 32-bit words (a key limb modulo a prime below 2^32), at every level.
        std::vector<std::vector<std::uint32_t>> nb0(count), nb1(count);
        std::vector<const std::uint32_t*> pnb0, pnb1;
        if (qv < (std::uint64_t{1} << 32)) {
          for (std::size_t j = 0; j < count; ++j) {
            nb0[j].assign(b0[j].begin(), b0[j].end());
            nb1[j].assign(b1[j].begin(), b1[j].end());
            pnb0.push_back(nb0[j].data());
            pnb1.push_back(nb1[j].data());
          }
        }
        for (int level = 0; level <= static_cast<int>(detected_simd_level()); ++level) {
          set_simd_level(static_cast<SimdLevel>(level));
          Limb out0(n), out1(n);
          const std::string at = to_string(static_cast<SimdLevel>(level)) + " q=" + std::to_string(qv) +
                                 " count=" + std::to_string(count) + " n=" + std::to_string(n);
          if (level > 0) {
            dot_product_pair(pa.data(), pb0.data(), pb1.data(), count, out0.data(), out1.data(), n, q);
            if (out0 != ref0 || out1 != ref1) throw hnn_test::Failure{"dot_product_pair differs at " + at};
          }
          if (!pnb0.empty()) {
            Limb narrow0(n), narrow1(n);
            dot_product_pair(pa.data(), pnb0.data(), pnb1.data(), count, narrow0.data(), narrow1.data(), n, q);
            if (narrow0 != ref0 || narrow1 != ref1)
              throw hnn_test::Failure{"dot_product_pair with a 32-bit key differs at " + at};
          }
        }
      }
    }
  }
  set_simd_level(saved);
}

// The centered lift (the digit conversion of key switching and rescaling) at every level, for sources
// smaller than, up to twice and more than twice the target, with the values around the source's half.
TEST(centered_lift_simd_levels_match_portable) {
  std::mt19937_64 rng(14);
  const SimdLevel saved = active_simd_level();
  const std::vector<Modulus> primes = {generate_ntt_primes(40, 2, 1024)[0], generate_ntt_primes(40, 2, 1024)[1],
                                       generate_ntt_primes(60, 1, 1024)[0], generate_ntt_primes(30, 1, 1024)[0],
                                       Modulus(3)};
  for (const Modulus& from : primes) {
    for (const Modulus& to : primes) {
      const std::uint64_t f = from.value();
      for (std::size_t n : {1u, 7u, 8u, 9u, 1027u}) {
        Limb in(n);
        for (std::size_t i = 0; i < n; ++i) {
          const int kind = static_cast<int>(rng() % 6);
          in[i] = kind == 0 ? f / 2 : kind == 1 ? f / 2 + 1 : kind == 2 ? f - 1 : kind == 3 ? 0 : rng() % f;
        }
        set_simd_level(SimdLevel::kPortable);
        Limb ref(n);
        centered_lift(in.data(), from, to, ref.data(), n);
        for (std::size_t i = 0; i < n; ++i) CHECK_EQ(ref[i], from_signed(to_centered(in[i], from), to));
        for (int level = 1; level <= static_cast<int>(detected_simd_level()); ++level) {
          set_simd_level(static_cast<SimdLevel>(level));
          Limb out(n);
          centered_lift(in.data(), from, to, out.data(), n);
          if (out != ref)
            throw hnn_test::Failure{"centered_lift differs at " + to_string(static_cast<SimdLevel>(level)) +
                                    " from=" + std::to_string(f) + " to=" + std::to_string(to.value())};
        }
      }
    }
  }
  set_simd_level(saved);
}

// The transform of a centered lift (the FP64 kernel reads the lift in its first pass; the others lift in a
// pass of their own) at every level against the portable lift and transform, for sizes with an odd radix-2
// first stage and without, small sizes, targets below and above 2^50, and sources below, near and above twice
// the target.
TEST(ntt_forward_lifted_matches_lift_then_forward) {
  std::mt19937_64 rng(15);
  const SimdLevel saved = active_simd_level();
  for (std::size_t n : {2u, 8u, 16u, 32u, 64u, 2048u, 4096u, 8192u, 16384u}) {
    const std::vector<Modulus> p40 = generate_ntt_primes(40, 3, n), p45 = generate_ntt_primes(45, 1, n);
    const std::vector<Modulus> p49 = generate_ntt_primes(49, 1, n), p60 = generate_ntt_primes(60, 2, n);
    const std::vector<Modulus> p52 = generate_ntt_primes(52, 1, n);
    const std::vector<std::pair<Modulus, Modulus>> pairs = {
        {p40[0], p40[1]}, {p40[2], p40[0]}, {p45[0], p40[0]}, {p40[0], p45[0]}, {p49[0], p49[0]},
        {p60[0], p40[1]}, {p40[1], p60[0]}, {p49[0], p40[0]}, {p60[0], p60[1]}, {p60[1], p60[0]},
        {p52[0], p60[0]}, {p60[0], p52[0]}, {p49[0], p52[0]}};
    for (const auto& [from, to] : pairs) {
      const NttTables tables(n, to);
      Limb in = test_input(n, from.value(), rng);
      in[1] = from.value() / 2, in[n - 2] = from.value() / 2 + 1;
      set_simd_level(SimdLevel::kPortable);
      Limb ref(n);
      centered_lift(in.data(), from, to, ref.data(), n);
      tables.forward(ref.data());
      for (int level = 0; level <= static_cast<int>(detected_simd_level()); ++level) {
        set_simd_level(static_cast<SimdLevel>(level));
        Limb out(n);
        tables.forward_lifted(in.data(), from, out.data());
        if (out != ref)
          throw hnn_test::Failure{"forward_lifted differs at " + to_string(static_cast<SimdLevel>(level)) +
                                  " n=" + std::to_string(n) + " from=" + std::to_string(from.value()) +
                                  " to=" + std::to_string(to.value())};
      }
    }
  }
  set_simd_level(saved);
}

// Base conversions (key switching's digits of several primes and its mod-down by several special primes) at
// every level against the portable sums: centered into each target, from precomputed terms, and exact; bases
// of 28- to 60-bit primes (those of at most 32 bits take the signed-term path where the sums allow: the
// head's digit of a 32-bit and three 28-bit primes does, four 32-bit primes into a 32-bit target do not;
// the exact conversion from four 30-bit primes into a 32-bit one has 64-bit sums by its actual bounds only),
// inputs with the values around each prime's half.
TEST(base_conversion_simd_levels_match_portable) {
  std::mt19937_64 rng(17);
  const SimdLevel saved = active_simd_level();
  const std::size_t n = 1031;
  const std::vector<std::vector<int>> shapes = {{31, 31, 31}, {40, 40},         {60, 40, 40, 40, 40}, {60, 60},
                                                {31, 60, 31}, {32, 28, 28, 28}, {32, 32, 32, 32},     {30, 30},
                                                {30, 30, 30, 30}};
  for (const auto& from_bits : shapes) {
    for (const auto& to_bits : shapes) {
      std::map<int, std::vector<Modulus>> primes;
      std::map<int, std::size_t> used;
      const auto take = [&](int bits) {
        if (!primes.count(bits)) primes[bits] = generate_ntt_primes(bits, 8, 1024);
        return primes[bits][used[bits]++];
      };
      std::vector<Modulus> from, to;
      for (int b : from_bits) from.push_back(take(b));
      for (int b : to_bits) to.push_back(take(b));
      const BaseConverter conv{RnsBase(from), RnsBase(to)};
      const bool small = std::max(*std::max_element(from_bits.begin(), from_bits.end()),
                                  *std::max_element(to_bits.begin(), to_bits.end())) <= 32;
      const bool four_32_bit_into_32_bit = from_bits == std::vector<int>{32, 32, 32, 32} &&
                                           std::count(to_bits.begin(), to_bits.end(), 32) > 0;
      CHECK_EQ(conv.signed_terms(), small && !four_32_bit_into_32_bit);
      Limb in(from.size() * n);
      for (std::size_t i = 0; i < from.size(); ++i) {
        const std::uint64_t q = from[i].value();
        for (std::size_t c = 0; c < n; ++c) {
          const int kind = static_cast<int>(rng() % 5);
          in[i * n + c] = kind == 0 ? q / 2 : kind == 1 ? q / 2 + 1 : kind == 2 ? q - 1 : rng() % q;
        }
      }
      const auto run = [&](Limb& centered, Limb& from_terms, Limb& exact) {
        centered.assign(to.size() * n, 0);
        from_terms.assign(to.size() * n, 0);
        exact.assign(to.size() * n, 0);
        Limb terms(from.size() * n);
        conv.centered_terms(in.data(), terms.data(), n);
        for (std::size_t j = 0; j < to.size(); ++j) {
          conv.fast_convert_centered_to(in.data(), j, centered.data() + j * n, n);
          conv.centered_convert_terms_to(terms.data(), j, from_terms.data() + j * n, n);
        }
        conv.exact_convert(in.data(), exact.data(), n);
      };
      set_simd_level(SimdLevel::kPortable);
      Limb ref_centered, ref_terms, ref_exact;
      run(ref_centered, ref_terms, ref_exact);
      CHECK(ref_terms == ref_centered);
      for (int level = 1; level <= static_cast<int>(detected_simd_level()); ++level) {
        set_simd_level(static_cast<SimdLevel>(level));
        Limb centered, terms, exact;
        run(centered, terms, exact);
        const std::string at = " at " + to_string(static_cast<SimdLevel>(level)) + ", " +
                               std::to_string(from.size()) + " -> " + std::to_string(to.size()) + " primes";
        if (centered != ref_centered) throw hnn_test::Failure{"fast_convert_centered_to differs" + at};
        if (terms != ref_terms) throw hnn_test::Failure{"centered_convert_terms_to differs" + at};
        if (exact != ref_exact) throw hnn_test::Failure{"exact_convert differs" + at};
      }
    }
  }
  set_simd_level(saved);
}

// The IFMA52 element-wise products through emulated lanes (on every CPU), against portable, for moduli up to
// 50 bits including the edges of the radix-2^52 Barrett reduction's range.
TEST(poly_arith_ifma_emulated_matches_portable) {
  std::mt19937_64 rng(12);
  const SimdLevel saved = active_simd_level();
  set_simd_level(SimdLevel::kPortable);
  std::vector<std::uint64_t> moduli = {3, 5, 7};
  for (int k : {3, 8, 17, 31, 32, 33, 40, 45, 49, 50}) {
    moduli.push_back((1ULL << (k - 1)) + 1);
    moduli.push_back((1ULL << k) - 1);
    moduli.push_back(((1ULL << (k - 1)) + (rng() >> (65 - k))) | 1);
  }
  for (int bits : {30, 40, 49, 50}) moduli.push_back(generate_ntt_primes(bits, 1, 1024)[0].value());
  for (std::size_t n : {1u, 7u, 8u, 9u, 4099u}) {
    for (std::uint64_t qv : moduli) {
      const Modulus q(qv);
      CHECK(poly_kernels::ifma_applies(q));
      Limb a(n), b(n), acc(n);
      for (std::size_t i = 0; i < n; ++i) {
        const int kind = static_cast<int>(rng() % 4);
        a[i] = kind == 0 ? qv - 1 : rng() % qv;
        b[i] = kind == 1 || kind == 0 ? qv - 1 : rng() % qv;
        acc[i] = kind == 2 || kind == 0 ? qv - 1 : rng() % qv;
      }
      for (std::uint64_t s : {std::uint64_t{0}, std::uint64_t{1}, qv - 1, rng() % qv}) {
        Limb ref(n), got(n);
        mul_scalar_mod(a.data(), s, ref.data(), n, q);
        poly_kernels::mul_scalar_ifma_emulated(a.data(), s, got.data(), n, q);
        if (got != ref) throw hnn_test::Failure{"mul_scalar (ifma-emulated) differs, q=" + std::to_string(qv)};
        sub_mul_scalar_mod(a.data(), b.data(), s, ref.data(), n, q);
        poly_kernels::sub_mul_scalar_ifma_emulated(a.data(), b.data(), s, got.data(), n, q);
        if (got != ref) throw hnn_test::Failure{"sub_mul_scalar (ifma-emulated) differs, q=" + std::to_string(qv)};
      }
      Limb ref(n), got(n), ref_add = acc, got_add = acc;
      mul_mod(a.data(), b.data(), ref.data(), n, q);
      poly_kernels::mul_ifma_emulated(a.data(), b.data(), got.data(), n, q);
      if (got != ref) throw hnn_test::Failure{"mul (ifma-emulated) differs, q=" + std::to_string(qv)};
      mul_add_mod(a.data(), b.data(), ref_add.data(), n, q);
      poly_kernels::mul_add_ifma_emulated(a.data(), b.data(), got_add.data(), got_add.data(), n, q);
      if (got_add != ref_add) throw hnn_test::Failure{"mul_add (ifma-emulated) differs, q=" + std::to_string(qv)};
    }
  }
  CHECK(!poly_kernels::ifma_applies(generate_ntt_primes(51, 1, 1024)[0]));
  set_simd_level(saved);
}
