#include "hnn/ckks/refresh.h"

#include <algorithm>
#include <string>
#include <vector>

#include "exact_lift.h"
#include "hnn/ring/poly_arith.h"
#include "hnn/util/errors.h"
#include "hnn/util/memory.h"
#include "hnn/util/random.h"
#include "hnn/util/thread_pool.h"

namespace hnn::refresh {
namespace {

// Coefficients are processed in this many independent chunks (each with its own stream for the mask), so that
// the result does not depend on the thread count.
constexpr std::size_t kChunks = 64;

void wipe(Plaintext& p) {
  if (!p.empty()) secure_wipe(p.data(), p.word_count() * sizeof(std::uint64_t));
}

void check_plain(const Context& ctx, const Plaintext& p, const char* what) {
  if (p.empty()) throw InvalidArgumentError(std::string(what) + " is empty");
  if (p.params_hash() != ctx.params_hash() || p.n() != ctx.n() || p.level() > ctx.max_level())
    throw IncompatibleObjectsError(std::string(what) + " belongs to other encryption parameters");
}

void check_cipher(const Context& ctx, const Ciphertext& ct) {
  if (ct.empty()) throw InvalidArgumentError("ciphertext is empty");
  if (ct.params_hash() != ctx.params_hash() || ct.n() != ctx.n() || ct.level() > ctx.max_level())
    throw IncompatibleObjectsError("the ciphertext belongs to other encryption parameters");
}

std::vector<Modulus> primes_range(const Context& ctx, std::size_t begin, std::size_t end) {
  return std::vector<Modulus>(ctx.primes().begin() + static_cast<std::ptrdiff_t>(begin),
                              ctx.primes().begin() + static_cast<std::ptrdiff_t>(end));
}

// Limbs 0 ... level of `plain` in coefficient form, in wiping storage (they are secret on the client).
SecretU64Vector to_coefficients(const Context& ctx, const Plaintext& plain) {
  const std::size_t n = ctx.n(), limbs = plain.level() + 1;
  SecretU64Vector c(limbs * n);
  parallel_for(0, limbs, [&](std::size_t i) { ctx.ntt(i).inverse(plain.limb(i), c.data() + i * n); });
  return c;
}

}  // namespace

void sample_mask(const Context& ctx, int bits, Plaintext& out) {
  if (bits < 1 || bits > kMaxMaskBits)
    throw InvalidArgumentError("mask bits must be in [1, " + std::to_string(kMaxMaskBits) + "], got " +
                               std::to_string(bits));
  const std::size_t n = ctx.n(), limbs = ctx.max_level() + 1;
  const std::size_t words = (static_cast<std::size_t>(bits) + 63) / 64;
  const unsigned top_bits = static_cast<unsigned>(bits - 64 * static_cast<int>(words - 1));
  const std::uint64_t top_mask = top_bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << top_bits) - 1;
  // Per prime: 2^64 mod q (Horner over 64-bit words) and 2^(bits-1) mod q (the offset that centers u).
  std::vector<std::uint64_t> two64(limbs), offset(limbs);
  for (std::size_t j = 0; j < limbs; ++j) {
    const Modulus& q = ctx.prime(j);
    two64[j] = mul_mod(q.reduce(std::uint64_t{1} << 32), q.reduce(std::uint64_t{1} << 32), q);
    offset[j] = pow_mod(2, static_cast<std::uint64_t>(bits - 1), q);
  }
  Plaintext p;
  p.allocate(ctx.params_hash(), n, ctx.max_level());
  Seed seed = random_seed();  // secret: the mask is what hides the client's view
  const std::size_t chunk = (n + kChunks - 1) / kChunks;
  parallel_for(0, kChunks, [&](std::size_t c) {
    const std::size_t begin = c * chunk, end = begin + chunk < n ? begin + chunk : n;
    if (begin >= end) return;
    SeededStream stream(seed, c);
    SecretU64Vector u((end - begin) * words);
    stream.next_u64s(u.data(), u.size());
    for (std::size_t i = begin; i < end; ++i) {
      std::uint64_t* w = u.data() + (i - begin) * words;
      w[words - 1] &= top_mask;  // u uniform in [0, 2^bits); r = u - 2^(bits-1)
      for (std::size_t j = 0; j < limbs; ++j) {
        const Modulus& q = ctx.prime(j);
        std::uint64_t acc = 0;
        for (std::size_t k = words; k-- > 0;) acc = add_mod(mul_mod(acc, two64[j], q), q.reduce(w[k]), q);
        p.limb(j)[i] = sub_mod(acc, offset[j], q);
      }
    }
  });
  secure_wipe(seed.data(), seed.size());
  parallel_for(0, limbs, [&](std::size_t j) { ctx.ntt(j).forward(p.limb(j)); });
  p.set_scale(1.0);
  wipe(out);
  out = std::move(p);
}

