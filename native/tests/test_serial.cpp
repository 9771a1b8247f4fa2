// Serialization of every engine object: exact round trips, loaded objects still work, objects from other
// parameters are refused, and a mutation campaign shows that corrupt or hostile bytes are rejected with
// CorruptDataError / IncompatibleObjectsError only -- never a crash (run it under HNN_SANITIZE=ON too).
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <sstream>

#include "../fuzz/blob_mutator.h"
#include "../fuzz/deserialize_target.h"
#include "ckks_fixture.h"
#include "hnn/serial/byte_io.h"
#include "hnn/serial/compression.h"
#include "hnn/ring/automorphism.h"
#include "hnn/rlwe/key_shape.h"
#include "hnn/serial/serialization.h"
#include "test_framework.h"

using namespace hnn;
using hnn_test::CkksSetup;

namespace {

// ---- Exact comparison of objects (every word and every piece of metadata).
template <typename V>
bool same_words(const V& a, const V& b) {
  return a.word_count() == b.word_count() &&
         std::memcmp(a.data(), b.data(), a.word_count() * sizeof(std::uint64_t)) == 0;
}
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

bool equal(const Plaintext& a, const Plaintext& b) {
  return a.params_hash() == b.params_hash() && a.n() == b.n() && a.level() == b.level() &&
         same_bits(a.scale(), b.scale()) && same_words(a, b);
}
bool equal(const Ciphertext& a, const Ciphertext& b) {
  return a.params_hash() == b.params_hash() && a.n() == b.n() && a.level() == b.level() && a.size() == b.size() &&
         same_bits(a.scale(), b.scale()) && a.c1_seed() == b.c1_seed() && same_words(a, b);
}
bool equal(const SecretKey& a, const SecretKey& b) {
  return a.params_hash() == b.params_hash() && a.n() == b.n() && a.limb_count() == b.limb_count() && same_words(a, b);
}
// Every limb of every (b_j, a_j), in its stored width.
bool same_limbs(const KeySwitchKey& a, const KeySwitchKey& b) {
  if (a.n() != b.n() || a.digit_count() != b.digit_count() || a.limb_count() != b.limb_count() ||
      a.byte_count() != b.byte_count())
    return false;
  std::vector<std::uint64_t> x(a.n()), y(a.n());
  for (std::size_t j = 0; j < a.digit_count(); ++j)
    for (std::size_t p = 0; p < 2; ++p)
      for (std::size_t i = 0; i < a.limb_count(); ++i) {
        if (a.narrow(i) != b.narrow(i)) return false;
        a.get_limb(j, p, i, x.data());
        b.get_limb(j, p, i, y.data());
        if (x != y) return false;
      }
  return true;
}
bool equal(const KeySwitchKey& a, const KeySwitchKey& b) {
  return a.params_hash() == b.params_hash() && a.seed() == b.seed() && same_limbs(a, b);
}
bool equal(const GaloisKeys& a, const GaloisKeys& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [g, k] : a.keys())
    if (!b.has_key(g) || !equal(k, b.key(g))) return false;
  return true;
}

// One shared functional set-up: N = 2048, 50/40/50-bit primes, toy security for speed.
CkksSetup& setup() {
  static CkksSetup s(2048, {50, 40, 50}, SecurityLevel::kNone);
  return s;
}

std::vector<double> test_values(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::cos(0.01 * static_cast<double>(i)) * 0.9;
  return v;
}

const Compression kModes[] = {Compression::kNone, Compression::kZlib};

}  // namespace

TEST(serial_parameters_round_trip) {
  const auto& p = setup().ctx->parameters();
  for (Compression c : kModes) {
    auto blob = save(p, c);
    CHECK(load_parameters(blob.data(), blob.size()) == p);
    CHECK(peek_object_type(blob.data(), blob.size()) == ObjectType::kParameters);
  }
  // Parameters that must be refused, although save() writes them faithfully.
  const std::size_t n = 2048;
  const auto good = coeff_modulus::create(n, {40, 40, 40});
  auto refused = [&](std::size_t degree, std::vector<Modulus> primes, std::size_t special) {
    EncryptionParameters q(degree);
    q.set_coeff_modulus(std::move(primes));
    q.set_special_prime_count(special);
    auto blob = save(q);
    CHECK_THROWS(load_parameters(blob.data(), blob.size()), CorruptDataError);
  };
  const std::uint64_t composite = (2 * n + 1) * (2 * n + 1);  // 1 mod 2N, not prime
  refused(n, {good[0], Modulus(composite), good[2]}, 1);
  refused(n, {good[0], Modulus(good[1].value() + 2), good[2]}, 1);     // not 1 mod 2N
  refused(n, {good[0], good[0], good[2]}, 1);                           // repeated prime
  refused(n, good, 0);                                                  // no special prime
  refused(n, good, 3);                                                  // only special primes
  refused(n, {good[0]}, 1);                                             // one prime
  refused(3000, good, 1);                                               // not a power of two
  refused(512, coeff_modulus::create(512, {30, 30}), 1);                // below 2^10
  refused(1 << 18, {Modulus((1ULL << 59) + 1), Modulus(3)}, 1);         // above 2^17
}

