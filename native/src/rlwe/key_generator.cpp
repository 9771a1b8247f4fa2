#include "hnn/rlwe/key_generator.h"

#include "hnn/ring/automorphism.h"
#include "hnn/ring/poly_arith.h"
#include "hnn/ring/sampler.h"
#include "hnn/util/thread_pool.h"
#include "sampling.h"

namespace hnn {

void expand_switch_key_a(const Context& ctx, const Seed& seed, std::size_t digit, std::size_t level,
                         std::uint64_t* out) {
  const std::size_t n = ctx.n(), primes = ctx.prime_count();
  const std::vector<std::size_t> held = switch_key_primes(ctx, level);
  parallel_for(0, held.size(), [&](std::size_t k) {
    SeededStream stream(seed, digit * primes + held[k]);
    sample_uniform(stream, ctx.prime(held[k]), out + k * n, n);
  });
}

namespace {

void check_secret_key(const Context& ctx, const SecretKey& sk) {
  if (sk.empty() || sk.params_hash() != ctx.params_hash() || sk.n() != ctx.n() || sk.limb_count() != ctx.prime_count())
    throw IncompatibleObjectsError("the secret key belongs to other encryption parameters");
}

}  // namespace

KeyGenerator::KeyGenerator(ContextPtr context) : ctx_(std::move(context)) {
  if (!ctx_) throw InvalidArgumentError("context is null");
  const std::size_t n = ctx_->n();
  sk_.resize(ctx_->params_hash(), n, ctx_->prime_count());
  detail::SmallPoly s(n);
  SeededStream stream(random_seed(), 0);
  detail::sample_ternary(stream, s);
  detail::small_to_ntt(*ctx_, s, ctx_->prime_count(), sk_.data());
}

KeyGenerator::KeyGenerator(ContextPtr context, const SecretKey& secret_key) : ctx_(std::move(context)) {
  if (!ctx_) throw InvalidArgumentError("context is null");
  check_secret_key(*ctx_, secret_key);
  sk_ = secret_key;
}

void KeyGenerator::create_public_key(PublicKey& out) const {
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n(), limbs = ctx.data_prime_count();
  Ciphertext ct;
  ct.resize(ctx.params_hash(), n, ctx.max_level(), 2);
  const Seed a_seed = random_seed();
  detail::SmallPoly e(n);
  {
    SeededStream stream(random_seed(), 0);
    detail::sample_error(stream, e);
  }
  std::uint64_t* b = ct.poly(0);
  std::uint64_t* a = ct.poly(1);
  detail::small_to_ntt(ctx, e, limbs, b);
  parallel_for(0, limbs, [&](std::size_t i) {
    SeededStream stream(a_seed, i);
    sample_uniform(stream, ctx.prime(i), a + i * n, n);
    // b = e - a s
    U64Vector as(n);
    mul_mod(a + i * n, sk_.limb(i), as.data(), n, ctx.prime(i));
    sub_mod(b + i * n, as.data(), b + i * n, n, ctx.prime(i));
  });
  ct.set_c1_seed(a_seed);  // a is the symmetric-ciphertext expansion of a_seed: serialization sends the seed
  out.data() = std::move(ct);
}

void KeyGenerator::create_switch_key(const std::uint64_t* new_key, std::size_t level, KeySwitchKey& out) const {
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n();
  const std::vector<std::size_t> primes = switch_key_primes(ctx, level);
  const std::size_t limbs = primes.size();
  KeySwitchKey key;
  shape_switch_key(ctx, level, key);
  key.set_seed(random_seed());
  // b_j and a_j are computed in 64-bit words, then stored in the key's layout (limb k is prime primes[k]).
  U64Vector b_words(limbs * n), a_words(limbs * n);
  for (std::size_t j = 0; j < key.digit_count(); ++j) {
    std::uint64_t* b = b_words.data();
    std::uint64_t* a = a_words.data();
    expand_switch_key_a(ctx, key.seed(), j, level, a);
    detail::SmallPoly e(n);
    {
      SeededStream stream(random_seed(), 0);
      detail::sample_error(stream, e);
    }
    detail::small_to_ntt(ctx, e, primes, b);
    // The digit's primes at the top level: a key for a lower level holds a prefix of them (the gadget is the
    // same prime by prime).
    const std::size_t begin = ctx.digit_begin(j), end = ctx.digit_end(j, ctx.max_level());
    parallel_for(0, limbs, [&](std::size_t k) {
      const std::size_t i = primes[k];
      const Modulus& q = ctx.prime(i);
      std::uint64_t* bk = b + k * n;
      U64Vector t(n);
      mul_mod(a + k * n, sk_.limb(i), t.data(), n, q);
      sub_mod(bk, t.data(), bk, n, q);  // b = e - a s
      if (i >= begin && i < end) {
        // + P * s' on the primes of this digit (the gadget P (Q/Q_j) [(Q/Q_j)^-1]_{Q_j} is P mod q_i there
        // and 0 mod every other prime).
        mul_scalar_mod(new_key + i * n, ctx.special_product_mod(i), t.data(), n, q);
        add_mod(bk, t.data(), bk, n, q);
      }
      key.set_limb(j, 0, k, bk);
      key.set_limb(j, 1, k, a + k * n);
    });
  }
  out = std::move(key);
}

void KeyGenerator::create_switch_key_from(const SecretKey& other, KeySwitchKey& out) const {
  check_secret_key(*ctx_, other);
  create_switch_key(other.data(), ctx_->max_level(), out);
}

void KeyGenerator::create_relin_keys(RelinKeys& out) const {
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n();
  SecretU64Vector s2(n * ctx.prime_count());
  parallel_for(0, ctx.prime_count(), [&](std::size_t i) {
    mul_mod(sk_.limb(i), sk_.limb(i), s2.data() + i * n, n, ctx.prime(i));
  });
  create_switch_key(s2.data(), ctx.max_level(), out.key());
}

void KeyGenerator::create_galois_keys(const std::vector<long long>& steps, bool conjugation, GaloisKeys& out) const {
  std::vector<std::uint64_t> elements;
  for (long long s : steps) {
    if (s % static_cast<long long>(ctx_->slot_count()) == 0) continue;  // identity rotation needs no key
    elements.push_back(galois_element_for_step(s, ctx_->n()));
  }
  if (conjugation) elements.push_back(galois_element_conjugate(ctx_->n()));
  create_galois_keys_for_elements(elements, out);
}

void KeyGenerator::create_galois_keys_for_elements(const std::vector<std::uint64_t>& elements, GaloisKeys& out) const {
  create_galois_keys_for_elements(elements, ctx_->max_level(), out);
}

void KeyGenerator::create_galois_keys_for_elements(const std::vector<std::uint64_t>& elements, std::size_t max_level,
                                                   GaloisKeys& out) const {
  const Context& ctx = *ctx_;
  if (max_level > ctx.max_level())
    throw InvalidArgumentError("Galois keys for level " + std::to_string(max_level) + ": the top level is " +
                               std::to_string(ctx.max_level()));
  const std::size_t n = ctx.n();
  for (std::uint64_t g : elements) {
    if ((g & 1) == 0 || g >= 2 * n || g == 1)
      throw InvalidArgumentError("Galois element " + std::to_string(g) + " must be odd, in (1, 2N)");
  }
  GaloisKeys result = out;
  for (std::uint64_t g : elements) {
    if (result.has_key(g) && switch_key_level(ctx, result.key(g)) >= max_level) continue;
    const auto& perm = ctx.galois_permutation(g);
    SecretU64Vector sg(n * ctx.prime_count());
    parallel_for(0, ctx.prime_count(), [&](std::size_t i) {
      apply_ntt_automorphism(sk_.limb(i), perm.data(), sg.data() + i * n, n);
    });
    create_switch_key(sg.data(), max_level, result.insert(g));
  }
  out = std::move(result);
}

}  // namespace hnn
