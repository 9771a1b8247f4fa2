// CKKS layer: encoding, encryption, every evaluator operation against plain double arithmetic.
#include <algorithm>
#include <cstdio>
#include <functional>

#include "ckks_fixture.h"
#include "hnn/ring/automorphism.h"
#include "hnn/ring/simd.h"
#include "hnn/rlwe/key_shape.h"
#include "hnn/util/bits.h"
#include "hnn/util/thread_pool.h"
#include "test_framework.h"

using namespace hnn;
using hnn_test::CkksSetup;
using hnn_test::max_abs_error;
using hnn_test::random_vector;

namespace {

// Slot k of m must be m(zeta^(5^k)): check the encoder against the definition on a small ring.
void check_embedding_definition(std::size_t n) {
  EncryptionParameters p(n);
  p.set_coeff_modulus(coeff_modulus::create(n, {50, 50, 50}));
  auto ctx = Context::create(p, SecurityLevel::kNone);
  CkksEncoder enc(ctx);
  std::mt19937_64 rng(11);
  std::vector<std::complex<double>> z(n / 2);
  for (auto& v : z) v = {std::uniform_real_distribution<double>(-1, 1)(rng), std::uniform_real_distribution<double>(-1, 1)(rng)};
  Plaintext pt;
  const double scale = std::ldexp(1.0, 30);
  enc.encode(z, scale, 1, pt);
  // Recover integer coefficients through the NTT of limb 0 (values are small enough to fit one prime).
  std::vector<std::uint64_t> c(pt.limb(0), pt.limb(0) + n);
  ctx->ntt(0).inverse(c.data());
  const double pi = 3.14159265358979323846;
  std::size_t g = 1;
  for (std::size_t k = 0; k < n / 2; ++k) {
    std::complex<double> acc = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double angle = pi * static_cast<double>(g * i % (2 * n)) / static_cast<double>(n);
      acc += static_cast<double>(to_centered(c[i], ctx->prime(0))) * std::complex<double>(std::cos(angle), std::sin(angle));
    }
    acc /= scale;
    CHECK(std::abs(acc - z[k]) < 1e-6);
    g = g * 5 % (2 * n);
  }
}

}  // namespace

TEST(encoding_follows_the_canonical_embedding) {
  check_embedding_definition(16);
  check_embedding_definition(64);
}

TEST(encode_decode_round_trip_relative_error_below_2_pow_minus_30) {
  for (std::size_t n : {8192u, 16384u}) {
    EncryptionParameters p(n);
    p.set_coeff_modulus(coeff_modulus::create(n, {60, 40, 40, 60}));
    auto ctx = Context::create(p);
    CkksEncoder enc(ctx);
    std::mt19937_64 rng(12);
    auto v = random_vector(n / 2, rng);
    for (std::size_t level : {std::size_t(0), ctx->max_level()}) {
      Plaintext pt;
      enc.encode(v, std::ldexp(1.0, 40), level, pt);
      std::vector<double> out;
      enc.decode(pt, out);
      // Relative error in the max norm: ||decode(encode(v)) - v|| / ||v||.
      double norm = 0;
      for (double x : v) norm = std::max(norm, std::fabs(x));
      CHECK_LT(max_abs_error(out, v) / norm, std::ldexp(1.0, -30));
    }
    // Complex values too.
    std::vector<std::complex<double>> z(n / 2);
    for (std::size_t i = 0; i < z.size(); ++i) z[i] = {v[i], -v[(i + 1) % v.size()]};
    Plaintext pt;
    enc.encode(z, std::ldexp(1.0, 40), ctx->max_level(), pt);
    std::vector<std::complex<double>> back;
    enc.decode(pt, back);
    for (std::size_t i = 0; i < z.size(); ++i) CHECK(std::abs(back[i] - z[i]) < 1e-9);
  }
}

// Decoding reconstructs coefficients from two primes when they are small and from all primes otherwise;
// a scale of 2^110 puts the coefficients beyond q_0 q_1 / 2 ~ 2^99, exercising the multi-word path.
namespace {

// The encoder as first written (complex radix-2 FFT, bit reversal, nearbyint, signed residue, NTT), kept
// here as the reference the faster paths must match word for word.
std::vector<std::uint64_t> reference_encode(const Context& ctx, std::vector<std::complex<double>> z, double scale,
                                            std::size_t level) {
  const std::size_t n = ctx.n(), slots = n / 2, m = 2 * n;
  z.resize(slots);
  std::vector<std::complex<double>> tw;
  for (std::size_t len = 2; len <= slots; len <<= 1) {
    const std::size_t lenq = len << 2, gap = m / lenq;
    std::size_t g = 1;
    for (std::size_t j = 0; j < len / 2; ++j) {
      const long double angle = static_cast<long double>(6.283185307179586476925286766559) * ((g & (lenq - 1)) * gap) / m;
      tw.emplace_back(static_cast<double>(std::cos(angle)), static_cast<double>(std::sin(angle)));
      g = g * 5 % m;
    }
  }
  auto mul = [](std::complex<double> a, std::complex<double> b) {
    return std::complex<double>(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real());
  };
  const std::complex<double>* t = tw.data() + tw.size();
  for (std::size_t len = slots; len >= 2; len >>= 1) {
    const std::size_t half = len >> 1;
    t -= half;
    for (std::size_t i = 0; i < slots; i += len)
      for (std::size_t j = 0; j < half; ++j) {
        const std::complex<double> a = z[i + j], b = z[i + j + half];
        z[i + j] = a + b;
        z[i + j + half] = mul(a - b, std::conj(t[j]));
      }
  }
  const int bits = log2_floor(slots);
  std::vector<std::uint64_t> words((level + 1) * n);
  for (std::size_t l = 0; l <= level; ++l) {
    const Modulus& q = ctx.prime(l);
    for (std::size_t i = 0; i < slots; ++i) {
      const std::complex<double> c = z[reverse_bits(i, bits)] * (1.0 / static_cast<double>(slots));
      words[l * n + i] = from_signed(static_cast<std::int64_t>(std::nearbyint(c.real() * scale)), q);
      words[l * n + i + slots] = from_signed(static_cast<std::int64_t>(std::nearbyint(c.imag() * scale)), q);
    }
    ctx.ntt(l).forward(words.data() + l * n);
  }
  return words;
}

}  // namespace

