#include "hnn/rlwe/key_switcher.h"

#include <algorithm>
#include <vector>

#include "hnn/ring/poly_arith.h"
#include "hnn/util/thread_pool.h"

namespace hnn {

void KeySwitcher::lift(const std::uint64_t* d, std::size_t level, LiftedDigits& out) const {
  const Context& ctx = *ctx_;
  const std::size_t n = ctx.n(), alpha = ctx.special_prime_count();
  const std::size_t digits = ctx.digit_count_at(level), limbs = level + 1 + alpha;
  out.level = level;
  out.digits = digits;
  out.limbs = limbs;
  out.n = n;
  out.data.resize(digits * limbs * n);

  // Phase 1, per digit: its own limbs are d itself; the others come from the digit's coefficients through
  // fast base conversion (left in coefficient form here).
  parallel_for(0, digits, [&](std::size_t j) {
    const std::size_t begin = ctx.digit_begin(j), end = ctx.digit_end(j, level), k = end - begin;
    U64Vector coeffs(k * n), converted((limbs - k) * n);
    for (std::size_t i = begin; i < end; ++i) {
      std::copy(d + i * n, d + (i + 1) * n, out.limb(j, i));
      std::copy(d + i * n, d + (i + 1) * n, coeffs.data() + (i - begin) * n);
      ctx.ntt(i).inverse(coeffs.data() + (i - begin) * n);
    }
    ctx.mod_up_converter(level, j).fast_convert(coeffs.data(), converted.data(), n);
    std::size_t t = 0;
    for (std::size_t ext = 0; ext < limbs; ++ext) {
      if (ext >= begin && ext < end) continue;
      std::copy(converted.data() + t * n, converted.data() + (t + 1) * n, out.limb(j, ext));
      ++t;
    }
  });
  // Phase 2: forward NTT of every converted limb.
  parallel_for(0, digits * limbs, [&](std::size_t idx) {
    const std::size_t j = idx / limbs, ext = idx % limbs;
    if (ext >= ctx.digit_begin(j) && ext < ctx.digit_end(j, level)) return;
    ctx.ntt(ctx.extended_prime_index(level, ext)).forward(out.limb(j, ext));
  });
}

void KeySwitcher::apply(const LiftedDigits& lifted, const KeySwitchKey& key, const std::uint32_t* perm,
                        std::uint64_t* out0, std::uint64_t* out1) const {
  const Context& ctx = *ctx_;
  if (key.empty() || key.params_hash() != ctx.params_hash() || key.digit_count() != ctx.digit_count() ||
      key.limb_count() != ctx.prime_count())
    throw IncompatibleObjectsError("the key-switching key belongs to other encryption parameters");
  const std::size_t n = ctx.n(), level = lifted.level, limbs = lifted.limbs, alpha = ctx.special_prime_count();
  U64Vector t0(limbs * n), t1(limbs * n);

  // Inner product over the digits, one limb of Q_level P at a time, reduced once per coefficient.
  parallel_for(0, limbs, [&](std::size_t ext) {
    const std::size_t pi = ctx.extended_prime_index(level, ext);
    std::vector<u128> acc0(n, 0), acc1(n, 0);
    U64Vector permuted(perm ? n : 0);
    for (std::size_t j = 0; j < lifted.digits; ++j) {
      const std::uint64_t* src = lifted.limb(j, ext);
      if (perm) {
        for (std::size_t c = 0; c < n; ++c) permuted[c] = src[perm[c]];
        src = permuted.data();
      }
      mul_accumulate_u128(src, key.poly(j, 0) + pi * n, acc0.data(), n);
      mul_accumulate_u128(src, key.poly(j, 1) + pi * n, acc1.data(), n);
    }
    reduce_u128(acc0.data(), t0.data() + ext * n, n, ctx.prime(pi));
    reduce_u128(acc1.data(), t1.data() + ext * n, n, ctx.prime(pi));
  });

  // Mod down: out += (t - Conv_{P->Q}([t]_P)) * P^-1 on every data limb.
  const BaseConverter& down = ctx.mod_down_converter(level);
  for (int p = 0; p < 2; ++p) {
    U64Vector& t = p == 0 ? t0 : t1;
    std::uint64_t* out = p == 0 ? out0 : out1;
    U64Vector special(alpha * n), converted((level + 1) * n);
    std::copy(t.data() + (level + 1) * n, t.data() + limbs * n, special.data());
    parallel_for(0, alpha, [&](std::size_t s) {
      ctx.ntt(ctx.data_prime_count() + s).inverse(special.data() + s * n);
    });
    down.fast_convert(special.data(), converted.data(), n);
    parallel_for(0, level + 1, [&](std::size_t i) {
      const Modulus& q = ctx.prime(i);
      std::uint64_t* c = converted.data() + i * n;
      ctx.ntt(i).forward(c);
      sub_mul_scalar_mod(t.data() + i * n, c, ctx.inv_special_product(i).operand, c, n, q);
      add_mod(out + i * n, c, out + i * n, n, q);
    });
  }
}

void KeySwitcher::switch_key(const std::uint64_t* d, std::size_t level, const KeySwitchKey& key,
                             std::uint64_t* out0, std::uint64_t* out1) const {
  LiftedDigits lifted;
  lift(d, level, lifted);
  apply(lifted, key, nullptr, out0, out1);
}

}  // namespace hnn
