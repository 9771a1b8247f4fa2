// Bootstrapping layer: the factored DFT against a direct one, the homomorphic linear transform, ModRaise,
// EvalMod's precision, full and sparse bootstrapping, a chain of bootstraps, and the errors of invalid use.
// Small ring dimensions with SecurityLevel::kNone (insecure, tests only) and a sparse secret used directly.
#include <cmath>
#include <complex>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "hnn/boot/bootstrapper.h"
#include "hnn/boot/chebyshev.h"
#include "hnn/boot/dft.h"
#include "hnn/boot/eval_mod.h"
#include "hnn/boot/linear_transform.h"
#include "hnn/boot/mod_raise.h"
#include "hnn/boot/sparse_secret.h"
#include "hnn/ckks/encoder.h"
#include "hnn/ckks/evaluator.h"
#include "hnn/ring/automorphism.h"
#include "hnn/rlwe/decryptor.h"
#include "hnn/rlwe/encryptor.h"
#include "hnn/rlwe/key_generator.h"
#include "hnn/serial/header.h"
#include "hnn/util/errors.h"
#include "hnn/util/thread_pool.h"
#include "test_framework.h"

using namespace hnn;
using namespace hnn::boot;
using cvec = std::vector<std::complex<double>>;

namespace {

std::size_t bit_reverse_index(std::size_t i, std::size_t n) {
  std::size_t r = 0;
  for (std::size_t b = 1; b < n; b <<= 1) r = (r << 1) | ((i & b) ? 1 : 0);
  return r;
}

cvec random_complex(std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> d(-1, 1);
  cvec v(n);
  for (auto& x : v) x = {d(rng), d(rng)};
  return v;
}

double max_diff(const cvec& a, const cvec& b) {
  double e = 0;
  for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a[i] - b[i]));
  return e;
}

// A small bootstrappable set: N = 256 (128 slots), q_0 of 50 bits, message scale 2^40, two 45-bit levels left.
struct BootSetup {
  ContextPtr ctx;
  SecretKey sk;
  std::unique_ptr<KeyGenerator> keygen;
  RelinKeys rk;
  std::unique_ptr<CkksEncoder> encoder;
  std::unique_ptr<Encryptor> encryptor;
  std::unique_ptr<Decryptor> decryptor;
  std::unique_ptr<CkksEvaluator> evaluator;
  BootstrapParameters bp;

  explicit BootSetup(std::size_t n = 256, std::size_t slots = 0, std::size_t cts = 2, std::size_t stc = 2,
                     std::size_t left = 2, int q0_bits = 50, int eval_bits = 60, double message_scale = 0x1p40) {
    bp.message_scale = message_scale;
    bp.slots = slots;
    bp.cts_levels = cts;
    bp.stc_levels = stc;
    std::vector<int> bits{q0_bits};
    for (std::size_t i = 0; i < left; ++i) bits.push_back(45);
    for (std::size_t i = 0; i < stc; ++i) bits.push_back(eval_bits);
    for (std::size_t i = 0; i < EvalMod(bp.eval_mod).depth(); ++i) bits.push_back(eval_bits);
    for (std::size_t i = 0; i < cts; ++i) bits.push_back(58);
    bits.push_back(60);
    EncryptionParameters p(n);
    p.set_coeff_modulus(coeff_modulus::create(n, bits));
    ctx = Context::create(p, SecurityLevel::kNone);
    create_sparse_secret_key(*ctx, 32, sk);
    keygen = std::make_unique<KeyGenerator>(ctx, sk);
    keygen->create_relin_keys(rk);
    encoder = std::make_unique<CkksEncoder>(ctx);
    encryptor = std::make_unique<Encryptor>(ctx, sk);
    decryptor = std::make_unique<Decryptor>(ctx, sk);
    evaluator = std::make_unique<CkksEvaluator>(ctx);
  }
  Ciphertext encrypt(const cvec& v, std::size_t level) const {
    Plaintext pt;
    encoder->encode(v, bp.message_scale, level, pt);
    Ciphertext ct;
    encryptor->encrypt_symmetric(pt, ct);
    return ct;
  }
  cvec decrypt(const Ciphertext& ct) const {
    Plaintext pt;
    decryptor->decrypt(ct, pt);
    cvec out;
    encoder->decode(pt, out);
    return out;
  }
};