// Every SIMD level must produce the reference's words, for real and complex inputs, short inputs, and scales
// on both sides of the vector residue path's 2^51 limit.
TEST(encode_words_match_the_reference_at_every_simd_level) {
  const SimdLevel saved = active_simd_level();
  for (std::size_t n : {32u, 64u, 16384u}) {
    EncryptionParameters p(n);
    p.set_coeff_modulus(coeff_modulus::create(n, {60, 40, 40, 40, 60}));
    auto ctx = Context::create(p, SecurityLevel::kNone);
    CkksEncoder enc(ctx);
    std::mt19937_64 rng(31 + n);
    std::uniform_real_distribution<double> dist(-1, 1);
    for (int scale_bits : {40, 50, 58}) {
      const double scale = std::ldexp(1.0, scale_bits);
      std::vector<double> real(n / 2 - 3);
      for (auto& x : real) x = dist(rng);
      std::vector<std::complex<double>> z(n / 2);
      for (auto& x : z) x = {dist(rng), dist(rng)};
      const std::vector<std::complex<double>> real_as_complex(real.begin(), real.end());
      const auto want_real = reference_encode(*ctx, real_as_complex, scale, ctx->max_level());
      const auto want_complex = reference_encode(*ctx, z, scale, 1);
      for (int level = 0; level <= static_cast<int>(detected_simd_level()); ++level) {
        set_simd_level(static_cast<SimdLevel>(level));
        Plaintext a, b;
        enc.encode(real, scale, ctx->max_level(), a);
        enc.encode(z, scale, 1, b);
        CHECK(std::equal(want_real.begin(), want_real.end(), a.data()));
        CHECK(std::equal(want_complex.begin(), want_complex.end(), b.data()));
      }
      set_simd_level(saved);
    }
  }
}

TEST(decode_is_exact_beyond_the_two_prime_range) {
  EncryptionParameters p(8192);
  p.set_coeff_modulus(coeff_modulus::create(8192, {60, 40, 40, 60}));
  auto ctx = Context::create(p);
  CkksEncoder enc(ctx);
  std::mt19937_64 rng(21);
  auto v = random_vector(4096, rng);
  for (double scale_bits : {40.0, 110.0}) {
    Plaintext pt;
    enc.encode(v, std::ldexp(1.0, static_cast<int>(scale_bits)), ctx->max_level(), pt);
    std::vector<double> out;
    enc.decode(pt, out);
    CHECK_LT(max_abs_error(out, v), 1e-9);
  }
}

TEST(encoder_rejects_bad_input) {
  CkksSetup s(1024, {30, 30}, SecurityLevel::kNone);
  Plaintext pt;
  std::vector<double> too_long(513, 0.5), nan_values{0.1, std::nan("")}, inf_values{INFINITY};
  CHECK_THROWS(s.encoder->encode(too_long, s.scale, 0, pt), InvalidArgumentError);
  CHECK_THROWS(s.encoder->encode(nan_values, s.scale, 0, pt), InvalidArgumentError);
  CHECK_THROWS(s.encoder->encode(inf_values, s.scale, 0, pt), InvalidArgumentError);
  CHECK_THROWS(s.encoder->encode(std::vector<double>{1.0}, -1.0, 0, pt), InvalidArgumentError);
  CHECK_THROWS(s.encoder->encode(std::vector<double>{1.0}, s.scale, 5, pt), InvalidArgumentError);
  // 2^25 * 2^40 does not fit a 30-bit modulus.
  CHECK_THROWS(s.encoder->encode(std::vector<double>{1e7}, s.scale, 0, pt), InvalidArgumentError);
  CHECK(pt.empty());  // nothing was written by the failed calls
}

TEST(encrypt_decrypt_public_and_symmetric) {
  CkksSetup s(8192, {60, 40, 40, 60});
  std::mt19937_64 rng(13);
  auto v = random_vector(4096, rng);
  CHECK_LT(max_abs_error(s.decrypt(s.encrypt(v)), v), 1e-6);
  Plaintext pt;
  s.encoder->encode(v, s.scale, 1, pt);
  Ciphertext ct;
  s.encryptor->encrypt_symmetric(pt, ct);
  CHECK(ct.c1_seed().has_value());
  CHECK_EQ(ct.level(), 1u);
  CHECK_LT(max_abs_error(s.decrypt(ct), v), 1e-6);
  // Another key cannot decrypt.
  KeyGenerator other(s.ctx);
  Decryptor wrong(s.ctx, other.secret_key());
  Plaintext p2;
  wrong.decrypt(ct, p2);
  std::vector<double> garbage;
  s.encoder->decode(p2, garbage);
  CHECK(max_abs_error(garbage, v) > 1.0);
}