TEST(serial_plaintext_ciphertext_round_trips) {
  CkksSetup& s = setup();
  const Context& ctx = *s.ctx;
  Plaintext pt;
  s.encoder->encode(test_values(ctx.slot_count()), s.scale, ctx.max_level(), pt);
  Ciphertext ct_pk, ct_sym, ct3, ct_low;
  s.encryptor->encrypt(pt, ct_pk);
  s.encryptor->encrypt_symmetric(pt, ct_sym);
  CHECK(ct_sym.c1_seed().has_value());
  s.evaluator->multiply(ct_pk, ct_pk, ct3);
  ct_low = ct_pk;
  s.evaluator->mod_switch_to_inplace(ct_low, 0);
  for (Compression c : kModes) {
    Plaintext pt2;
    auto b = save(ctx, pt, c);
    load(ctx, b.data(), b.size(), pt2);
    CHECK(equal(pt, pt2));
    CHECK(save(pt, c) == b);  // the context-free save writes the same bytes
    for (const Ciphertext* ct : {&ct_pk, &ct_sym, &ct3, &ct_low}) {
      auto blob = save(ctx, *ct, c);
      Ciphertext back;
      load(ctx, blob.data(), blob.size(), back);
      CHECK(equal(*ct, back));
      CHECK(save(*ct, c) == blob);
    }
  }
  // Sizes: bit packing (50 + 40 bits per coefficient position over the two data primes instead of 2 x 64)
  // and the seed instead of c_1.
  const std::size_t full = save(ctx, ct_pk).size(), seeded = save(ctx, ct_sym).size();
  const std::size_t packed_poly = ctx.n() * (50 + 40) / 8;
  CHECK_EQ(full, 64 + (8 + 4 + 4 + 8 + 1 + 2 * 2) + 2 * packed_poly);
  CHECK_EQ(seeded, 64 + (8 + 4 + 4 + 8 + 1 + 32 + 2) + packed_poly);
}

TEST(serial_key_round_trips) {
  CkksSetup& s = setup();
  const Context& ctx = *s.ctx;
  GaloisKeys gk;
  s.keygen->create_galois_keys({1, -1, 5}, true, gk);
  for (Compression c : kModes) {
    SecretKey sk;
    auto b = save(ctx, s.keygen->secret_key(), c);
    load(ctx, b.data(), b.size(), sk);
    CHECK(equal(sk, s.keygen->secret_key()));
    if (c == Compression::kNone) CHECK_EQ(b.size(), 64u + 12 + ctx.n() / 4);

    PublicKey pk;
    b = save(ctx, s.pk, c);
    load(ctx, b.data(), b.size(), pk);
    CHECK(equal(pk.data(), s.pk.data()));
    CHECK(save(s.pk, c) == b);

    RelinKeys rk;
    b = save(ctx, s.rk, c);
    load(ctx, b.data(), b.size(), rk);
    CHECK(equal(rk.key(), s.rk.key()));
    CHECK(save(s.rk, c) == b);
    // Seed compression: only the b_j are stored (digits x all primes, packed).
    if (c == Compression::kNone)
      CHECK_EQ(b.size(), 64u + 8 + (4 + 4 + 1 + 32 + ctx.digit_count() * ctx.prime_count()) +
                             ctx.digit_count() * ctx.n() * (50 + 40 + 50) / 8);

    GaloisKeys gk2;
    b = save(ctx, gk, c);
    load(ctx, b.data(), b.size(), gk2);
    CHECK(equal(gk, gk2));
    CHECK(save(gk, c) == b);
  }
}