// -log2 of the mean and of the largest error (real and imaginary parts counted separately).
struct Precision {
  double mean_bits, min_bits;
};
Precision precision(const cvec& got, const cvec& want) {
  double sum = 0, worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double er = std::fabs(got[i].real() - want[i].real()), ei = std::fabs(got[i].imag() - want[i].imag());
    sum += er + ei;
    worst = std::max({worst, er, ei});
  }
  return {-std::log2(sum / (2 * want.size())), -std::log2(worst)};
}

}  // namespace

TEST(dft_factors_match_the_special_fft) {
  std::mt19937_64 rng(1);
  for (std::size_t n : {2, 8, 64}) {
    const cvec u = random_complex(n, rng);
    const cvec z = special_dft(u);
    cvec u_brv(n);
    for (std::size_t i = 0; i < n; ++i) u_brv[bit_reverse_index(i, n)] = u[i];
    std::size_t log_n = 0;
    while ((std::size_t{1} << log_n) < n) ++log_n;
    for (std::size_t levels = 1; levels <= log_n; ++levels) {
      // SlotsToCoeffs: V applied to bit-reversed input; CoeffsToSlots: bit-reversed V^-1, here scaled by 3.
      CHECK_LT(max_diff(apply_factors(slots_to_coeffs_factors(n, levels, 1.0), u_brv), z), 1e-12);
      cvec want = u_brv;
      for (auto& x : want) x *= 3.0;
      CHECK_LT(max_diff(apply_factors(coeffs_to_slots_factors(n, levels, 3.0), z), want), 1e-12);
      // Both directions need the same rotations (shared Galois keys).
      std::set<long long> cts_steps, stc_steps;
      for (const auto& f : coeffs_to_slots_factors(n, levels, 1.0))
        for (long long st : LinearTransform::steps_for(f, n)) cts_steps.insert(st);
      for (const auto& f : slots_to_coeffs_factors(n, levels, 1.0))
        for (long long st : LinearTransform::steps_for(f, n)) stc_steps.insert(st);
      CHECK(cts_steps == stc_steps);
      // Each group of s stages has at most 2^(s + 1) - 1 diagonals.
      for (const auto& f : coeffs_to_slots_factors(n, levels, 1.0))
        CHECK(f.size() <= (std::size_t{2} << ((log_n + levels - 1) / levels)) - 1);
    }
  }
}

TEST(special_dft_is_the_encoders_decoding) {
  // The encoder's slots of the polynomial with u_j = m_j + i m_(j + N/2) are special_dft(u).
  BootSetup s(64, 0, 1, 1, 0);
  std::mt19937_64 rng(2);
  const std::size_t slots = s.ctx->slot_count();
  const cvec z = random_complex(slots, rng);
  Plaintext pt;
  s.encoder->encode(z, 0x1p30, 0, pt);
  // Recover u from the plaintext's coefficients.
  std::vector<std::uint64_t> c(pt.limb(0), pt.limb(0) + s.ctx->n());
  s.ctx->ntt(0).inverse(c.data());
  const std::uint64_t q = s.ctx->prime(0).value();
  auto centered = [&](std::uint64_t v) { return v > q / 2 ? -static_cast<double>(q - v) : static_cast<double>(v); };
  cvec u(slots);
  for (std::size_t j = 0; j < slots; ++j) u[j] = {centered(c[j]) / 0x1p30, centered(c[j + slots]) / 0x1p30};
  CHECK_LT(max_diff(special_dft(u), z), 1e-6);
}