TEST(additive_operations_and_scalars) {
  CkksSetup s(8192, {60, 40, 40, 60});
  std::mt19937_64 rng(14);
  auto a = random_vector(4096, rng), b = random_vector(4096, rng);
  Ciphertext ca = s.encrypt(a), cb = s.encrypt(b), r;
  std::vector<double> want(4096);
  s.evaluator->add(ca, cb, r);
  for (int i = 0; i < 4096; ++i) want[i] = a[i] + b[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-6);
  s.evaluator->sub(ca, cb, r);
  for (int i = 0; i < 4096; ++i) want[i] = a[i] - b[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-6);
  r = ca;
  s.evaluator->negate_inplace(r);
  s.evaluator->add_scalar_inplace(r, 0.75);
  for (int i = 0; i < 4096; ++i) want[i] = 0.75 - a[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-6);
  Plaintext pb;
  s.encoder->encode(b, s.scale, s.ctx->max_level(), pb);
  r = ca;
  s.evaluator->add_plain_inplace(r, pb);
  for (int i = 0; i < 4096; ++i) want[i] = a[i] + b[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-6);
  s.evaluator->sub_plain_inplace(r, pb);
  CHECK_LT(max_abs_error(s.decrypt(r), a), 1e-6);
  r = ca;
  s.evaluator->multiply_integer_inplace(r, -3);
  for (int i = 0; i < 4096; ++i) want[i] = -3 * a[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-6);
  CHECK_EQ(r.level(), ca.level());
  r = ca;
  s.evaluator->multiply_scalar_inplace(r, 0.3, s.scale);
  s.evaluator->rescale_inplace(r);
  for (int i = 0; i < 4096; ++i) want[i] = 0.3 * a[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-6);
}

// The bar: for N = 8192, 16384, 32768 with 40-bit primes, every operation below stays within 1e-5.
// N = 8192 cannot hold a depth-6 chain at 128-bit security (218 bits), so that one case opts out explicitly.
static void run_accuracy_suite(std::size_t n) {
  std::vector<int> bits{60, 40, 40, 40, 40, 40, 40, 40, 60};
  const SecurityLevel sec = n == 8192 ? SecurityLevel::kNone : SecurityLevel::kClassical128;
  CkksSetup s(n, bits, sec);
  const std::size_t slots = n / 2;
  std::mt19937_64 rng(15 + n);
  auto a = random_vector(slots, rng), b = random_vector(slots, rng);
  Ciphertext ca = s.encrypt(a), cb = s.encrypt(b), r;
  std::vector<double> want(slots);
  double worst = 0;
  auto record = [&](const char* what, double err) {
    std::printf("    N=%zu %-28s max abs error %.3g\n", n, what, err);
    worst = std::max(worst, err);
    CHECK_LT(err, 1e-5);
  };

  s.evaluator->multiply_relin_rescale(ca, cb, s.rk, r);
  for (std::size_t i = 0; i < slots; ++i) want[i] = a[i] * b[i];
  record("multiply+relin+rescale", max_abs_error(s.decrypt(r), want));
  CHECK_EQ(r.level(), s.ctx->max_level() - 1);

  Plaintext pb;
  s.encoder->encode(b, s.scale, s.ctx->max_level(), pb);
  s.evaluator->multiply_plain(ca, pb, r);
  s.evaluator->rescale_inplace(r);
  record("multiply_plain+rescale", max_abs_error(s.decrypt(r), want));

  const long long quarter = static_cast<long long>(n / 4);
  std::vector<long long> steps{1, -1, 7, -7, quarter};
  GaloisKeys gk;
  s.keygen->create_galois_keys(steps, true, gk);
  for (long long st : steps) {
    s.evaluator->rotate(ca, st, gk, r);
    for (std::size_t i = 0; i < slots; ++i)
      want[i] = a[static_cast<std::size_t>(((static_cast<long long>(i) + st) % static_cast<long long>(slots) + slots) % slots)];
    char what[64];
    std::snprintf(what, sizeof what, "rotate %lld", st);
    record(what, max_abs_error(s.decrypt(r), want));
  }
  // Hoisted rotations give the same values.
  std::vector<Ciphertext> hoisted;
  s.evaluator->rotate_hoisted(ca, steps, gk, hoisted);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    for (std::size_t i = 0; i < slots; ++i)
      want[i] = a[static_cast<std::size_t>(((static_cast<long long>(i) + steps[k]) % static_cast<long long>(slots) + slots) % slots)];
    record("hoisted rotate", max_abs_error(s.decrypt(hoisted[k]), want));
  }
  // A sum of rotations with one mod-down (the identity among them, one step twice) gives the sum of the values.
  const std::vector<long long> sum_steps{0, 1, 7, quarter, 7};
  s.evaluator->rotate_sum(ca, sum_steps, gk, r);
  for (std::size_t i = 0; i < slots; ++i) {
    want[i] = 0;
    for (long long st : sum_steps)
      want[i] += a[static_cast<std::size_t>((static_cast<long long>(i) + st) % static_cast<long long>(slots))];
  }
  record("rotate_sum", max_abs_error(s.decrypt(r), want) / static_cast<double>(sum_steps.size()));
  // Conjugation of a complex vector.
  std::vector<std::complex<double>> z(slots);
  for (std::size_t i = 0; i < slots; ++i) z[i] = {a[i], b[i]};
  Plaintext pz;
  s.encoder->encode(z, s.scale, s.ctx->max_level(), pz);
  Ciphertext cz;
  s.encryptor->encrypt(pz, cz);
  s.evaluator->conjugate(cz, gk, r);
  Plaintext pr;
  s.decryptor->decrypt(r, pr);
  std::vector<std::complex<double>> zc;
  s.encoder->decode(pr, zc);
  double conj_err = 0;
  for (std::size_t i = 0; i < slots; ++i) conj_err = std::max(conj_err, std::abs(zc[i] - std::conj(z[i])));
  record("conjugate", conj_err);

  // Depth-6 polynomial: f applied six times, f(z) = z^2 - 0.5 (degree 64 in x).
  Ciphertext cp = ca;
  std::vector<double> plain = a;
  for (int d = 0; d < 6; ++d) {
    Ciphertext sq;
    s.evaluator->square(cp, sq);
    s.evaluator->relinearize_inplace(sq, s.rk);
    s.evaluator->rescale_inplace(sq);
    s.evaluator->add_scalar_inplace(sq, -0.5);
    cp = std::move(sq);
    for (auto& x : plain) x = x * x - 0.5;
  }
  CHECK_EQ(cp.level(), s.ctx->max_level() - 6);
  record("depth-6 polynomial", max_abs_error(s.decrypt(cp), plain));
  std::printf("    N=%zu worst error %.3g\n", n, worst);
}