// A Galois key set whose keys serve different levels (KeySwitchKey) round-trips exactly, with and without a
// context and seed compression, and the loaded keys rotate; a key block whose digit count does not fit its limbs,
// and a relinearization key restricted to a level, are refused.
TEST(serial_galois_keys_of_several_levels) {
  CkksSetup s(2048, {50, 40, 40, 40, 50, 50}, SecurityLevel::kNone, 2);  // levels 0..3, digits of 2
  const Context& ctx = *s.ctx;
  const std::uint64_t g3 = galois_element_for_step(3, ctx.n()), g5 = galois_element_for_step(5, ctx.n());
  GaloisKeys gk;
  s.keygen->create_galois_keys_for_elements({g3}, gk);
  s.keygen->create_galois_keys_for_elements({g5}, 1, gk);
  for (Compression c : kModes) {
    auto b = save(ctx, gk, c);
    GaloisKeys back;
    load(ctx, b.data(), b.size(), back);
    CHECK(equal(gk, back));
    CHECK(switch_key_level(ctx, back.key(g5)) == 1);
    CHECK(save(gk, c) == b);
    if (c == Compression::kNone) {
      // The restricted key's block: 1 digit (primes 0, 1 at level 1) of 4 limbs (q_0, q_1 and the two P).
      GaloisKeys only5;
      only5.insert(g5) = gk.key(g5);
      auto b5 = save(ctx, only5, c);
      CHECK_EQ(b5.size(), 64u + 8 + 4 + (8 + 4 + 4 + 1 + 32 + 4) + ctx.n() * (50 + 40 + 50 + 50) / 8);
    }
  }
  const auto v = test_values(ctx.slot_count());
  GaloisKeys back;
  auto b = save(ctx, gk);
  load(ctx, b.data(), b.size(), back);
  Plaintext pt;
  s.encoder->encode(v, s.scale, 1, pt);
  Ciphertext ct, rot;
  s.encryptor->encrypt(pt, ct);
  s.evaluator->rotate(ct, 5, back, rot);
  std::vector<double> want(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) want[i] = v[(i + 5) % v.size()];
  CHECK_LT(hnn_test::max_abs_error(s.decrypt(rot), want), 1e-4);
  // A relinearization key must serve every level.
  RelinKeys restricted;
  shape_switch_key(ctx, 1, restricted.key());
  std::vector<std::uint64_t> limb(ctx.n());
  const std::vector<std::size_t> primes = switch_key_primes(ctx, 1);
  for (std::size_t p = 0; p < 2; ++p)
    for (std::size_t k = 0; k < primes.size(); ++k) {
      s.rk.key().get_limb(0, p, primes[k], limb.data());
      restricted.key().set_limb(0, p, k, limb.data());
    }
  auto rb = save(ctx, restricted);
  RelinKeys rk;
  CHECK_THROWS(load(ctx, rb.data(), rb.size(), rk), CorruptDataError);
}

TEST(serial_loaded_objects_work) {
  CkksSetup& s = setup();
  const ContextPtr& ctx = s.ctx;
  const auto v = test_values(ctx->slot_count());
  // Keys through bytes.
  SecretKey sk;
  PublicKey pk;
  RelinKeys rk;
  GaloisKeys gk_orig, gk;
  s.keygen->create_galois_keys({3}, true, gk_orig);
  {
    auto b = save(*ctx, s.keygen->secret_key(), Compression::kZlib);
    load(*ctx, b.data(), b.size(), sk);
    b = save(*ctx, s.pk);
    load(*ctx, b.data(), b.size(), pk);
    b = save(*ctx, s.rk);
    load(*ctx, b.data(), b.size(), rk);
    b = save(*ctx, gk_orig, Compression::kZlib);
    load(*ctx, b.data(), b.size(), gk);
  }
  Encryptor enc(ctx, pk, sk);
  Decryptor dec(ctx, sk);
  auto decrypt = [&](const Ciphertext& c) {
    Plaintext p;
    dec.decrypt(c, p);
    std::vector<double> out;
    s.encoder->decode(p, out);
    return out;
  };
  Plaintext pt;
  s.encoder->encode(v, s.scale, ctx->max_level(), pt);
  // A ciphertext (public-key and seeded symmetric) through bytes still decrypts.
  Ciphertext ct, cts, back, backs;
  enc.encrypt(pt, ct);
  enc.encrypt_symmetric(pt, cts);
  auto b1 = save(*ctx, ct), b2 = save(*ctx, cts, Compression::kZlib);
  load(*ctx, b1.data(), b1.size(), back);
  load(*ctx, b2.data(), b2.size(), backs);
  CHECK_LT(hnn_test::max_abs_error(decrypt(back), v), 1e-4);
  CHECK_LT(hnn_test::max_abs_error(decrypt(backs), v), 1e-4);
  // Relinearization with the loaded key.
  Ciphertext sq;
  s.evaluator->multiply(back, backs, sq);
  auto b3 = save(*ctx, sq);
  Ciphertext sq2;
  load(*ctx, b3.data(), b3.size(), sq2);
  s.evaluator->relinearize_inplace(sq2, rk);
  s.evaluator->rescale_inplace(sq2);
  std::vector<double> want(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) want[i] = v[i] * v[i];
  CHECK_LT(hnn_test::max_abs_error(decrypt(sq2), want), 1e-3);
  // Rotation with the loaded Galois key.
  Ciphertext rot;
  s.evaluator->rotate(backs, 3, gk, rot);
  for (std::size_t i = 0; i < v.size(); ++i) want[i] = v[(i + 3) % v.size()];
  CHECK_LT(hnn_test::max_abs_error(decrypt(rot), want), 1e-4);
}