TEST(linear_transform_matches_the_plain_product) {
  BootSetup s(256, 0, 1, 1, 0);
  std::mt19937_64 rng(3);
  for (std::size_t period : {128, 32}) {
    Diagonals diags;
    for (std::size_t d : {0, 1, 2, 5, 17, 31}) diags[d % period] = random_complex(period, rng);
    const std::size_t level = s.ctx->max_level();
    const double pscale = static_cast<double>(s.ctx->prime(level).value());
    LinearTransform lt(*s.encoder, diags, period, level, pscale);
    GaloisKeys gk;
    s.keygen->create_galois_keys(lt.rotation_steps(), false, gk);
    const cvec v = random_complex(period, rng);
    cvec full(s.ctx->slot_count());
    for (std::size_t i = 0; i < full.size(); ++i) full[i] = v[i % period];
    Ciphertext ct = s.encrypt(full, level), out;
    lt.apply(*s.evaluator, ct, gk, out);
    s.evaluator->rescale_inplace(out);
    const cvec got = s.decrypt(out);
    const cvec want = apply_factors({diags}, v);
    cvec want_full(full.size());
    for (std::size_t i = 0; i < full.size(); ++i) want_full[i] = want[i % period];
    CHECK_LT(max_diff(got, want_full), 1e-6);
    // Missing key: a clear MissingKeyError, not a wrong result.
    GaloisKeys none;
    CHECK_THROWS(lt.apply(*s.evaluator, ct, none, out), MissingKeyError);
  }
}

TEST(mod_raise_adds_small_multiples_of_q0) {
  BootSetup s;
  std::mt19937_64 rng(4);
  const cvec v = random_complex(s.ctx->slot_count(), rng);
  Ciphertext ct = s.encrypt(v, 0), raised;
  mod_raise(*s.ctx, ct, s.ctx->max_level(), raised);
  Plaintext small, big;
  s.decryptor->decrypt(ct, small);
  s.decryptor->decrypt(raised, big);
  // Modulo q_0 nothing changed; modulo q_1 the difference is a multiple of q_0 of at most K = 12.
  const std::size_t n = s.ctx->n();
  std::vector<std::uint64_t> a(small.limb(0), small.limb(0) + n), b(big.limb(0), big.limb(0) + n),
      c(big.limb(1), big.limb(1) + n);
  s.ctx->ntt(0).inverse(a.data());
  s.ctx->ntt(0).inverse(b.data());
  s.ctx->ntt(1).inverse(c.data());
  CHECK(a == b);
  const long double q0 = s.ctx->prime(0).value(), q1 = s.ctx->prime(1).value();
  for (std::size_t i = 0; i < n; ++i) {
    const long double m = a[i] > q0 / 2 ? a[i] - q0 : a[i];
    const long double t = c[i] > q1 / 2 ? c[i] - q1 : c[i];
    const long double k = (t - m) / q0;
    CHECK_LT(std::fabs(static_cast<double>(k - std::round(k))), 1e-9);
    CHECK_LT(std::fabs(static_cast<double>(k)), 12.5);
  }
  CHECK_THROWS(mod_raise(*s.ctx, raised, s.ctx->max_level(), ct), InvalidArgumentError);
}