TEST(accuracy_n8192) { run_accuracy_suite(8192); }
TEST(accuracy_n16384) { run_accuracy_suite(16384); }
TEST(accuracy_n32768) { run_accuracy_suite(32768); }

TEST(fused_multiply_accumulate_matches_sum_of_products) {
  CkksSetup s(8192, {60, 40, 40, 60});
  std::mt19937_64 rng(16);
  std::vector<Ciphertext> cts;
  std::vector<Plaintext> pts;
  std::vector<double> want(4096, 0.0);
  for (int k = 0; k < 20; ++k) {
    auto x = random_vector(4096, rng), w = random_vector(4096, rng);
    cts.push_back(s.encrypt(x));
    Plaintext p;
    s.encoder->encode(w, s.scale, s.ctx->max_level(), p);
    pts.push_back(std::move(p));
    for (int i = 0; i < 4096; ++i) want[i] += x[i] * w[i];
  }
  std::vector<const Ciphertext*> ca;
  std::vector<const Plaintext*> pa;
  for (int k = 0; k < 20; ++k) {
    ca.push_back(&cts[k]);
    pa.push_back(&pts[k]);
  }
  Ciphertext r;
  s.evaluator->multiply_plain_accumulate(ca, pa, r);
  // The same words as separate products and additions, with few terms (reduced into the output limb term by
  // term) as with many (128-bit accumulators): every path ends fully reduced.
  for (std::size_t count : {std::size_t{3}, std::size_t{20}}) {
    Ciphertext fused, sum, term;
    s.evaluator->multiply_plain_accumulate(std::vector<const Ciphertext*>(ca.begin(), ca.begin() + count),
                                           std::vector<const Plaintext*>(pa.begin(), pa.begin() + count), fused);
    s.evaluator->multiply_plain(cts[0], pts[0], sum);
    for (std::size_t k = 1; k < count; ++k) {
      s.evaluator->multiply_plain(cts[k], pts[k], term);
      s.evaluator->add_inplace(sum, term);
    }
    CHECK(std::equal(fused.data(), fused.data() + fused.word_count(), sum.data()));
  }
  s.evaluator->rescale_inplace(r);
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-5);
}

// Operands at two levels and scales (a fresh ciphertext and a rescaled product): each factor is encoded at the
// scale that lands its product on one common scale, the sum is at the lower level, nothing is copied down.
TEST(accumulate_across_levels_and_scales) {
  CkksSetup s(8192, {60, 40, 40, 60});
  std::mt19937_64 rng(18);
  auto x = random_vector(4096, rng), y = random_vector(4096, rng);
  const Ciphertext cx = s.encrypt(x), cy = s.encrypt(y);
  Ciphertext xy;
  s.evaluator->multiply_relin_rescale(cx, cy, s.rk, xy);
  const std::size_t low = xy.level();
  const double common = s.scale * s.scale;
  Ciphertext r;
  s.evaluator->multiply_scalar_accumulate({&cx, &xy}, {0.5, -2.0}, {common / cx.scale(), common / xy.scale()}, r);
  CHECK_EQ(r.level(), low);
  CHECK_LT(std::fabs(r.scale() / common - 1), 1e-12);
  s.evaluator->rescale_inplace(r);
  std::vector<double> want(4096);
  for (int i = 0; i < 4096; ++i) want[i] = 0.5 * x[i] - 2.0 * x[i] * y[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-5);

  Plaintext py, px;
  s.encoder->encode(y, common / cx.scale(), low, py);
  s.encoder->encode(x, common / xy.scale(), low, px);
  s.evaluator->multiply_plain_accumulate({&cx, &xy}, {&py, &px}, r);
  CHECK_EQ(r.level(), low);
  s.evaluator->rescale_inplace(r);
  for (int i = 0; i < 4096; ++i) want[i] = x[i] * y[i] + x[i] * y[i] * x[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-5);

  // products on different scales, a plaintext below the result's level, mismatched counts
  CHECK_THROWS(s.evaluator->multiply_scalar_accumulate({&cx, &xy}, {1.0, 1.0}, {s.scale, s.scale}, r),
               IncompatibleObjectsError);
  Plaintext low_plain;
  s.encoder->encode(y, common / cx.scale(), 0, low_plain);
  CHECK_THROWS(s.evaluator->multiply_plain_accumulate({&cx, &xy}, {&low_plain, &px}, r), IncompatibleObjectsError);
  CHECK_THROWS(s.evaluator->multiply_scalar_accumulate({&cx}, {1.0, 2.0}, {s.scale}, r), InvalidArgumentError);
}