// Primes below 2^32 (28 to 31 bits, as CKKS at scale 2^28 uses) next to a wider one: the key stores those limbs
// as 32-bit words, which must survive bytes exactly and switch keys as the 64-bit layout does.
TEST(serial_narrow_key_limbs_round_trip_and_switch) {
  CkksSetup s(4096, {36, 28, 28, 28, 31, 31}, SecurityLevel::kNone, 2, 28);
  const Context& ctx = *s.ctx;
  const std::vector<bool> narrow = ctx.narrow_key_limbs();
  CHECK(!narrow[0]);
  for (std::size_t i = 1; i < narrow.size(); ++i) CHECK(narrow[i]);
  CHECK(!s.rk.key().narrow(0));
  CHECK(s.rk.key().narrow(1));
  // 1 limb of 64-bit words and 5 of 32-bit words per polynomial, each followed by the key layout's skew
  const std::size_t skew_bytes = (skewed_stride(ctx.n(), 9) - ctx.n()) * 8;
  CHECK_EQ(s.rk.key().byte_count(), ctx.digit_count() * 2 * (ctx.n() * (8 + 5 * 4) + 6 * skew_bytes));
  GaloisKeys gk;
  s.keygen->create_galois_keys({1}, false, gk);
  RelinKeys rk;
  GaloisKeys gk2;
  auto b = save(ctx, s.rk);
  load(ctx, b.data(), b.size(), rk);
  CHECK(equal(rk.key(), s.rk.key()));
  b = save(ctx, gk, Compression::kZlib);
  load(ctx, b.data(), b.size(), gk2);
  CHECK(equal(gk, gk2));
  const auto v = test_values(ctx.slot_count());
  Ciphertext x = s.encrypt(v), sq, rot;
  s.evaluator->multiply_relin_rescale(x, x, rk, sq);
  s.evaluator->rotate(x, 1, gk2, rot);
  std::vector<double> want_sq(v.size()), want_rot(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    want_sq[i] = v[i] * v[i];
    want_rot[i] = v[(i + 1) % v.size()];
  }
  CHECK_LT(hnn_test::max_abs_error(s.decrypt(sq), want_sq), 1e-3);
  CHECK_LT(hnn_test::max_abs_error(s.decrypt(rot), want_rot), 1e-3);
}

TEST(serial_streams_hold_several_objects) {
  CkksSetup& s = setup();
  const Context& ctx = *s.ctx;
  Ciphertext ct = s.encrypt(test_values(16));
  std::stringstream ss;
  save(ss, ctx.parameters());
  save(ss, ct, Compression::kZlib);
  save(ss, s.rk);
  save(ss, ctx, s.keygen->secret_key());
  save(ss, s.pk, Compression::kZlib);
  CHECK(load_parameters(ss) == ctx.parameters());
  Ciphertext c2;
  load(ctx, ss, c2);
  CHECK(equal(ct, c2));
  RelinKeys rk;
  load(ctx, ss, rk);
  CHECK(equal(rk.key(), s.rk.key()));
  SecretKey sk;
  load(ctx, ss, sk);
  CHECK(equal(sk, s.keygen->secret_key()));
  PublicKey pk;
  load(ctx, ss, pk);
  CHECK(equal(pk.data(), s.pk.data()));
  CHECK(ss.peek() == std::char_traits<char>::eof());
  // A stream that ends early, or holds another type.
  std::stringstream empty;
  CHECK_THROWS(load(ctx, empty, c2), CorruptDataError);
  auto blob = save(ct);
  std::stringstream cut(std::string(reinterpret_cast<const char*>(blob.data()), blob.size() - 1));
  CHECK_THROWS(load(ctx, cut, c2), CorruptDataError);
  std::stringstream other(std::string(reinterpret_cast<const char*>(blob.data()), blob.size()));
  CHECK_THROWS(load(ctx, other, rk), CorruptDataError);
  CHECK(equal(ct, c2));
}