TEST(chebyshev_evaluation_matches_the_plain_value) {
  // A general polynomial (odd and even terms, some zero) and an even one, at exact output scales.
  BootSetup s;
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> d(-1, 1);
  for (bool even : {false, true}) {
    std::vector<double> c(21);
    for (std::size_t k = 0; k < c.size(); ++k) c[k] = (even && k % 2) || k == 5 ? 0.0 : d(rng) / (1 + k);
    const std::size_t slots = s.ctx->slot_count();
    cvec x(slots);
    for (auto& v : x) v = d(rng);
    Plaintext pt;
    s.encoder->encode(x, 0x1p60, s.ctx->max_level() - 2, pt);
    Ciphertext ct, out;
    s.encryptor->encrypt_symmetric(pt, ct);
    ChebyshevEvaluator(*s.evaluator, s.rk).evaluate(ct, c, 0x1p55, out);
    CHECK_EQ(out.scale(), 0x1p55);
    CHECK(out.level() + ChebyshevEvaluator::depth(20) >= ct.level());
    const cvec got = s.decrypt(out);
    double err = 0;
    for (std::size_t i = 0; i < slots; ++i) err = std::max(err, std::fabs(got[i].real() - chebyshev_value(c, x[i].real())));
    CHECK_LT(err, 1e-9);
  }
}

TEST(eval_mod_reduces_modulo_one) {
  // Plain: the approximation itself; encrypted: the slots x = I + eps come back as sin(2 pi x).
  EvalModParameters p;
  EvalMod em(p);
  double worst = 0;
  for (int i = -12000; i <= 12000; ++i) {
    const double x = i / 1000.0;
    for (double eps : {-1e-3, 0.0, 1e-3})
      worst = std::max(worst, std::fabs(em.evaluate_plain(std::round(x) + eps) - std::sin(6.283185307179586 * eps)));
  }
  CHECK_LT(worst, std::ldexp(1.0, -40));
  BootSetup s;
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> ik(-12, 12);
  std::uniform_real_distribution<double> ue(-1e-3, 1e-3);
  const std::size_t slots = s.ctx->slot_count();
  cvec x(slots), want(slots);
  for (std::size_t i = 0; i < slots; ++i) {
    const double eps = ue(rng);
    x[i] = (ik(rng) + eps) / em.input_divisor();
    want[i] = std::sin(6.283185307179586 * eps);
  }
  const std::size_t level = s.ctx->max_level() - 2;
  Plaintext pt;
  // At the scale of the primes EvalMod divides by (60 bits here), as the bootstrapper does.
  s.encoder->encode(x, 0x1p60, level, pt);
  Ciphertext ct, out;
  s.encryptor->encrypt_symmetric(pt, ct);
  em.evaluate(*s.evaluator, s.rk, ct, 0x1p60, out);
  CHECK_EQ(out.level(), level - em.depth());
  const cvec got = s.decrypt(out);
  double err = 0;
  for (std::size_t i = 0; i < slots; ++i) err = std::max(err, std::fabs(got[i].real() - want[i].real()));
  CHECK_LT(err, std::ldexp(1.0, -30));
  // Too few levels: a DepthExhaustedError that says how many are needed.
  Ciphertext low;
  s.evaluator->mod_switch_to(ct, em.depth() - 1, low);
  CHECK_THROWS(em.evaluate(*s.evaluator, s.rk, low, 0x1p60, out), DepthExhaustedError);
}

TEST(bootstrap_full_slots_precision) {
  BootSetup s;
  Bootstrapper boot(s.ctx, s.bp);
  GaloisKeys gk;
  s.keygen->create_galois_keys_for_elements(boot.galois_elements(), gk);
  std::mt19937_64 rng(6);
  const cvec v = random_complex(s.ctx->slot_count(), rng);
  Ciphertext ct = s.encrypt(v, 0), out;
  boot.bootstrap(ct, gk, s.rk, out);
  CHECK_EQ(out.level(), boot.output_level());
  CHECK_EQ(out.level(), std::size_t{2});
  const Precision p = precision(s.decrypt(out), v);
  std::cout << "  full slots: mean " << p.mean_bits << " bits, worst " << p.min_bits << " bits\n";
  CHECK(p.mean_bits >= 24);
  CHECK(p.min_bits >= 20);
}