TEST(special_prime_digits_of_two_primes) {
  // Two special primes: key switching decomposes into digits of two primes and uses real base conversion.
  CkksSetup s(16384, {50, 40, 40, 40, 50, 50}, SecurityLevel::kClassical128, 2);
  CHECK_EQ(s.ctx->digit_count(), 2u);
  std::mt19937_64 rng(17);
  const int slots = 8192;
  auto a = random_vector(slots, rng), b = random_vector(slots, rng);
  Ciphertext r;
  s.evaluator->multiply_relin_rescale(s.encrypt(a), s.encrypt(b), s.rk, r);
  std::vector<double> want(slots);
  for (int i = 0; i < slots; ++i) want[i] = a[i] * b[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-5);
  GaloisKeys gk;
  s.keygen->create_galois_keys({3}, false, gk);
  s.evaluator->rotate(s.encrypt(a), 3, gk, r);
  for (int i = 0; i < slots; ++i) want[i] = a[(i + 3) % slots];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-5);
  // And at a lower level, where the last digit is partial.
  Ciphertext low = s.encrypt(a);
  s.evaluator->mod_switch_to_inplace(low, 0);
  s.evaluator->rotate(low, 3, gk, r);
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-5);
}

// Galois keys restricted to a level (KeySwitchKey): a truncated copy of a full key switches bit-identically at
// every level it serves, a generated one rotates correctly there, one set mixes keys of several levels (one
// rotate_sum over both), and a ciphertext above a key's level is a MissingKeyError.
TEST(galois_keys_restricted_to_a_level) {
  CkksSetup s(4096, {50, 40, 40, 40, 40, 40, 50, 50}, SecurityLevel::kNone, 2);  // levels 0..5, digits of 2
  const Context& ctx = *s.ctx;
  std::mt19937_64 rng(29);
  const int slots = static_cast<int>(ctx.slot_count());
  auto a = random_vector(slots, rng);
  GaloisKeys full;
  s.keygen->create_galois_keys({3, 5}, false, full);
  const std::uint64_t g3 = galois_element_for_step(3, ctx.n()), g5 = galois_element_for_step(5, ctx.n());
  for (std::size_t level : {0u, 1u, 2u, 3u}) {
    // The full key's limbs of q_0 .. q_level and P, its digits in use at that level.
    GaloisKeys truncated;
    KeySwitchKey& t = truncated.insert(g3);
    shape_switch_key(ctx, level, t);
    CHECK_EQ(switch_key_level(ctx, t), level);
    CHECK_EQ(t.digit_count(), level / 2 + 1);
    CHECK_LT(t.byte_count(), full.key(g3).byte_count());
    const std::vector<std::size_t> primes = switch_key_primes(ctx, level);
    std::vector<std::uint64_t> limb(ctx.n());
    for (std::size_t j = 0; j < t.digit_count(); ++j)
      for (std::size_t p = 0; p < 2; ++p)
        for (std::size_t k = 0; k < primes.size(); ++k) {
          full.key(g3).get_limb(j, p, primes[k], limb.data());
          t.set_limb(j, p, k, limb.data());
        }
    for (std::size_t at = 0; at <= level; ++at) {
      Ciphertext c = s.encrypt(a), want, got;
      s.evaluator->mod_switch_to_inplace(c, at);
      s.evaluator->rotate(c, 3, full, want);
      s.evaluator->rotate(c, 3, truncated, got);
      CHECK(std::equal(want.data(), want.data() + want.word_count(), got.data()));
    }
    Ciphertext above = s.encrypt(a), r;
    if (level < ctx.max_level()) {
      s.evaluator->mod_switch_to_inplace(above, level + 1);
      CHECK_THROWS(s.evaluator->rotate(above, 3, truncated, r), MissingKeyError);
    }
  }
  // Generated at level 2 next to a full key: rotations at levels 0..2, alone and summed with the full key's.
  GaloisKeys mixed;
  s.keygen->create_galois_keys_for_elements({g5}, mixed);
  s.keygen->create_galois_keys_for_elements({g3}, 2, mixed);
  CHECK_EQ(switch_key_level(ctx, mixed.key(g3)), 2u);
  CHECK_EQ(switch_key_level(ctx, mixed.key(g5)), ctx.max_level());
  s.keygen->create_galois_keys_for_elements({g5}, 1, mixed);  // a key of a higher level is kept
  CHECK_EQ(switch_key_level(ctx, mixed.key(g5)), ctx.max_level());
  std::vector<double> want(slots);
  for (std::size_t at = 0; at <= 2; ++at) {
    Ciphertext c = s.encrypt(a), r;
    s.evaluator->mod_switch_to_inplace(c, at);
    s.evaluator->rotate(c, 3, mixed, r);
    for (int i = 0; i < slots; ++i) want[i] = a[(i + 3) % slots];
    CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-5);
    s.evaluator->rotate_sum(c, {3, 5}, mixed, r);
    for (int i = 0; i < slots; ++i) want[i] = a[(i + 3) % slots] + a[(i + 5) % slots];
    CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-5);
    std::vector<Ciphertext> hoisted;
    s.evaluator->rotate_hoisted(c, {3, 5}, mixed, hoisted);
    for (int i = 0; i < slots; ++i) want[i] = a[(i + 5) % slots];
    CHECK_LT(max_abs_error(s.decrypt(hoisted[1]), want), 1e-5);
  }
  Ciphertext top = s.encrypt(a), r;
  CHECK_THROWS(s.evaluator->rotate_sum(top, {3, 5}, mixed, r), MissingKeyError);
  CHECK_THROWS(s.keygen->create_galois_keys_for_elements({g3}, ctx.max_level() + 1, mixed), InvalidArgumentError);
}