TEST(serial_other_context_is_incompatible) {
  CkksSetup& s = setup();
  // Same degree, other primes: an intact blob from it has the wrong parameter hash.
  CkksSetup other(2048, {50, 40, 40, 50}, SecurityLevel::kNone);
  const Context& ctx = *s.ctx;
  Ciphertext ct = other.encrypt(test_values(8));
  auto b = save(ct);
  Ciphertext out;
  CHECK_THROWS(load(ctx, b.data(), b.size(), out), IncompatibleObjectsError);
  std::stringstream ss(std::string(reinterpret_cast<const char*>(b.data()), b.size()));
  CHECK_THROWS(load(ctx, ss, out), IncompatibleObjectsError);
  auto bk = save(other.rk);
  RelinKeys rk;
  CHECK_THROWS(load(ctx, bk.data(), bk.size(), rk), IncompatibleObjectsError);
  auto bs = save(*other.ctx, other.keygen->secret_key());
  SecretKey sk;
  CHECK_THROWS(load(ctx, bs.data(), bs.size(), sk), IncompatibleObjectsError);
  auto bp = save(other.pk);
  PublicKey pk;
  CHECK_THROWS(load(ctx, bp.data(), bp.size(), pk), IncompatibleObjectsError);
  // A larger ring: still "other parameters", also through a stream (where the size check comes first).
  CkksSetup big(4096, {50, 40, 50}, SecurityLevel::kNone);
  auto bb = save(big.rk);
  std::stringstream sb(std::string(reinterpret_cast<const char*>(bb.data()), bb.size()));
  CHECK_THROWS(load(ctx, sb, rk), IncompatibleObjectsError);
  CHECK_THROWS(load(ctx, bb.data(), bb.size(), rk), IncompatibleObjectsError);
  // Saving with a context the object does not belong to.
  CHECK_THROWS(save(ctx, ct), IncompatibleObjectsError);
  CHECK_THROWS(save(ctx, other.keygen->secret_key()), IncompatibleObjectsError);
}

TEST(serial_failed_load_leaves_output_untouched) {
  CkksSetup& s = setup();
  const Context& ctx = *s.ctx;
  Ciphertext ct = s.encrypt(test_values(8)), keep = ct;
  auto blob = save(s.encrypt(test_values(4)));
  blob[blob.size() / 2] ^= 1;
  CHECK_THROWS(load(ctx, blob.data(), blob.size(), ct), CorruptDataError);
  CHECK(equal(ct, keep));
  // Corruption found only late (in the last limb of the body, behind a valid checksum).
  auto late = save(s.encrypt(test_values(4)));
  for (std::size_t i = 1; i <= 40; ++i) late[late.size() - i] = 0xFF;  // top limb: values >= q
  serial::seal_checksum(late.data(), late.size());
  CHECK_THROWS(load(ctx, late.data(), late.size(), ct), CorruptDataError);
  CHECK(equal(ct, keep));
  RelinKeys rk = s.rk;
  auto rb = save(s.rk);
  rb.resize(rb.size() - 1);
  CHECK_THROWS(load(ctx, rb.data(), rb.size(), rk), CorruptDataError);
  CHECK(equal(rk.key(), s.rk.key()));
  SecretKey sk = s.keygen->secret_key();
  auto sb = save(ctx, sk);
  sb.back() = 0xFF;  // invalid ternary codes
  serial::seal_checksum(sb.data(), sb.size());
  CHECK_THROWS(load(ctx, sb.data(), sb.size(), sk), CorruptDataError);
  CHECK(equal(sk, s.keygen->secret_key()));
  CHECK_THROWS(load(ctx, nullptr, 10, sk), InvalidArgumentError);
  CHECK_THROWS(load(ctx, nullptr, 0, sk), CorruptDataError);
}