TEST(bootstrap_sparse_slots_precision) {
  // Few slots mean large coefficients (about 1/sqrt(3n)): q_0 / scale = 2^15 keeps the sine's error small.
  for (std::size_t slots : {4, 32}) {
    BootSetup s(256, slots, 2, 2, 2, 55);
    Bootstrapper boot(s.ctx, s.bp);
    GaloisKeys gk;
    s.keygen->create_galois_keys_for_elements(boot.galois_elements(), gk);
    std::mt19937_64 rng(7);
    const cvec v = random_complex(slots, rng);
    cvec full(s.ctx->slot_count());
    for (std::size_t i = 0; i < full.size(); ++i) full[i] = v[i % slots];
    Ciphertext ct = s.encrypt(full, 0), out;
    boot.bootstrap(ct, gk, s.rk, out);
    const Precision p = precision(s.decrypt(out), full);
    std::cout << "  " << slots << " slots: mean " << p.mean_bits << " bits, worst " << p.min_bits << " bits\n";
    CHECK(p.mean_bits >= 24);
    CHECK(p.min_bits >= 20);
  }
}

TEST(bootstrap_dense_secret_with_encapsulation) {
  // The keys are for a dense uniform ternary secret; ModRaise goes through a weight-32 secret modulo q_0 p.
  BootSetup s;
  KeyGenerator dense(s.ctx);
  RelinKeys rk;
  dense.create_relin_keys(rk);
  Bootstrapper boot(s.ctx, s.bp);
  GaloisKeys gk;
  dense.create_galois_keys_for_elements(boot.galois_elements(), gk);
  SparseSecretEncapsulation sse(s.ctx, dense.secret_key(), 32, SecurityLevel::kNone);
  CHECK_EQ(sse.small_context()->prime_count(), std::size_t{2});
  std::mt19937_64 rng(11);
  const cvec v = random_complex(s.ctx->slot_count(), rng);
  Plaintext pt;
  s.encoder->encode(v, s.bp.message_scale, 0, pt);
  Ciphertext ct, out;
  Encryptor(s.ctx, dense.secret_key()).encrypt_symmetric(pt, ct);
  boot.bootstrap(ct, gk, rk, sse, out);
  Decryptor dec(s.ctx, dense.secret_key());
  dec.decrypt(out, pt);
  cvec got;
  s.encoder->decode(pt, got);
  const Precision p = precision(got, v);
  std::cout << "  dense secret + encapsulation: mean " << p.mean_bits << " bits, worst " << p.min_bits << " bits\n";
  CHECK(p.mean_bits >= 24);
  CHECK(p.min_bits >= 20);
}