TEST(align_brings_levels_and_scales_together) {
  CkksSetup s(16384, {60, 40, 40, 40, 60});
  std::mt19937_64 rng(20);
  auto a = random_vector(8192, rng), b = random_vector(8192, rng);
  Ciphertext ca = s.encrypt(a), cb = s.encrypt(b), sq;
  s.evaluator->multiply_relin_rescale(cb, cb, s.rk, sq);  // level - 1, scale 2^80 / q
  CHECK(std::fabs(sq.scale() / ca.scale() - 1.0) > 1e-9);
  Ciphertext x = ca;
  s.evaluator->align_inplace(x, sq);
  CHECK_EQ(x.level(), sq.level());
  Ciphertext sum;
  s.evaluator->add(x, sq, sum);
  std::vector<double> want(8192);
  for (int i = 0; i < 8192; ++i) want[i] = a[i] + b[i] * b[i];
  CHECK_LT(max_abs_error(s.decrypt(sum), want), 1e-5);
  // Same level, different scales: no spare level, so it refuses.
  Ciphertext y = ca, z = ca;
  s.evaluator->multiply_scalar_inplace(z, 1.0, 3.0);
  CHECK_THROWS(s.evaluator->align_inplace(y, z), IncompatibleObjectsError);
}

TEST(errors_say_what_to_do) {
  CkksSetup s(8192, {60, 40, 40, 60});
  std::mt19937_64 rng(18);
  auto a = random_vector(16, rng);
  Ciphertext c = s.encrypt(a), r;
  s.evaluator->multiply_relin_rescale(c, c, s.rk, r);
  s.evaluator->multiply_relin_rescale(r, r, s.rk, r);
  CHECK_EQ(r.level(), 0u);
  try {
    s.evaluator->rescale_inplace(r);
    CHECK(false);
  } catch (const DepthExhaustedError& e) {
    CHECK(std::string(e.what()).find("level 0") != std::string::npos);
  }
  Ciphertext lvl0 = r;
  CHECK_THROWS(s.evaluator->add(c, lvl0, r), IncompatibleObjectsError);
  CHECK_THROWS(s.evaluator->multiply(c, lvl0, r), IncompatibleObjectsError);
  // Scale too large for the remaining modulus.
  Ciphertext big = s.encrypt(a);
  s.evaluator->multiply(big, big, r);
  Ciphertext r2;
  s.evaluator->relinearize_inplace(r, s.rk);
  try {
    s.evaluator->multiply(r, r, r2);
    CHECK(false);
  } catch (const DepthExhaustedError& e) {
    CHECK(std::string(e.what()).find("rescale after each multiplication") != std::string::npos);
  }
  GaloisKeys empty;
  CHECK_THROWS(s.evaluator->rotate(c, 1, empty, r), MissingKeyError);
  // Objects from other parameters.
  CkksSetup other(8192, {60, 40, 60});
  CHECK_THROWS(s.evaluator->add(c, other.encrypt(a), r), IncompatibleObjectsError);
  CHECK_THROWS(s.decryptor->decrypt(other.encrypt(a), *std::make_unique<Plaintext>()), IncompatibleObjectsError);
}