void apply_mask(const Context& ctx, const Encryptor& public_encryptor, const Plaintext& mask, int bits,
                Ciphertext& ct) {
  check_cipher(ctx, ct);
  check_plain(ctx, mask, "the mask");
  if (mask.level() != ctx.max_level()) throw InvalidArgumentError("the mask must be sampled at the top level");
  if (ct.size() != 2)
    throw InvalidArgumentError("refresh needs a ciphertext of size 2: relinearize it first (c_2 cannot be "
                               "re-randomized without the secret key)");
  if (bits < 1 || bits > kMaxMaskBits) throw InvalidArgumentError("mask bits out of range");
  const std::size_t level = ct.level(), n = ctx.n();
  const double have = ctx.log2_modulus_at(level);
  if (have < bits + 2.0)
    throw DepthExhaustedError("refresh needs " + std::to_string(bits + 2) + " bits of modulus at level " +
                              std::to_string(level) + " (a " + std::to_string(bits) +
                              "-bit mask and 2 bits of headroom), the ciphertext has " +
                              std::to_string(static_cast<int>(have)) +
                              ": refresh it at a higher level or bound its values more tightly");
  Ciphertext zero;
  public_encryptor.encrypt_zero(level, zero);
  parallel_for(0, level + 1, [&](std::size_t i) {
    const Modulus& q = ctx.prime(i);
    std::uint64_t* c0 = ct.limb(0, i);
    add_mod(c0, zero.limb(0, i), c0, n, q);
    add_mod(c0, mask.limb(i), c0, n, q);
    std::uint64_t* c1 = ct.limb(1, i);
    add_mod(c1, zero.limb(1, i), c1, n, q);
  });
  secure_wipe(zero.data(), zero.word_count() * sizeof(std::uint64_t));
}

void remove_mask(const Context& ctx, const Plaintext& mask, Ciphertext& ct) {
  check_cipher(ctx, ct);
  check_plain(ctx, mask, "the mask");
  if (mask.level() < ct.level())
    throw IncompatibleObjectsError("the mask is at level " + std::to_string(mask.level()) +
                                   ", below the ciphertext's level " + std::to_string(ct.level()));
  const std::size_t n = ctx.n();
  parallel_for(0, ct.level() + 1, [&](std::size_t i) {
    std::uint64_t* c0 = ct.limb(0, i);
    sub_mod(c0, mask.limb(i), c0, n, ctx.prime(i));
  });
}

void lift_plaintext(const Context& ctx, const Plaintext& plain, std::size_t level, Plaintext& out) {
  check_plain(ctx, plain, "the plaintext");
  const std::size_t from = plain.level(), n = ctx.n();
  if (level < from || level > ctx.max_level())
    throw InvalidArgumentError("lifting goes from level " + std::to_string(from) + " up to at most " +
                               std::to_string(ctx.max_level()) + ", not to " + std::to_string(level));
  Plaintext p;
  p.allocate(ctx.params_hash(), n, level);
  for (std::size_t i = 0; i <= from; ++i) std::copy(plain.limb(i), plain.limb(i) + n, p.limb(i));
  if (level > from) {
    const SecretU64Vector coeffs = to_coefficients(ctx, plain);
    const detail::ExactLift lifter(primes_range(ctx, 0, from + 1), primes_range(ctx, from + 1, level + 1));
    std::uint64_t* high = p.limb(from + 1);
    const std::size_t chunk = (n + kChunks - 1) / kChunks;
    parallel_for(0, kChunks, [&](std::size_t c) {
      const std::size_t begin = c * chunk, end = begin + chunk < n ? begin + chunk : n;
      for (std::size_t i = begin; i < end; ++i) lifter.lift(coeffs.data() + i, n, high + i, n);
    });
    parallel_for(from + 1, level + 1, [&](std::size_t j) { ctx.ntt(j).forward(p.limb(j)); });
  }
  p.set_scale(plain.scale());
  wipe(out);
  out = std::move(p);
}

void reencrypt(const Context& ctx, const Decryptor& decryptor, const Encryptor& secret_encryptor,
               const Ciphertext& in, std::size_t level, Ciphertext& out) {
  check_cipher(ctx, in);
  if (level < in.level() || level > ctx.max_level())
    throw InvalidArgumentError("re-encryption goes from the ciphertext's level " + std::to_string(in.level()) +
                               " up to at most " + std::to_string(ctx.max_level()) + ", not to " +
                               std::to_string(level));
  Plaintext m, lifted;
  try {
    decryptor.decrypt(in, m);
    lift_plaintext(ctx, m, level, lifted);
    wipe(m);
    secret_encryptor.encrypt_symmetric(lifted, out);
    wipe(lifted);
  } catch (...) {
    wipe(m);
    wipe(lifted);
    throw;
  }
}

void integer_coefficients(const Context& ctx, const Plaintext& plain, unsigned shift, std::int64_t* out) {
  check_plain(ctx, plain, "the plaintext");
  if (out == nullptr) throw InvalidArgumentError("output is null");
  const std::size_t n = ctx.n();
  const SecretU64Vector coeffs = to_coefficients(ctx, plain);
  const detail::ExactLift composer(primes_range(ctx, 0, plain.level() + 1), {});
  const std::size_t chunk = (n + kChunks - 1) / kChunks;
  parallel_for(0, kChunks, [&](std::size_t c) {
    const std::size_t begin = c * chunk, end = begin + chunk < n ? begin + chunk : n;
    for (std::size_t i = begin; i < end; ++i) out[i] = composer.shifted(coeffs.data() + i, n, shift);
  });
}

}  // namespace hnn::refresh