TEST(encapsulation_save_load_round_trip_and_validation) {
  // A server gets the encapsulation as bytes: the loaded keys must bootstrap bit-identically, and damaged or
  // foreign bytes must be rejected with a clear error, never loaded.
  BootSetup s;
  KeyGenerator dense(s.ctx);
  RelinKeys rk;
  dense.create_relin_keys(rk);
  Bootstrapper boot(s.ctx, s.bp);
  GaloisKeys gk;
  dense.create_galois_keys_for_elements(boot.galois_elements(), gk);
  SparseSecretEncapsulation sse(s.ctx, dense.secret_key(), 32, SecurityLevel::kNone);
  const std::vector<std::uint8_t> bytes = sse.save();
  const SparseSecretEncapsulation back =
      SparseSecretEncapsulation::load(s.ctx, bytes.data(), bytes.size(), SecurityLevel::kNone);
  CHECK_EQ(back.hamming_weight(), std::size_t{32});
  CHECK(back.save() == bytes);
  std::mt19937_64 rng(14);
  Plaintext pt;
  s.encoder->encode(random_complex(s.ctx->slot_count(), rng), s.bp.message_scale, 0, pt);
  Ciphertext ct, a, b;
  Encryptor(s.ctx, dense.secret_key()).encrypt_symmetric(pt, ct);
  boot.bootstrap(ct, gk, rk, sse, a);
  boot.bootstrap(ct, gk, rk, back, b);
  CHECK(std::equal(a.data(), a.data() + a.word_count(), b.data()));
  auto load = [&](const std::vector<std::uint8_t>& v) {
    SparseSecretEncapsulation::load(s.ctx, v.data(), v.size(), SecurityLevel::kNone);
  };
  // Truncated, one bit flipped (outer checksum), trailing bytes.
  CHECK_THROWS(load(std::vector<std::uint8_t>(bytes.begin(), bytes.end() - 1)), CorruptDataError);
  CHECK_THROWS(load(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 10)), CorruptDataError);
  std::vector<std::uint8_t> flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  CHECK_THROWS(load(flipped), CorruptDataError);
  std::vector<std::uint8_t> longer = bytes;
  longer.insert(longer.end() - 4, 0);
  CHECK_THROWS(load(longer), CorruptDataError);
  // Changes behind a recomputed outer checksum reach the validators: a Hamming weight outside [1, N], a key
  // length beyond the data, a flipped bit inside a key (the key's own checksum).
  auto resealed = [](std::vector<std::uint8_t> v) {
    const std::uint32_t crc = serial::crc32_update(0, v.data(), v.size() - 4);
    for (int i = 0; i < 4; ++i) v[v.size() - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    return v;
  };
  std::vector<std::uint8_t> weight = bytes;
  weight[8] = weight[9] = weight[10] = weight[11] = 0;
  CHECK_THROWS(load(resealed(weight)), CorruptDataError);
  std::vector<std::uint8_t> length = bytes;
  length[19] = 0x7f;
  CHECK_THROWS(load(resealed(length)), CorruptDataError);
  CHECK_THROWS(load(resealed(flipped)), CorruptDataError);
  // The encapsulation of other parameters.
  BootSetup other(128);
  CHECK_THROWS(SparseSecretEncapsulation::load(other.ctx, bytes.data(), bytes.size(), SecurityLevel::kNone),
               IncompatibleObjectsError);
}

TEST(bootstrap_without_cached_plaintexts_is_identical) {
  BootSetup s(128, 0, 2, 2);
  Bootstrapper cached(s.ctx, s.bp);
  BootstrapParameters lazy_params = s.bp;
  lazy_params.cache_plaintexts = false;
  Bootstrapper lazy(s.ctx, lazy_params);
  CHECK_LT(lazy.plaintext_bytes(), cached.plaintext_bytes());
  GaloisKeys gk;
  s.keygen->create_galois_keys_for_elements(cached.galois_elements(), gk);
  std::mt19937_64 rng(12);
  Ciphertext ct = s.encrypt(random_complex(s.ctx->slot_count(), rng), 0), a, b;
  cached.bootstrap(ct, gk, s.rk, a);
  lazy.bootstrap(ct, gk, s.rk, b);
  CHECK(std::equal(a.data(), a.data() + a.word_count(), b.data()));
}

TEST(bootstrap_chain) {
  // Bootstrap, square, bring the scale back, repeat: each refresh keeps its precision against the values it was
  // given, and the squares track the plain computation.
  BootSetup s;
  Bootstrapper boot(s.ctx, s.bp);
  GaloisKeys gk;
  s.keygen->create_galois_keys_for_elements(boot.galois_elements(), gk);
  std::mt19937_64 rng(8);
  cvec v = random_complex(s.ctx->slot_count(), rng);
  for (auto& x : v) x /= std::max(1.0, std::abs(x));  // in the unit disc, so squares stay there
  Ciphertext ct = s.encrypt(v, 0);
  cvec want = v;
  for (int round = 0; round < 4; ++round) {
    const cvec before = s.decrypt(ct);
    Ciphertext fresh;
    boot.bootstrap(ct, gk, s.rk, fresh);
    CHECK_EQ(fresh.level(), boot.output_level());
    const Precision p = precision(s.decrypt(fresh), before);
    std::cout << "  round " << round << ": mean " << p.mean_bits << " bits, worst " << p.min_bits << " bits\n";
    CHECK(p.mean_bits >= 24);
    CHECK(p.min_bits >= 20);
    s.evaluator->multiply_relin_rescale(fresh, fresh, s.rk, ct);
    for (auto& x : want) x = x * x;
    // Back to the message scale with the last level: bootstrapping's error is relative to message_scale.
    const double q = static_cast<double>(s.ctx->prime(ct.level()).value());
    s.evaluator->multiply_scalar_inplace(ct, 1.0, s.bp.message_scale * q / ct.scale());
    s.evaluator->rescale_inplace(ct);
    CHECK_EQ(ct.level(), std::size_t{0});
  }
  // Squaring doubles relative errors each round; four rounds still leave 16 bits.
  CHECK(precision(s.decrypt(ct), want).min_bits >= 16);
}