TEST(serial_seeds_are_verified_with_a_context) {
  CkksSetup& s = setup();
  const Context& ctx = *s.ctx;
  // A ciphertext claiming a seed that does not produce its c_1: the context save notices and stores c_1.
  Ciphertext ct = s.encrypt(test_values(8));
  ct.set_c1_seed(random_seed());
  auto blob = save(ctx, ct);
  Ciphertext back;
  load(ctx, blob.data(), blob.size(), back);
  CHECK(same_words(ct, back));
  CHECK(!back.c1_seed().has_value());
  // The same for a key-switching key whose seed was replaced.
  RelinKeys rk = s.rk;
  rk.key().set_seed(random_seed());
  auto kb = save(ctx, rk);
  CHECK(kb.size() > save(ctx, s.rk).size());
  RelinKeys rk2;
  load(ctx, kb.data(), kb.size(), rk2);
  CHECK(same_limbs(rk2.key(), s.rk.key()));
}

TEST(serial_save_refuses_malformed_objects) {
  CkksSetup& s = setup();
  const Context& ctx = *s.ctx;
  CHECK_THROWS(save(Ciphertext()), InvalidArgumentError);
  CHECK_THROWS(save(Plaintext()), InvalidArgumentError);
  CHECK_THROWS(save(GaloisKeys()), InvalidArgumentError);
  CHECK_THROWS(save(RelinKeys()), InvalidArgumentError);
  CHECK_THROWS(save(ctx, SecretKey()), InvalidArgumentError);
  Ciphertext ct = s.encrypt(test_values(8));
  ct.data()[5] = ctx.prime(0).value();  // not reduced
  CHECK_THROWS(save(ctx, ct), InvalidArgumentError);
  auto blob = save(ct);  // the context-free save cannot know; the loader refuses it
  CHECK_THROWS(load(ctx, blob.data(), blob.size(), ct), CorruptDataError);
  SecretKey sk = s.keygen->secret_key();
  sk.data()[0] = add_mod(sk.data()[0], 1, ctx.prime(0));  // no longer ternary / consistent across limbs
  CHECK_THROWS(save(ctx, sk), InvalidArgumentError);
}

TEST(serial_hostile_sizes_are_refused_without_allocation) {
  const auto& e = hnn_fuzz::env();
  const Context& ctx = *e.ctx;
  const std::vector<std::uint8_t>* ct_blob = nullptr;
  for (const auto& [name, b] : e.seeds)
    if (name == "ciphertext") ct_blob = &b;
  CHECK(ct_blob != nullptr);
  Ciphertext out;
  // Header promising ~2^60 bytes (checksum valid): refused by the limits, nothing allocated.
  for (std::uint64_t huge : {1ULL << 40, 1ULL << 60, ~0ULL}) {
    auto b = *ct_blob;
    hnn_fuzz::put_le(b, 16, 8, huge);
    hnn_fuzz::put_le(b, 24, 8, huge);
    hnn_fuzz::reseal(b);
    CHECK_THROWS(load(ctx, b.data(), b.size(), out), CorruptDataError);
    std::stringstream ss(std::string(reinterpret_cast<const char*>(b.data()), b.size()));
    CHECK_THROWS(load(ctx, ss, out), CorruptDataError);
  }
  // A "zip bomb": a compressed body of zeros declaring far more than any ciphertext of this context.
  std::vector<std::uint8_t> zeros(64 << 20, 0), z;
  serial::zlib_compress(zeros.data(), zeros.size(), z, false);
  std::vector<std::uint8_t> bomb(ct_blob->begin(), ct_blob->begin() + 64 + static_cast<long>(hnn_fuzz::get_le(*ct_blob, 8, 4)));
  bomb[7] = 1;
  hnn_fuzz::put_le(bomb, 16, 8, zeros.size());
  hnn_fuzz::put_le(bomb, 24, 8, z.size());
  bomb.insert(bomb.end(), z.begin(), z.end());
  hnn_fuzz::reseal(bomb);
  CHECK_THROWS(load(ctx, bomb.data(), bomb.size(), out), CorruptDataError);
  // A stream announcing a large (in-limit) payload that is not there: refused when the stream ends.
  auto b = *ct_blob;
  b.resize(64);
  hnn_fuzz::put_le(b, 24, 8, 3 * 3 * 1024 * 8);
  hnn_fuzz::put_le(b, 16, 8, 3 * 3 * 1024 * 8);
  std::stringstream ss(std::string(reinterpret_cast<const char*>(b.data()), b.size()));
  CHECK_THROWS(load(ctx, ss, out), CorruptDataError);
}