TEST(security_bound_rejects_every_oversized_modulus) {
  // For every N of the HE Standard's table, build moduli just above the bound (and at it, where primes of
  // those sizes exist) and check the context refuses (accepts) them.
  auto build = [](std::size_t n, int total) -> std::vector<Modulus> {
    const int min_bits = hnn::log2_floor(2 * n) + 1;
    const int fewest = std::max(2, (total + 59) / 60);
    for (int parts = fewest; parts <= fewest + 3; ++parts) {
      for (int skew = 0; skew < 8; ++skew) {
        std::vector<int> bits(parts, total / parts);
        for (int i = 0; i < total % parts; ++i) bits[i]++;
        bits[0] += skew;
        bits[parts - 1] -= skew;
        if (*std::min_element(bits.begin(), bits.end()) < min_bits || *std::max_element(bits.begin(), bits.end()) > 60) continue;
        try {
          return coeff_modulus::create(n, bits);
        } catch (const InvalidParametersError&) {
        }
      }
    }
    return {};
  };
  for (std::size_t n = 1024; n <= 65536; n *= 2) {
    const int bound = coeff_modulus::max_bit_count(n);
    int rejected = 0;
    for (int total = bound + 1; total <= bound + 40 && rejected < 3; ++total) {
      auto primes = build(n, total);
      if (primes.empty()) continue;
      EncryptionParameters p(n);
      p.set_coeff_modulus(primes);
      CHECK_EQ(p.total_coeff_modulus_bits(), total);
      CHECK_THROWS(Context::create(p), InvalidParametersError);
      Context::create(p, SecurityLevel::kNone);  // the explicit test-only opt-out accepts it
      ++rejected;
    }
    if (rejected != 3) std::printf("    N=%zu: only %d oversized sets built\n", n, rejected);
    CHECK_EQ(rejected, 3);
    auto at_bound = build(n, bound);
    if (!at_bound.empty()) {
      EncryptionParameters p(n);
      p.set_coeff_modulus(at_bound);
      Context::create(p);
    }
  }
  // The benchmark chains are within the bound.
  EncryptionParameters p(32768);
  std::vector<int> bits{60};
  for (int i = 0; i < 15; ++i) bits.push_back(40);
  bits.push_back(60);
  p.set_coeff_modulus(coeff_modulus::create(32768, bits));
  CHECK_EQ(Context::create(p)->max_level(), 15u);
  // Degrees without a bound, malformed sets.
  EncryptionParameters odd(3000);
  CHECK_THROWS(Context::create(odd), InvalidParametersError);
  EncryptionParameters one(8192);
  one.set_coeff_modulus(coeff_modulus::create(8192, {40}));
  CHECK_THROWS(Context::create(one), InvalidParametersError);
  EncryptionParameters notfriendly(8192);
  notfriendly.set_coeff_modulus({Modulus(1099511627791ULL), Modulus(1152921504606846883ULL)});
  CHECK_THROWS(Context::create(notfriendly), InvalidParametersError);
}

TEST(multithreaded_results_equal_single_threaded) {
  CkksSetup s(8192, {60, 40, 40, 60});
  std::mt19937_64 rng(19);
  auto a = random_vector(4096, rng), b = random_vector(4096, rng);
  Ciphertext ca = s.encrypt(a), cb = s.encrypt(b);
  GaloisKeys gk;
  s.keygen->create_galois_keys({5}, false, gk);
  auto run = [&]() {
    Ciphertext r, rot;
    s.evaluator->multiply_relin_rescale(ca, cb, s.rk, r);
    s.evaluator->rotate(ca, 5, gk, rot);
    std::vector<std::uint64_t> words(r.data(), r.data() + r.word_count());
    words.insert(words.end(), rot.data(), rot.data() + rot.word_count());
    return words;
  };
  const std::size_t saved = thread_count();
  set_thread_count(1);
  auto single = run();
  set_thread_count(4);
  auto multi = run();
  set_thread_count(saved);
  CHECK(single == multi);
}

