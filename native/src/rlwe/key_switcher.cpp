#include "hnn/rlwe/key_switcher.h"

#include <algorithm>
#include <vector>

#include "hnn/ring/automorphism.h"
#include "hnn/ring/poly_arith.h"
#include "hnn/ring/rns.h"
#include "hnn/rlwe/key_shape.h"
#include "hnn/util/errors.h"
#include "hnn/util/thread_pool.h"

namespace hnn {
namespace {

// Rounding instead of flooring when dividing by a product B of primes: convert [x + h]_B with h = (B - 1)/2,
// then subtract h again; the result is x's residue centered in (-B/2, B/2]. Without it every coefficient
// carries a -1/2 bias, which the slots see amplified (the all-ones polynomial is large near zeta).
void add_half(std::uint64_t* coeffs, const Modulus& b, std::size_t n) {
  add_scalar_mod(coeffs, (b.value() - 1) / 2, coeffs, n, b);
}
// h mod q for h = (B - 1) / 2, given B mod q.
std::uint64_t half_mod(std::uint64_t b_mod_q, const Modulus& q) {
  return mul_mod(sub_mod(b_mod_q, 1 % q.value(), q), inverse_mod(2, q), q);
}
void subtract_constant(std::uint64_t* coeffs, std::uint64_t c, const Modulus& q, std::size_t n) {
  add_scalar_mod(coeffs, c == 0 ? 0 : q.value() - c, coeffs, n, q);
}

// Special limb s (NTT form) in coefficients plus h: the first step of a rounded division by a product B that
// includes the special primes (add_half).
void special_limb_to_coefficients(const Context& ctx, const std::uint64_t* limb, std::size_t s, std::uint64_t* out) {
  const std::size_t index = ctx.data_prime_count() + s;
  ctx.ntt(index).inverse(limb, out);
  add_half(out, ctx.prime(index), ctx.n());
}

// The centered residue [x]_B into data prime i, NTT form: the exact conversion of the prepared [x + h]_B
// (BaseConverter::exact_prepare) minus h, given B mod q_i. What a rounded division by B subtracts from x.
void centered_residue_ntt(const Context& ctx, const BaseConverter& down, const std::uint64_t* prepared,
                          std::size_t i, std::uint64_t b_mod_q, std::uint64_t* out) {
  const Modulus& q = ctx.prime(i);
  down.exact_convert_prepared_to(prepared, i, out, ctx.n());
  subtract_constant(out, half_mod(b_mod_q, q), q, ctx.n());
  ctx.ntt(i).forward(out);
}

}  // namespace

void KeySwitcher::lift(const std::uint64_t* d, std::size_t level, LiftedDigits& out) const {
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n(), alpha = ctx.special_prime_count();
  const std::size_t digits = ctx.digit_count_at(level), limbs = level + 1 + alpha;
  out.level = level;
  out.digits = digits;
  out.limbs = limbs;
  out.n = n;
  out.data.resize(digits * out.digit_words());

  // Phase 1, per digit: its own limbs are d itself; the others come from the digit's coefficients through
  // fast base conversion (left in coefficient form here).
  parallel_for(0, digits, [&](std::size_t j) {
    const std::size_t begin = ctx.digit_begin(j), end = ctx.digit_end(j, level), k = end - begin;
    RawU64Vector coeffs(k * n);
    std::vector<std::uint64_t*> targets;
    for (std::size_t ext = 0; ext < limbs; ++ext)
      if (ext < begin || ext >= end) targets.push_back(out.limb(j, ext));
    for (std::size_t i = begin; i < end; ++i) {
      std::copy(d + i * n, d + (i + 1) * n, out.limb(j, i));
      ctx.ntt(i).inverse(d + i * n, coeffs.data() + (i - begin) * n);
    }
    ctx.mod_up_converter(level, j).fast_convert_centered(coeffs.data(), targets.data(), n);
  });
  // Phase 2: forward NTT of every converted limb.
  parallel_for(0, digits * limbs, [&](std::size_t idx) {
    const std::size_t j = idx / limbs, ext = idx % limbs;
    if (ext >= ctx.digit_begin(j) && ext < ctx.digit_end(j, level)) return;
    ctx.ntt(ctx.extended_prime_index(level, ext)).forward(out.limb(j, ext));
  });
}

namespace {

// A key of these parameters that serves `level` (a key restricted to a lower level does not: MissingKeyError,
// since what is missing is a key for that level).
void check_key(const Context& ctx, const KeySwitchKey& key, std::size_t level) {
  const std::size_t top = switch_key_level(ctx, key);
  if (level > top)
    throw MissingKeyError("the key-switching key serves levels up to " + std::to_string(top) +
                          ", the ciphertext is at level " + std::to_string(level) +
                          ": switch it down to that level first, or make the key for a higher level");
}

// (out0, out1) = sum_t src[t] * (b_t, a_t) on limb `pi`, where term t is digit t % digits of key t / digits,
// reduced once per coefficient.
void accumulate_products(const std::uint64_t* const* src, const KeySwitchKey* const* keys, std::size_t key_count,
                         std::size_t pi, std::size_t digits, std::size_t offset, std::uint64_t* out0,
                         std::uint64_t* out1, const Modulus& q, std::size_t n) {
  // limb(k, j, p): key k's limb of prime pi in its storage words (32-bit for a prime below 2^32, else 64-bit; the
  // same for every key of one context), from coefficient `offset` on. Keys restricted to different levels hold
  // prime pi at different limbs.
  const auto sum_over = [&](auto limb) {
    std::vector<decltype(limb(0, 0, 0))> b(key_count * digits), a(key_count * digits);
    for (std::size_t k = 0; k < key_count; ++k)
      for (std::size_t j = 0; j < digits; ++j) {
        b[k * digits + j] = limb(k, j, 0) + offset;
        a[k * digits + j] = limb(k, j, 1) + offset;
      }
    dot_product_pair(src, b.data(), a.data(), key_count * digits, out0, out1, n, q);
  };
  if (keys[0]->narrow(keys[0]->limb_of_prime(pi)))
    sum_over([&](std::size_t k, std::size_t j, std::size_t p) {
      return keys[k]->narrow_limb(j, p, keys[k]->limb_of_prime(pi));
    });
  else
    sum_over([&](std::size_t k, std::size_t j, std::size_t p) {
      return keys[k]->wide_limb(j, p, keys[k]->limb_of_prime(pi));
    });
}

}  // namespace

void KeySwitcher::inner_product_direct(const std::uint64_t* d, std::size_t level, const KeySwitchKey& key,
                                       const std::uint32_t* perm, ExtendedPair& out) const {
  const Context& ctx = *ctx_;
  check_key(ctx, key, level);
  const std::size_t n = ctx.n(), alpha = ctx.special_prime_count();
  const std::size_t digits = ctx.digit_count_at(level), limbs = level + 1 + alpha;
  // The automorphism commutes with the digit decomposition: on coefficients it is a signed permutation, and
  // the centered lift from an odd prime commutes with negation (lift(q - x) = -lift(x)). So the digits of
  // sigma(d) are the permuted digits of d, bit for bit, and permuting d's level + 1 limbs once replaces
  // permuting every digit on every limb of Q_level P.
  RawU64Vector permuted_d(perm ? (level + 1) * n : 0);
  if (perm) {
    parallel_for(0, level + 1,
                 [&](std::size_t i) { apply_ntt_automorphism(d + i * n, perm, permuted_d.data() + i * n, n); });
    d = permuted_d.data();
  }
  // Coefficient form of every data limb: digit j's coefficients are limbs [begin_j, end_j). A digit of several
  // primes keeps its conversion terms instead (the same for every target limb).
  // (The terms are limb-wise products, so each limb's is taken right after its transform, in one balanced loop.)
  RawU64Vector coeffs((level + 1) * n);
  parallel_for(0, level + 1, [&](std::size_t i) {
    std::uint64_t* limb = coeffs.data() + i * n;
    ctx.ntt(i).inverse(d + i * n, limb);
    const std::size_t j = ctx.digit_of(i), begin = ctx.digit_begin(j), end = ctx.digit_end(j, level);
    if (end - begin > 1) ctx.mod_up_converter(level, j).centered_term(i - begin, limb, limb, n);
  });
  out.level = level;
  out.limbs = limbs;
  out.n = n;
  out.data.resize(2 * limbs * n);
  parallel_for(0, limbs, [&](std::size_t ext) {
    const std::size_t pi = ctx.extended_prime_index(level, ext);
    // This limb of every digit (converted and transformed), then the products with the key summed over the
    // digits (dot_product_pair).
    const std::size_t stride = skewed_stride(n, 5);  // the digits are streamed together with the key's limbs
    RawU64Vector work(digits * stride);
    std::vector<const std::uint64_t*> src(digits);
    for (std::size_t j = 0; j < digits; ++j) {
      const std::size_t begin = ctx.digit_begin(j), end = ctx.digit_end(j, level);
      std::uint64_t* limb = work.data() + j * stride;
      if (ext >= begin && ext < end) {
        src[j] = d + ext * n;  // the digit's own prime: d itself, already in NTT form
      } else {
        if (end - begin == 1) {
          // A one-prime digit: its conversion is the centered lift, which the transform can read directly.
          ctx.ntt(pi).forward_lifted(coeffs.data() + begin * n, ctx.prime(begin), limb);
        } else {
          // Position of this limb in the converter's target base (Q_level without the digit, then P).
          const std::size_t target = ext < begin ? ext : ext - (end - begin);
          ctx.mod_up_converter(level, j).centered_convert_terms_to(coeffs.data() + begin * n, target, limb, n);
          ctx.ntt(pi).forward(limb);
        }
        src[j] = limb;
      }
    }
    const KeySwitchKey* keys[] = {&key};
    accumulate_products(src.data(), keys, 1, pi, digits, 0, out.limb(0, ext), out.limb(1, ext), ctx.prime(pi), n);
  });
}

void KeySwitcher::inner_product(const LiftedDigits& lifted, const KeySwitchKey& key, const std::uint32_t* perm,
                                ExtendedPair& out) const {
  inner_product_sum(lifted, {&key}, {perm}, out);
}

void KeySwitcher::inner_product_sum(const LiftedDigits& lifted, const std::vector<const KeySwitchKey*>& keys,
                                    const std::vector<const std::uint32_t*>& perms, ExtendedPair& out) const {
  const Context& ctx = *ctx_;
  if (keys.empty() || keys.size() != perms.size())
    throw InvalidArgumentError("inner_product_sum: needs one automorphism (or none) per key, at least one key");
  if (keys.size() * lifted.digits > kMaxDotProductTerms)
    throw InvalidArgumentError("inner_product_sum: too many keys for one reduction");
  for (const KeySwitchKey* key : keys) check_key(ctx, *key, lifted.level);
  const std::size_t n = ctx.n(), limbs = lifted.limbs, terms = keys.size() * lifted.digits;
  out.level = lifted.level;
  out.limbs = limbs;
  out.n = n;
  out.data.resize(2 * limbs * n);
  // One limb of Q_level P at a time: every key's products with its permuted digits in one sum, reduced once per
  // coefficient. The permuted digits are made a chunk of coefficients at a time, so that they are still in L2
  // when the products read them (whole permuted limbs, 9 x 128 KiB for three keys of three digits, were not).
  std::size_t permuted_terms = 0;
  for (const std::uint32_t* perm : perms) permuted_terms += perm ? lifted.digits : 0;
  const std::size_t chunk = std::min<std::size_t>(n, 2048);
  parallel_for(0, limbs, [&](std::size_t ext) {
    const std::size_t pi = ctx.extended_prime_index(lifted.level, ext);
    RawU64Vector permuted(permuted_terms * chunk);
    std::vector<const std::uint64_t*> src(terms);
    // The permutations read each digit's limb in scattered blocks, which the hardware prefetcher cannot
    // follow: fetch the limbs (3 x 128 KiB at N = 16384) into L2 in order first.
    if (permuted_terms > 0)
      for (std::size_t j = 0; j < lifted.digits; ++j)
        for (std::size_t i = 0; i < n; i += 8) __builtin_prefetch(lifted.limb(j, ext) + i, 0, 2);
    for (std::size_t c = 0; c < n; c += chunk) {
      const std::size_t len = std::min(chunk, n - c);
      std::uint64_t* next = permuted.data();
      for (std::size_t k = 0; k < keys.size(); ++k)
        for (std::size_t j = 0; j < lifted.digits; ++j) {
          const std::uint64_t* digit = lifted.limb(j, ext);
          if (perms[k]) {
            apply_ntt_automorphism_range(digit, perms[k], c, len, next);
            src[k * lifted.digits + j] = next;
            next += len;
          } else {
            src[k * lifted.digits + j] = digit + c;
          }
        }
      accumulate_products(src.data(), keys.data(), keys.size(), pi, lifted.digits, c, out.limb(0, ext) + c,
                          out.limb(1, ext) + c, ctx.prime(pi), len);
    }
  });
}

void KeySwitcher::mod_down(const ExtendedPair& acc, const std::uint64_t* base0, const std::uint64_t* base1,
                           std::uint64_t* out0, std::uint64_t* out1) const {
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n(), level = acc.level, alpha = ctx.special_prime_count();
  const BaseConverter& down = ctx.mod_down_converter(level);
  // out = base + (acc - Conv_{P->Q}([acc]_P)) * P^-1 on every data limb; t holds Conv_{P->Q}([acc]_P) on limb
  // i of polynomial p.
  const auto finish_limb = [&](std::size_t p, std::size_t i, std::uint64_t* t) {
    const std::uint64_t* base = p == 0 ? base0 : base1;
    std::uint64_t* out = (p == 0 ? out0 : out1) + i * n;
    const Modulus& q = ctx.prime(i);
    if (!base) return sub_mul_scalar_mod(acc.limb(p, i), t, ctx.inv_special_product(i).operand, out, n, q);
    sub_mul_scalar_add_mod(acc.limb(p, i), t, ctx.inv_special_product(i).operand, base + i * n, out, n, q);
  };
  if (alpha == 1) {
    // One special prime p: [acc]_p centered is exactly the centered lift of its coefficients (what the
    // general path computes with add_half / exact_convert / subtract_constant), one pass per limb.
    const std::size_t special_index = ctx.data_prime_count();
    RawU64Vector special(2 * n);
    parallel_for(0, 2, [&](std::size_t p) {
      ctx.ntt(special_index).inverse(acc.limb(p, level + 1), special.data() + p * n);
    });
    parallel_for(0, 2 * (level + 1), [&](std::size_t idx) {
      const std::size_t p = idx / (level + 1), i = idx % (level + 1);
      RawU64Vector t(n);
      ctx.ntt(i).forward_lifted(special.data() + p * n, ctx.prime(special_index), t.data());
      finish_limb(p, i, t.data());
    });
    return;
  }
  // Both polynomials in every phase, so that each parallel loop has twice the tasks (two cores were idle half
  // of a phase of alpha or level + 1 tasks), and the exact conversion runs per (polynomial, target).
  const std::size_t prepared_limbs = down.exact_prepared_limbs();
  RawU64Vector special(2 * alpha * n), prepared(2 * prepared_limbs * n);
  parallel_for(0, 2 * alpha, [&](std::size_t idx) {
    const std::size_t p = idx / alpha, s = idx % alpha;
    special_limb_to_coefficients(ctx, acc.limb(p, level + 1 + s), s, special.data() + idx * n);
  });
  parallel_for(0, 2, [&](std::size_t p) {
    down.exact_prepare(special.data() + p * alpha * n, prepared.data() + p * prepared_limbs * n, n);
  });
  parallel_for(0, 2 * (level + 1), [&](std::size_t idx) {
    const std::size_t p = idx / (level + 1), i = idx % (level + 1);
    RawU64Vector c(n);
    centered_residue_ntt(ctx, down, prepared.data() + p * prepared_limbs * n, i, ctx.special_product_mod(i), c.data());
    finish_limb(p, i, c.data());
  });
}

void KeySwitcher::mod_down_rescale(const ExtendedPair& acc, const std::uint64_t* c0, const std::uint64_t* c1,
                                   std::uint64_t* out0, std::uint64_t* out1) const {
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n(), level = acc.level, alpha = ctx.special_prime_count();
  if (level == 0) throw DepthExhaustedError("rescale: no prime left to divide by at level 0");
  if (alpha == 1) {
    mod_down_rescale_one_special(acc, c0, c1, out0, out1);
    return;
  }
  const BaseConverter& down = ctx.mod_down_rescale_converter(level);
  // As in mod_down, both polynomials in every phase. x = P c + acc on the data limbs below the level;
  // the limb at the level and the special limbs (where P c = 0) are divided out: dropped = [q_level, P].
  const std::size_t prepared_limbs = down.exact_prepared_limbs();
  RawU64Vector x(2 * level * n), dropped(2 * (1 + alpha) * n), prepared(2 * prepared_limbs * n);
  parallel_for(0, 2 * (level + 1 + alpha), [&](std::size_t idx) {
    const std::size_t p = idx / (level + 1 + alpha), i = idx % (level + 1 + alpha);
    if (i > level) {  // special limb s = i - level - 1
      const std::size_t s = i - level - 1;
      special_limb_to_coefficients(ctx, acc.limb(p, level + 1 + s), s, dropped.data() + (p * (1 + alpha) + 1 + s) * n);
      return;
    }
    const std::uint64_t* c = p == 0 ? c0 : c1;
    const Modulus& q = ctx.prime(i);
    std::uint64_t* dst = i < level ? x.data() + (p * level + i) * n : dropped.data() + p * (1 + alpha) * n;
    mul_scalar_add_mod(c + i * n, ctx.special_product_mod(i), acc.limb(p, i), dst, n, q);
    if (i == level) {
      ctx.ntt(i).inverse(dst);
      add_half(dst, q, n);
    }
  });
  parallel_for(0, 2, [&](std::size_t p) {
    down.exact_prepare(dropped.data() + p * (1 + alpha) * n, prepared.data() + p * prepared_limbs * n, n);
  });
  parallel_for(0, 2 * level, [&](std::size_t idx) {
    const std::size_t p = idx / level, i = idx % level;
    std::uint64_t* out = p == 0 ? out0 : out1;
    const Modulus& q = ctx.prime(i);
    RawU64Vector t(n);
    const std::uint64_t b_mod_q = mul_mod(q.reduce(ctx.prime(level).value()), ctx.special_product_mod(i), q);  // q_l P
    centered_residue_ntt(ctx, down, prepared.data() + p * prepared_limbs * n, i, b_mod_q, t.data());
    sub_mul_scalar_mod(x.data() + (p * level + i) * n, t.data(), ctx.inv_special_times_last(level, i).operand,
                       out + i * n, n, q);
  });
}

// One special prime p: the centered residue of X modulo p q_l is T = [X]_p + p [Y]_{q_l} with
// Y = (X - [X]_p) / p mod q_l, both single-prime centered lifts in the coefficient domain: no base conversion
// with 128-bit sums, and the same transforms as the general path (two inverse, one forward per limb).
void KeySwitcher::mod_down_rescale_one_special(const ExtendedPair& acc, const std::uint64_t* c0,
                                               const std::uint64_t* c1, std::uint64_t* out0,
                                               std::uint64_t* out1) const {
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n(), level = acc.level, special_index = ctx.data_prime_count();
  const Modulus& last = ctx.prime(level);
  const Modulus& special = ctx.prime(special_index);
  for (int p = 0; p < 2; ++p) {
    const std::uint64_t* c = p == 0 ? c0 : c1;
    std::uint64_t* out = p == 0 ? out0 : out1;
    // X = P c + acc on the data limbs, acc alone on the special limb.
    RawU64Vector x((level + 1) * n), xp(n), y(n);
    parallel_for(0, level + 2, [&](std::size_t i) {
      if (i == level + 1) return ctx.ntt(special_index).inverse(acc.limb(p, level + 1), xp.data());
      std::uint64_t* dst = x.data() + i * n;
      mul_scalar_add_mod(c + i * n, ctx.special_product_mod(i), acc.limb(p, i), dst, n, ctx.prime(i));
      if (i == level) ctx.ntt(i).inverse(dst);
    });
    // Y = (X - [X]_p) p^-1 mod q_l, coefficient-wise.
    centered_lift(xp.data(), special, last, y.data(), n);
    sub_mul_scalar_mod(x.data() + level * n, y.data(), ctx.inv_special_product(level).operand, y.data(), n, last);
    parallel_for(0, level, [&](std::size_t i) {
      const Modulus& q = ctx.prime(i);
      RawU64Vector t(n), u(n);
      centered_lift(xp.data(), special, q, t.data(), n);
      centered_lift(y.data(), last, q, u.data(), n);
      mul_scalar_mod(u.data(), ctx.special_product_mod(i), u.data(), n, q);
      add_mod(t.data(), u.data(), t.data(), n, q);
      ctx.ntt(i).forward(t.data());
      sub_mul_scalar_mod(x.data() + i * n, t.data(), ctx.inv_special_times_last(level, i).operand, out + i * n, n, q);
    });
  }
}

void KeySwitcher::apply(const LiftedDigits& lifted, const KeySwitchKey& key, const std::uint32_t* perm,
                        const std::uint64_t* base0, const std::uint64_t* base1, std::uint64_t* out0,
                        std::uint64_t* out1) const {
  ExtendedPair acc;
  inner_product(lifted, key, perm, acc);
  mod_down(acc, base0, base1, out0, out1);
}

void KeySwitcher::switch_key(const std::uint64_t* d, std::size_t level, const KeySwitchKey& key,
                             const std::uint64_t* base0, const std::uint64_t* base1, std::uint64_t* out0,
                             std::uint64_t* out1) const {
  ExtendedPair acc;
  inner_product_direct(d, level, key, nullptr, acc);
  mod_down(acc, base0, base1, out0, out1);
}

}  // namespace hnn