TEST(serial_key_sets_cannot_claim_memory_they_do_not_carry) {
  const auto& e = hnn_fuzz::env();
  const Context& ctx = *e.ctx;
  // A Galois key set of N - 1 keys whose limbs are all zero-width: a 200 kB descriptor, an empty body,
  // and (if it were accepted) N - 1 full keys in memory. Refused from the descriptor alone.
  std::vector<std::uint8_t> desc;
  serial::ByteWriter w(desc);
  w.u64(ctx.n());
  const std::uint32_t count = static_cast<std::uint32_t>(ctx.n() - 1);
  w.u32(count);
  for (std::uint32_t k = 0; k < count; ++k) {
    w.u64(3 + 2 * static_cast<std::uint64_t>(k));
    w.u32(static_cast<std::uint32_t>(ctx.digit_count()));
    w.u32(static_cast<std::uint32_t>(ctx.prime_count()));
    w.u8(1);
    for (int i = 0; i < 32; ++i) w.u8(0);
    for (std::size_t i = 0; i < ctx.digit_count() * ctx.prime_count(); ++i) w.u8(0);
  }
  std::vector<std::uint8_t> blob(64);
  blob.insert(blob.end(), desc.begin(), desc.end());
  serial::Header h;
  h.type = ObjectType::kGaloisKeys;
  h.descriptor_size = static_cast<std::uint32_t>(desc.size());
  h.params_hash = ctx.params_hash();
  serial::write_header(h, blob.data());
  serial::seal_checksum(blob.data(), blob.size());
  GaloisKeys gk;
  CHECK_THROWS(load(ctx, blob.data(), blob.size(), gk), CorruptDataError);
  // A relinearization key whose body is a zlib stream of width-1 "all ones" limbs: refused as inflating
  // far more than key material can.
  RelinKeys rk;
  for (const auto& [name, b] : e.seeds)
    if (name == "relin keys+zlib") {
      const std::vector<std::uint8_t> ones(static_cast<std::size_t>(hnn_fuzz::get_le(b, 16, 8)), 0xFF);
      std::vector<std::uint8_t> z;
      serial::zlib_compress(ones.data(), ones.size(), z, false);
      std::vector<std::uint8_t> bomb(b.begin(), b.begin() + 64 + static_cast<long>(hnn_fuzz::get_le(b, 8, 4)));
      hnn_fuzz::put_le(bomb, 24, 8, z.size());
      bomb.insert(bomb.end(), z.begin(), z.end());
      hnn_fuzz::reseal(bomb);
      CHECK_THROWS(load(ctx, bomb.data(), bomb.size(), rk), CorruptDataError);
    }
}

TEST(serial_every_truncation_is_rejected) {
  const auto& e = hnn_fuzz::env();
  std::size_t cases = 0;
  for (const auto& [name, blob] : e.seeds) {
    const auto type = static_cast<ObjectType>(blob[6]);
    // Every prefix of the small blobs; a stride through the large ones plus every prefix near the
    // header/descriptor/body boundaries.
    const std::size_t desc_end = 64 + static_cast<std::size_t>(hnn_fuzz::get_le(blob, 8, 4));
    const std::size_t stride = blob.size() < 4000 ? 1 : blob.size() / 1500;
    for (std::size_t len = 0; len < blob.size(); ++len) {
      const bool near_boundary = len < desc_end + 16 || len + 16 > blob.size();
      if (!near_boundary && len % stride != 0) continue;
      const auto out = hnn_fuzz::try_load(*e.ctx, type, blob.data(), len);
      CHECK(out == hnn_fuzz::Outcome::kCorrupt);
      ++cases;
    }
  }
  std::cout << "  truncations rejected: " << cases << std::endl;
  CHECK(cases > 5000);
}