// Every operation gives the same words whether its output is a fresh ciphertext, another ciphertext of any
// shape (whose storage it reuses), or one of its own operands.
TEST(results_do_not_depend_on_where_they_are_written) {
  CkksSetup s(8192, {60, 40, 40, 60});
  std::mt19937_64 rng(23);
  auto a = random_vector(4096, rng), b = random_vector(4096, rng);
  const Ciphertext ca = s.encrypt(a), cb = s.encrypt(b);
  Ciphertext product;
  s.evaluator->multiply(ca, cb, product);  // size 3
  // Size 3 at the operands' scale (two factors at its square root), for additions with a size-2 operand.
  Plaintext half_scale;
  s.encoder->encode(a, std::sqrt(s.scale), s.ctx->max_level(), half_scale);
  Ciphertext ch, size3;
  s.encryptor->encrypt(half_scale, ch);
  s.evaluator->multiply(ch, ch, size3);
  Plaintext pb;
  s.encoder->encode(b, s.scale, s.ctx->max_level(), pb);
  GaloisKeys gk;
  s.keygen->create_galois_keys({3}, false, gk);
  using Binary = std::function<void(const Ciphertext&, const Ciphertext&, Ciphertext&)>;
  const auto words = [](const Ciphertext& c) {
    std::vector<std::uint64_t> w(c.data(), c.data() + c.word_count());
    w.push_back(static_cast<std::uint64_t>(c.level() * 8 + c.size()));
    return w;
  };
  const auto check_binary = [&](const Binary& op, const Ciphertext& x, const Ciphertext& y) {
    Ciphertext fresh;
    op(x, y, fresh);
    Ciphertext reused = product;  // another shape: size 3
    op(x, y, reused);
    CHECK(words(reused) == words(fresh));
    CHECK_EQ(reused.scale(), fresh.scale());
    Ciphertext first = x, second = y;
    op(first, second, first);
    CHECK(words(first) == words(fresh));
    first = x;
    op(first, second, second);
    CHECK(words(second) == words(fresh));
    Ciphertext same = x;
    Ciphertext both_fresh;
    op(x, x, both_fresh);
    op(same, same, same);
    CHECK(words(same) == words(both_fresh));
  };
  const CkksEvaluator& ev = *s.evaluator;
  check_binary([&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) { ev.add(x, y, o); }, ca, cb);
  check_binary([&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) { ev.add(x, y, o); }, size3, ca);
  check_binary([&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) { ev.add(x, y, o); }, ca, size3);
  check_binary([&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) { ev.sub(x, y, o); }, ca, cb);
  check_binary([&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) { ev.sub(x, y, o); }, ca, size3);
  check_binary([&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) { ev.sub(x, y, o); }, size3, ca);
  check_binary([&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) { ev.multiply(x, y, o); }, ca, cb);
  check_binary(
      [&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) { ev.multiply_relin_rescale(x, y, s.rk, o); }, ca,
      cb);
  check_binary(
      [&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) {
        ev.multiply_scalar_accumulate({&x, &y}, {0.5, -0.25}, {s.scale, s.scale}, o);
      },
      ca, cb);
  check_binary(
      [&](const Ciphertext& x, const Ciphertext& y, Ciphertext& o) {
        ev.multiply_plain_accumulate({&x, &y}, {&pb, &pb}, o);
      },
      ca, cb);
  // Unary operations: the second operand is ignored.
  check_binary([&](const Ciphertext& x, const Ciphertext&, Ciphertext& o) { ev.multiply_plain(x, pb, o); }, ca, cb);
  check_binary([&](const Ciphertext& x, const Ciphertext&, Ciphertext& o) { ev.relinearize(x, s.rk, o); }, product, ca);
  check_binary([&](const Ciphertext& x, const Ciphertext&, Ciphertext& o) { ev.rescale(x, o); }, product, ca);
  check_binary([&](const Ciphertext& x, const Ciphertext&, Ciphertext& o) { ev.rotate(x, 3, gk, o); }, ca, cb);
  check_binary([&](const Ciphertext& x, const Ciphertext&, Ciphertext& o) { ev.mod_switch_to(x, 1, o); }, ca, cb);
  check_binary([&](const Ciphertext& x, const Ciphertext&, Ciphertext& o) { ev.mod_switch_to(x, 0, o); }, size3, cb);
  // Dropping primes keeps each polynomial's leading limbs, in place as out of place.
  for (const Ciphertext* c : {&ca, static_cast<const Ciphertext*>(&size3)}) {
    Ciphertext in_place = *c;
    ev.mod_switch_to_inplace(in_place, 0);
    CHECK_EQ(in_place.level(), std::size_t{0});
    CHECK_EQ(in_place.scale(), c->scale());
    for (std::size_t k = 0; k < c->size(); ++k)
      CHECK(std::equal(c->poly(k), c->poly(k) + s.ctx->n(), in_place.limb(k, 0)));
  }
  // And the values are right: a - (a * b), written over the first operand.
  Ciphertext r = ca;
  Ciphertext ab;
  ev.multiply_relin_rescale(ca, cb, s.rk, ab);
  ev.mod_switch_to_inplace(r, ab.level());
  ev.set_scale(ab, r.scale());
  ev.sub(r, ab, r);
  std::vector<double> want(4096);
  for (int i = 0; i < 4096; ++i) want[i] = a[i] - a[i] * b[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-4);
}

// rotate_sum: the identity alone is a multiple of the input; a missing key fails before any work; the
// result is exactly what the separate rotations' sum decrypts to, up to noise.
TEST(rotate_sum_edge_cases) {
  CkksSetup s(8192, {60, 40, 40, 60});
  std::mt19937_64 rng(29);
  auto a = random_vector(4096, rng);
  const Ciphertext ca = s.encrypt(a);
  GaloisKeys gk;
  s.keygen->create_galois_keys({1, 2, 3}, false, gk);
  const CkksEvaluator& ev = *s.evaluator;
  Ciphertext r = ca;
  ev.rotate_sum(r, {0, 4096, 0}, gk, r);  // three identities (4096 = slot count), in place
  std::vector<double> want(4096);
  for (int i = 0; i < 4096; ++i) want[i] = 3 * a[i];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-6);
  bool threw = false;
  try {
    ev.rotate_sum(ca, {1, 5}, gk, r);
  } catch (const MissingKeyError&) {
    threw = true;
  }
  CHECK(threw);
  threw = false;
  try {
    ev.rotate_sum(ca, {}, gk, r);
  } catch (const InvalidArgumentError&) {
    threw = true;
  }
  CHECK(threw);
  // Against the sum of separate rotations, written over the input.
  Ciphertext sum, rotated;
  sum = ca;
  for (long long st : {1, 2, 3}) {
    ev.rotate(ca, st, gk, rotated);
    ev.add_inplace(sum, rotated);
  }
  r = ca;
  ev.rotate_sum(r, {0, 1, 2, 3}, gk, r);
  CHECK_LT(max_abs_error(s.decrypt(r), s.decrypt(sum)), 1e-6);
  for (int i = 0; i < 4096; ++i) want[i] = a[i] + a[(i + 1) % 4096] + a[(i + 2) % 4096] + a[(i + 3) % 4096];
  CHECK_LT(max_abs_error(s.decrypt(r), want), 1e-6);
}
