// Client-aided refresh: exact integer lifting, masks, and the mask -> re-encrypt -> unmask round trip.
#include <cmath>
#include <random>

#include "../src/ckks/exact_lift.h"
#include "ckks_fixture.h"
#include "hnn/ckks/refresh.h"
#include "test_framework.h"

using namespace hnn;
using hnn_test::CkksSetup;
using hnn_test::max_abs_error;
using hnn_test::random_vector;

namespace {

// Residue of a signed 128-bit integer modulo q, straight from the definition.
std::uint64_t residue(__int128 x, const Modulus& q) {
  const bool neg = x < 0;
  const unsigned __int128 m = neg ? static_cast<unsigned __int128>(-x) : static_cast<unsigned __int128>(x);
  const std::uint64_t r = static_cast<std::uint64_t>(m % q.value());
  return neg ? negate_mod(r, q) : r;
}

__int128 random_int128(std::mt19937_64& rng, int bits) {
  unsigned __int128 u = (static_cast<unsigned __int128>(rng()) << 64) | rng();
  u >>= (128 - bits);
  return static_cast<__int128>(u) - (static_cast<__int128>(1) << (bits - 1));
}

}  // namespace

TEST(exact_lift_reproduces_signed_integers) {
  const auto from = coeff_modulus::create(4096, {40, 40, 40});  // Q ~ 2^120
  const auto to = coeff_modulus::create(4096, {60, 50});
  detail::ExactLift lift(from, to);
  std::mt19937_64 rng(7);
  for (int t = 0; t < 20000; ++t) {
    const int bits = 1 + static_cast<int>(rng() % 118);
    const __int128 x = random_int128(rng, bits);
    std::uint64_t in[3], out[2];
    for (int i = 0; i < 3; ++i) in[i] = residue(x, from[i]);
    lift.lift(in, 1, out, 1);
    CHECK_EQ(out[0], residue(x, to[0]));
    CHECK_EQ(out[1], residue(x, to[1]));
    // floor(x / 2^s) for a shift that makes it fit 64 bits.
    const unsigned s = bits > 63 ? static_cast<unsigned>(bits - 62) : 0;
    __int128 expect = x >> s;  // arithmetic shift: floor
    CHECK(lift.shifted(in, 1, s) == static_cast<std::int64_t>(expect));
  }
}

TEST(exact_lift_centers_at_half_the_modulus) {
  const auto from = coeff_modulus::create(4096, {40, 40});
  detail::ExactLift lift(from, {});
  const __int128 q = static_cast<__int128>(from[0].value()) * from[1].value();
  const __int128 half = (q - 1) / 2;
  std::uint64_t in[2];
  for (__int128 x : {half, -half, static_cast<__int128>(0), static_cast<__int128>(-1)}) {
    for (int i = 0; i < 2; ++i) in[i] = residue(x, from[i]);
    CHECK(lift.shifted(in, 1, 20) == static_cast<std::int64_t>(x >> 20));
  }
  for (int i = 0; i < 2; ++i) in[i] = residue(half, from[i]);
  CHECK_THROWS(lift.shifted(in, 1, 0), InvalidArgumentError);
}

TEST(mask_is_uniform_in_its_range) {
  CkksSetup s(8192, {60, 40, 40, 60}, SecurityLevel::kClassical128);
  const int bits = 30;
  Plaintext mask;
  refresh::sample_mask(*s.ctx, bits, mask);
  CHECK_EQ(mask.level(), s.ctx->max_level());
  std::vector<std::int64_t> c(s.ctx->n());
  refresh::integer_coefficients(*s.ctx, mask, 0, c.data());
  const double half = std::ldexp(1.0, bits - 1);
  double sum = 0, sq = 0;
  for (std::int64_t v : c) {
    CHECK(v >= -static_cast<std::int64_t>(half) && v < static_cast<std::int64_t>(half));
    sum += static_cast<double>(v);
    sq += static_cast<double>(v) * static_cast<double>(v);
  }
  const double n = static_cast<double>(c.size());
  const double var = half * half * 4 / 12;  // uniform on 2^bits values
  CHECK_LT(std::abs(sum / n), 6 * std::sqrt(var / n));
  CHECK_LT(std::abs(sq / n / var - 1), 0.05);
}

TEST(masked_refresh_round_trip) {
  CkksSetup s(8192, {60, 40, 40, 60}, SecurityLevel::kClassical128);
  const Context& ctx = *s.ctx;
  Encryptor secret_enc(s.ctx, s.keygen->secret_key());
  std::mt19937_64 rng(3);
  const auto values = random_vector(ctx.slot_count(), rng, -1.0, 1.0);
  Ciphertext ct = s.encrypt(values);
  s.evaluator->mod_switch_to_inplace(ct, 1);
  const double scale = ct.scale();
  const int bits = 94;  // ceil(log2(2^40 + 19 (2N + 1))) + log2 N + 40 = 41 + 13 + 40
  Plaintext mask;
  refresh::sample_mask(ctx, bits, mask);
  refresh::apply_mask(ctx, *s.encryptor, mask, bits, ct);
  Ciphertext fresh;
  refresh::reencrypt(ctx, *s.decryptor, secret_enc, ct, ctx.max_level(), fresh);
  CHECK_EQ(fresh.level(), ctx.max_level());
  CHECK(fresh.c1_seed().has_value());
  CHECK(max_abs_error(values, s.decrypt(fresh)) > 1e6);  // still masked: the slots are noise
  refresh::remove_mask(ctx, mask, fresh);
  CHECK_EQ(fresh.scale(), scale);
  const double err = max_abs_error(values, s.decrypt(fresh));
  CHECK_LT(err, 1e-6);
  // And it computes on: a product still decrypts right.
  Ciphertext sq;
  s.evaluator->multiply_relin_rescale(fresh, fresh, s.rk, sq);
  std::vector<double> expect(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) expect[i] = values[i] * values[i];
  CHECK_LT(max_abs_error(expect, s.decrypt(sq)), 1e-5);
}

TEST(refresh_refuses_low_levels_and_size_three) {
  CkksSetup s(8192, {60, 40, 40, 60}, SecurityLevel::kClassical128);
  const Context& ctx = *s.ctx;
  std::mt19937_64 rng(5);
  Ciphertext ct = s.encrypt(random_vector(8, rng, -1.0, 1.0));
  Plaintext mask;
  refresh::sample_mask(ctx, 94, mask);
  Ciphertext low = ct;
  s.evaluator->mod_switch_to_inplace(low, 0);  // 60 bits < 96
  CHECK_THROWS(refresh::apply_mask(ctx, *s.encryptor, mask, 94, low), DepthExhaustedError);
  Ciphertext three;
  s.evaluator->multiply(ct, ct, three);
  CHECK_THROWS(refresh::apply_mask(ctx, *s.encryptor, mask, 94, three), InvalidArgumentError);
  Encryptor secret_enc(s.ctx, s.keygen->secret_key());
  Ciphertext out;
  CHECK_THROWS(refresh::reencrypt(ctx, *s.decryptor, secret_enc, ct, 0, out), InvalidArgumentError);
  CHECK_THROWS(refresh::sample_mask(ctx, 0, mask), InvalidArgumentError);
}