TEST(bootstrap_invalid_use) {
  BootSetup s;
  // Too few levels for the level budget.
  BootstrapParameters deep = s.bp;
  deep.cts_levels = 5;
  CHECK_THROWS(Bootstrapper(s.ctx, deep), InvalidParametersError);
  // A slot count that is not a power of two, or above N/2.
  BootstrapParameters odd = s.bp;
  odd.slots = 48;
  CHECK_THROWS(Bootstrapper(s.ctx, odd), InvalidParametersError);
  odd.slots = 256;
  CHECK_THROWS(Bootstrapper(s.ctx, odd), InvalidParametersError);
  // A scale too close to q_0 for the sine.
  BootstrapParameters big = s.bp;
  big.message_scale = 0x1p50;
  CHECK_THROWS(Bootstrapper(s.ctx, big), InvalidParametersError);
  Bootstrapper boot(s.ctx, s.bp);
  std::mt19937_64 rng(9);
  Ciphertext ct = s.encrypt(random_complex(s.ctx->slot_count(), rng), 0), out;
  // Missing Galois keys (all, or just conjugation) and a missing relinearization key.
  GaloisKeys none, partial;
  CHECK_THROWS(boot.bootstrap(ct, none, s.rk, out), MissingKeyError);
  s.keygen->create_galois_keys(boot.rotation_steps(), false, partial);
  CHECK_THROWS(boot.bootstrap(ct, partial, s.rk, out), MissingKeyError);
  GaloisKeys gk;
  s.keygen->create_galois_keys_for_elements(boot.galois_elements(), gk);
  CHECK_THROWS(boot.bootstrap(ct, gk, RelinKeys(), out), MissingKeyError);
  // A size-3 ciphertext and one of another context.
  Ciphertext three, high = s.encrypt(random_complex(4, rng), 2);
  s.evaluator->multiply(high, high, three);
  CHECK_THROWS(boot.bootstrap(three, gk, s.rk, out), InvalidArgumentError);
  BootSetup other(128);
  CHECK_THROWS(boot.bootstrap(other.encrypt(random_complex(4, rng), 0), gk, s.rk, out), IncompatibleObjectsError);
}

TEST(bootstrap_bit_identical_across_thread_counts) {
  BootSetup s(128, 0, 2, 2);
  Bootstrapper boot(s.ctx, s.bp);
  GaloisKeys gk;
  s.keygen->create_galois_keys_for_elements(boot.galois_elements(), gk);
  std::mt19937_64 rng(10);
  Ciphertext ct = s.encrypt(random_complex(s.ctx->slot_count(), rng), 0), a, b;
  set_thread_count(1);
  boot.bootstrap(ct, gk, s.rk, a);
  set_thread_count(2);
  boot.bootstrap(ct, gk, s.rk, b);
  set_thread_count(0);
  CHECK(a.level() == b.level() && a.scale() == b.scale());
  CHECK(std::equal(a.data(), a.data() + a.word_count(), b.data()));
}