TEST(serial_mutation_campaign) {
  const auto& e = hnn_fuzz::env();
  hnn_fuzz::Rng rng(20261121);
  const std::size_t kMutations = 12000;
  std::map<std::string, std::size_t> by_kind;
  std::size_t must_reject = 0, rejected = 0, may_accept = 0, accepted = 0, incompatible = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < kMutations; ++i) {
    const auto& blob = e.seeds[rng.below(e.seeds.size())].second;
    const auto type = static_cast<ObjectType>(blob[6]);
    const hnn_fuzz::Mutation m = hnn_fuzz::mutate(blob, rng);
    ++by_kind[m.kind];
    // Every eighth input also goes through the stream path.
    const bool via_stream = (i % 8) == 7;
    hnn_fuzz::Outcome out;
    try {
      out = hnn_fuzz::try_load(*e.ctx, type, m.bytes.data(), m.bytes.size(), via_stream);
    } catch (const std::exception& ex) {
      throw hnn_test::Failure{"mutation '" + m.kind + "' escaped with: " + ex.what()};
    }
    if (m.expect == hnn_fuzz::Expect::kReject) {
      ++must_reject;
      if (out == hnn_fuzz::Outcome::kLoaded && !(via_stream && m.kind == "appended bytes"))
        throw hnn_test::Failure{"mutation '" + m.kind + "' was accepted"};
      if (out != hnn_fuzz::Outcome::kLoaded) ++rejected;
      if (m.kind == "parameter hash edit (resealed)" && type != ObjectType::kParameters)
        CHECK(out == hnn_fuzz::Outcome::kIncompatible);
    } else {
      ++may_accept;
      accepted += out == hnn_fuzz::Outcome::kLoaded;
    }
    incompatible += out == hnn_fuzz::Outcome::kIncompatible;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "  " << kMutations << " mutated blobs in " << std::fixed << std::setprecision(1) << secs << " s: "
            << must_reject << " must-reject (" << rejected << " rejected, " << incompatible
            << " as IncompatibleObjectsError), " << may_accept << " resealed random edits (" << accepted
            << " still valid, re-encoded canonically)" << std::endl;
  for (const auto& [kind, count] : by_kind) std::cout << "    " << std::setw(6) << count << "  " << kind << std::endl;
  CHECK(must_reject + may_accept >= 10000);
}

// Bytes per object for the benchmark parameter sets (HNN_SERIAL_SIZES=all adds N = 16384 and 32768, which
// take a while: key generation at N = 32768 produces ~140 MB per key-switching key).
TEST(serial_sizes_benchmark_parameters) {
  const char* all = std::getenv("HNN_SERIAL_SIZES");
  struct Set {
    std::size_t n;
    std::vector<int> bits;
  };
  std::vector<Set> sets = {{8192, {60, 40, 40, 60}}};
  if (all && std::string(all) == "all") {
    sets.push_back({16384, {60, 40, 40, 40, 40, 40, 40, 60}});
    std::vector<int> b{60};
    for (int i = 0; i < 15; ++i) b.push_back(40);
    b.push_back(60);
    sets.push_back({32768, b});
  }
  std::cout << "  object                 N   uncompressed        zlib   (kB = 1000 bytes)" << std::endl;
  for (const Set& set : sets) {
    EncryptionParameters p(set.n);
    p.set_coeff_modulus(coeff_modulus::create(set.n, set.bits));
    auto ctx = Context::create(p);
    KeyGenerator kg(ctx);
    PublicKey pk;
    kg.create_public_key(pk);
    CkksEncoder enc(ctx);
    Plaintext pt;
    enc.encode(test_values(ctx->slot_count()), std::ldexp(1.0, 40), ctx->max_level(), pt);
    Encryptor encryptor(ctx, pk, kg.secret_key());
    Ciphertext ct, cts;
    encryptor.encrypt(pt, ct);
    encryptor.encrypt_symmetric(pt, cts);
    auto row = [&](const char* what, const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& z) {
      std::cout << "  " << std::left << std::setw(18) << what << std::right << std::setw(6) << set.n << std::setw(15)
                << a.size() << std::setw(12) << z.size() << std::endl;
    };
    row("parameters", save(p), save(p, Compression::kZlib));
    row("plaintext", save(*ctx, pt), save(*ctx, pt, Compression::kZlib));
    row("ciphertext (pk)", save(*ctx, ct), save(*ctx, ct, Compression::kZlib));
    row("ciphertext (sym)", save(*ctx, cts), save(*ctx, cts, Compression::kZlib));
    row("secret key", save(*ctx, kg.secret_key()), save(*ctx, kg.secret_key(), Compression::kZlib));
    row("public key", save(*ctx, pk), save(*ctx, pk, Compression::kZlib));
    {
      RelinKeys rk;
      kg.create_relin_keys(rk);
      using clock = std::chrono::steady_clock;
      const auto t0 = clock::now();
      auto a = save(*ctx, rk);
      const auto t1 = clock::now();
      RelinKeys back;
      load(*ctx, a.data(), a.size(), back);
      const auto t2 = clock::now();
      row("relin keys", a, save(*ctx, rk, Compression::kZlib));
      CHECK(equal(back.key(), rk.key()));
      std::cout << "    relin keys: save (with seed check) " << std::fixed << std::setprecision(1)
                << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms, load "
                << std::chrono::duration<double, std::milli>(t2 - t1).count() << " ms" << std::endl;
    }
    {
      GaloisKeys gk;
      kg.create_galois_keys({1}, false, gk);
      row("galois key (one)", save(*ctx, gk), save(*ctx, gk, Compression::kZlib));
    }
  }
}
